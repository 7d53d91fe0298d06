"""What every command shares: the database option, error handling and consoles."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from collections.abc import Callable, Iterator
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from qualcode.errors import QualcodeError
from qualcode.services.project import Project, open_project

P = ParamSpec("P")
R = TypeVar("R")

# soft_wrap: messages hold file paths that must stay whole for copying; tables still fit.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLAlchemy URL or a SQLite file path "
        "(default: $QUALCODE_DB, else ./qualcode.db).",
        show_default=False,
    ),
]
CoderOption = Annotated[
    str | None,
    typer.Option("--coder", help="Coder name (default: $QUALCODE_CODER).", show_default=False),
]


def friendly(command: Callable[P, R]) -> Callable[P, R]:
    """Show a QualcodeError as one red sentence and exit 1 (a traceback with QUALCODE_DEBUG=1)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except QualcodeError as error:
            if os.environ.get("QUALCODE_DEBUG"):
                raise
            err_console.print(f"[bold red]Error:[/] {error}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper


def project(db: str | None) -> Project:
    return open_project(db)


def require_coder(name: str | None) -> str:
    from qualcode.config import coder_name

    resolved = coder_name(name)
    if not resolved:
        raise QualcodeError("Say who is coding: --coder NAME or QUALCODE_CODER=NAME.")
    return resolved


def parse_span(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        start, end = (int(part) for part in value.split(":", 1))
    except ValueError:
        raise QualcodeError(f"--span '{value}' must be START:END, e.g. 10:42.") from None
    return start, end


@contextlib.contextmanager
def stop_on_terminate() -> Iterator[None]:
    """Within the block, SIGTERM raises SystemExit(143) like Ctrl-C raises KeyboardInterrupt,
    so that the work cleans up after itself (Python's default is to die on the spot)."""

    def stop(_signal: int, _frame: object) -> None:
        raise SystemExit(128 + signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
