"""What every command shares: the database option, error handling and consoles."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from qualcode.config import act_as
from qualcode.domain.text import without_controls
from qualcode.errors import QualcodeError
from qualcode.services.project import Project, new_sqlite_file, open_project

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

P = ParamSpec("P")
R = TypeVar("R")

# The consoles, made on first use (`__getattr__`): a command that prints one line of plain
# text (`say`) does not import rich. soft_wrap: messages hold file paths that must stay
# whole for copying; tables still fit. markup=False: names, titles, quotes and paths are the
# user's and may hold "[...]"; what qualcode styles it styles with Text, never with console
# markup. Control characters in what they render are left out (`_clean_console`).
console: Console
err_console: Console
_CONSOLES = {"console": False, "err_console": True}  # name: on stderr


def __getattr__(name: str) -> Any:
    if name not in _CONSOLES:
        raise AttributeError(name)
    made = _clean_console(stderr=_CONSOLES[name])
    globals()[name] = made
    return made


def _clean_console(*, stderr: bool) -> Console:
    """A console whose rendered text holds no control or direction-override characters.

    Values are cleaned where they are stored (qualcode.domain.text), but a database written
    by an older qualcode, or by hand, may hold a department, title, label or code name with
    ESC, BEL or U+202E: printed raw, the terminal would obey them (recolour the screen, ring,
    reverse the text that follows). Its own styling is not text (rich adds it when it writes
    the segments), so colours and bold still show.
    """
    from collections.abc import Iterable

    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment

    class CleanConsole(Console):
        def render(
            self, renderable: RenderableType, options: ConsoleOptions | None = None
        ) -> Iterable[Segment]:
            for segment in super().render(renderable, options):
                if segment.control is None:
                    text = without_controls(segment.text)
                    if text is not segment.text:
                        segment = Segment(text, segment.style)
                yield segment

    return CleanConsole(stderr=stderr, soft_wrap=True, markup=False)


def _console(name: str = "console") -> Console:
    shared: Console = globals().get(name) or __getattr__(name)
    return shared


def say(message: str) -> None:
    """Print one line of unstyled text as `console.print(Text(message))` prints it, without
    importing rich (rich lays tabs out by cell width, so a message with a tab goes to it);
    control and direction-override characters are left out, as the consoles leave them."""
    if "\t" in message:
        from rich.text import Text

        _console().print(Text(message))
        return
    sys.stdout.write(without_controls(message) + "\n")


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
    typer.Option(
        "--coder",
        help="Coder name (default: $QUALCODE_CODER; on a team server, your database login).",
        show_default=False,
    ),
]
# The --coder of the running command (set by `friendly`), for `project` to check.
_claimed: list[str | None] = [None]
# Databases the running command made (a SQLite file that did not exist): removed again when
# the command fails with nothing stored, so the disk is as it was before.
_made: list[tuple[Project, Path]] = []


def friendly(command: Callable[P, R]) -> Callable[P, R]:
    """Show a QualcodeError as one red sentence and exit 1 (a traceback with QUALCODE_DEBUG=1)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        claimed = kwargs.get("coder")
        _claimed[0] = claimed if isinstance(claimed, str) else None
        act_as(None)  # until `project` asks the server
        _made.clear()
        try:
            return command(*args, **kwargs)
        except QualcodeError as error:
            if os.environ.get("QUALCODE_DEBUG"):
                _discard_made()
                raise
            from rich.text import Text

            _console("err_console").print(
                Text.assemble(("Error:", "bold red"), f" {error}"), highlight=False
            )
            _discard_made()
            raise typer.Exit(1) from None
        except typer.Exit as stop:
            if stop.exit_code:
                _discard_made()
            raise

    return wrapper


def labelled(label: str, style: str, message: str) -> Text:
    """`Warning: message` with the label styled and the message as it is."""
    from rich.text import Text

    return Text.assemble((label, style), f" {message}")


def project(db: str | None, *, create: bool = False) -> Project:
    """The project at --db; only commands that make one (init, import, import-qdpx, restore,
    and demo with its own database) create it. On a team server, the coder the login acts
    as becomes the default coder, and a `--coder` or QUALCODE_CODER naming someone else is
    refused."""
    from qualcode.config import coder_name
    from qualcode.services.team import acting_coder

    new_file = new_sqlite_file(db) if create else None
    opened = open_project(db, create=create)
    if new_file is not None:
        _made.append((opened, new_file))
    opened.on_wait = lambda message: _console("err_console").print(
        labelled("Note:", "yellow", message)
    )
    act_as(None)
    try:
        act_as(acting_coder(opened, coder_name(_claimed[0])))
    except QualcodeError:
        opened.close()
        raise
    return opened


def _discard_made() -> None:
    from qualcode.services.project import discard_if_unused

    while _made:
        made, path = _made.pop()
        if discard_if_unused(made, path):
            _console("err_console").print(
                labelled("Note:", "yellow", f"{path} was made for this command and removed.")
            )


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
