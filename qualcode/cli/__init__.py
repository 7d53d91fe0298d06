"""The `qualcode` command line: thin commands over qualcode.services.

Command modules are imported only when their command runs: the analysis, agreement and
suggestion stacks pull in scipy, krippendorff and spaCy, which would otherwise make every
command take seconds to start. `qualcode --help` (and `from qualcode.cli import app`)
loads them all.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

# name -> (module under qualcode.cli, attribute, "command" or "group")
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("demo", "run_demo", "command"),
    "tui": ("tui", "tui", "command"),
    "init": ("corpus", "init", "command"),
    "import": ("corpus", "import_", "command"),
    "transcripts": ("corpus", "transcripts", "command"),
    "segments": ("corpus", "segments", "command"),
    "transcript": ("transcript", "transcript_app", "group"),
    "speaker": ("transcript", "speaker_app", "group"),
    "code": ("coding", "code", "command"),
    "uncode": ("coding", "uncode", "command"),
    "open-code": ("coding", "open_code", "command"),
    "memo": ("coding", "memo_app", "group"),
    "codebook": ("codebook", "codebook_app", "group"),
    "cards": ("cards", "cards_app", "group"),
    "freq": ("analysis", "freq", "command"),
    "compare": ("analysis", "compare", "command"),
    "cooccur": ("analysis", "cooccur", "command"),
    "quotes": ("analysis", "quotes", "command"),
    "search": ("analysis", "search", "command"),
    "report": ("report", "report", "command"),
    "pin": ("report", "pin", "command"),
    "matrix": ("matrix", "matrix_app", "group"),
    "suggest": ("suggest", "suggest_app", "group"),
    "agree": ("agreement", "agree_app", "group"),
    "disagreements": ("agreement", "disagreements", "command"),
    "adjudicate": ("agreement", "adjudicate", "command"),
    "blind": ("agreement", "blind_command", "command"),
    "audit": ("agreement", "audit_command", "command"),
    "export": ("exchange", "export_app", "group"),
    "import-qdc": ("exchange", "import_qdc", "command"),
    "import-qdpx": ("exchange", "import_qdpx", "command"),
    "backup": ("teams", "backup", "command"),
    "restore": ("teams", "restore", "command"),
    "transfer": ("teams", "transfer", "command"),
    "delete-transcript": ("teams", "delete_transcript", "command"),
    "coder": ("teams", "coder_app", "group"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The command line with every command, or only the one named `only`."""
    built = typer.Typer(
        name="qualcode",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    # A callback keeps it a group even when it holds one command (typer would flatten it).
    built.callback()(_root)
    for name, (module, attribute, kind) in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"qualcode.cli.{module}"), attribute)
        if kind == "group":
            built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    return built


def _root() -> None:
    """Qualitative coding of focus-group and interview transcripts, in the terminal."""


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    requested = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    build_app(requested if requested in COMMANDS else None)()
