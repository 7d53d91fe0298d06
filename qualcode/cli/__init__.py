"""The `qualcode` command line: thin commands over qualcode.services.

A lazy command registry: `qualcode --help` and `--version` are rendered from `COMMANDS`
alone, and a command's module is imported only when that command runs, so no command pays
for another's imports (the analysis, agreement and suggestion stacks pull in scipy,
krippendorff and spaCy). `from qualcode.cli import app` loads every command (for tests and
the reference in docs/cli.md).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NamedTuple

import typer

from qualcode import __version__
from qualcode.cli.parsing import QualcodeCommand, QualcodeGroup


class Command(NamedTuple):
    module: str  # under qualcode.cli
    attribute: str
    kind: str  # "command" or "group"
    summary: str  # the first paragraph of its help (a test keeps them equal)


COMMANDS: dict[str, Command] = {
    "demo": Command(
        "demo",
        "run_demo",
        "command",
        "Build the demo study (3 departments x 4 focus groups, three coders) and open it in "
        "the coding workbench; without a terminal, print a summary instead.",
    ),
    "tui": Command(
        "tui",
        "tui",
        "command",
        "Open the coding workbench: read, segment and code transcripts from the keyboard.",
    ),
    "init": Command(
        "corpus", "init", "command", "Create the database (or bring it to the newest schema)."
    ),
    "import": Command(
        "corpus",
        "import_",
        "command",
        "Import transcripts (.txt, .vtt, .srt, .docx, Otter exports): one transaction per file.",
    ),
    "transcripts": Command(
        "listing",
        "transcripts",
        "command",
        "List transcripts by department, with turns, words and coding progress.",
    ),
    "segments": Command(
        "corpus",
        "segments",
        "command",
        "Show a transcript's turns: number, segment id, speaker, time, text and codes.",
    ),
    "transcript": Command(
        "transcript",
        "transcript_app",
        "group",
        "Commands on one transcript: its metadata, your done mark.",
    ),
    "speaker": Command("transcript", "speaker_app", "group", "Fix a speaker's role."),
    "code": Command(
        "coding",
        "code",
        "command",
        "Apply a code to a turn, or to a span inside it; says what text was coded.",
    ),
    "uncode": Command(
        "coding",
        "uncode",
        "command",
        "Remove a coder's code from a turn (only the given span, if any).",
    ),
    "open-code": Command(
        "coding",
        "open_code",
        "command",
        "Create an open code (open.<slug>) and optionally apply it.",
    ),
    "memo": Command("coding", "memo_app", "group", "Write and read memos."),
    "codebook": Command("codebook", "codebook_app", "group", "Load and show codebooks."),
    "cards": Command(
        "cards",
        "cards_app",
        "group",
        "Statement cards: the deck, where each is read, and the sections they open.",
    ),
    "freq": Command(
        "analysis",
        "freq",
        "command",
        "Code frequencies: codes (parents rolled up) by department, group kind, role, coder, card.",
    ),
    "compare": Command(
        "analysis",
        "compare",
        "command",
        "Compare groups: coded turns, shares with 95 % CIs, a test per code (Holm), residuals, "
        "and focus groups as the unit.",
    ),
    "cooccur": Command(
        "analysis",
        "cooccur",
        "command",
        "Code co-occurrence in the same turn (or overlapping spans): counts and Jaccard.",
    ),
    "quotes": Command(
        "analysis",
        "quotes",
        "command",
        "Coded turns to quote: text, speaker, role, transcript and time.",
    ),
    "search": Command(
        "analysis",
        "search",
        "command",
        "Full-text search over turns (best matches first), with filters.",
    ),
    "report": Command(
        "report",
        "report",
        "command",
        "Write the analysis of a department as a document: figures, quotes, open codes, memos.",
    ),
    "pin": Command(
        "report",
        "pin",
        "command",
        "Pin a turn as a report quote for a code (a supervisor's choice), or exclude it.",
    ),
    "matrix": Command(
        "matrix",
        "matrix_app",
        "group",
        "The Framework Method's charting matrix (Gale et al. 2013): rows x codes.",
    ),
    "suggest": Command(
        "suggest",
        "suggest_app",
        "group",
        "Suggest codes: `qualcode suggest TRANSCRIPT|--all` stores suggestions for a coder.",
    ),
    "agree": Command(
        "agreement",
        "agree_app",
        "group",
        "Inter-coder agreement: coefficients per code, transcript or department.",
    ),
    "disagreements": Command(
        "agreement",
        "disagreements",
        "command",
        "Turns where coders differ about a code, with each coder's codes and the text.",
    ),
    "adjudicate": Command(
        "agreement",
        "adjudicate",
        "command",
        "Settle a disagreement in the consensus layer: --take A|B|both|neither or --code KEY.",
    ),
    "blind": Command(
        "agreement",
        "blind_command",
        "command",
        "Blind mode on or off: while on, each coder sees only their own codings.",
    ),
    "audit": Command(
        "agreement",
        "audit_command",
        "command",
        "Audit report: coverage, agreement per code and department, disagreements, "
        "adjudication log, codebook version and coefficient definitions.",
    ),
    "export": Command(
        "exchange", "export_app", "group", "Export the codebook or the project to other tools."
    ),
    "import-qdc": Command(
        "exchange",
        "import_qdc",
        "command",
        "Merge the codes and code sets of a REFI-QDA codebook; existing keys are kept.",
    ),
    "import-qdpx": Command(
        "exchange",
        "import_qdpx",
        "command",
        "Import or merge a REFI-QDA project; codings without a user go to --coder.",
    ),
    "backup": Command(
        "teams",
        "backup",
        "command",
        "Write a consistent copy of the project to FILE (SQLite backup API, or pg_dump).",
    ),
    "restore": Command(
        "teams",
        "restore",
        "command",
        "Replace the whole project with the backup in FILE (supervisors only, once there are any).",
    ),
    "transfer": Command(
        "teams",
        "transfer",
        "command",
        "Copy a whole project into an empty database and verify row counts and checksums.",
    ),
    "delete-transcript": Command(
        "teams",
        "delete_transcript",
        "command",
        "Delete a transcript with all its codings and memos (supervisors, once there are any).",
    ),
    "coder": Command(
        "teams", "coder_app", "group", "Coders and their roles (coder or supervisor)."
    ),
    "team": Command(
        "teams",
        "team_app",
        "group",
        "Team mode on a PostgreSQL server: group roles, rights and logins.",
    ),
}


def build_app(only: str | None = None, *, load: bool = True) -> typer.Typer:
    """The command line with every command, or only the one named `only`.

    With `load=False` every command is a stub that carries only its name and summary:
    enough to render `qualcode --help` without importing any command module.
    """
    built = typer.Typer(
        name="qualcode",
        cls=QualcodeGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    # A callback keeps it a group even when it holds one command (typer would flatten it).
    built.callback()(_root)
    for name, entry in COMMANDS.items():
        if only is not None and name != only:
            continue
        if not load:
            built.command(name, help=entry.summary)(_stub)
            continue
        target = getattr(importlib.import_module(f"qualcode.cli.{entry.module}"), entry.attribute)
        if entry.kind == "group":
            built.add_typer(target, name=name)
        else:
            built.command(name, cls=QualcodeCommand)(target)
    return built


def _show_version(value: bool) -> None:
    if value:
        print(f"qualcode {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
    ),
) -> None:
    """Qualitative coding of focus-group and interview transcripts, in the terminal."""


def _stub() -> None:
    """Never runs: main() loads the real command before running it."""


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    requested = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if requested in COMMANDS:
        build_app(requested)()
    else:
        build_app(load=False)()
