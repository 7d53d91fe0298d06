"""REFI-QDA commands: `export codebook`, `export project`, `import-qdc`, `import-qdpx`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.common import CoderOption, DbOption, console, friendly, labelled, project
from qualcode.config import coder_name
from qualcode.domain.wording import counted
from qualcode.services import exchange
from qualcode.services.exchange import ExportSummary, ImportSummary

export_app = typer.Typer(
    help="Export the codebook or the project to other tools.", no_args_is_help=True
)


class CodebookFormat(StrEnum):
    qdc = "qdc"


@export_app.command("codebook")
@friendly
def export_codebook(
    path: Annotated[Path, typer.Argument(help="The file to write, e.g. codebook.qdc.")],
    fmt: Annotated[
        CodebookFormat, typer.Option("--format", help="qdc: REFI-QDA codebook XML.")
    ] = CodebookFormat.qdc,
    db: DbOption = None,
) -> None:
    """Write the active codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA."""
    summary = exchange.export_codebook_qdc(project(db), path)
    console.print(f"Wrote {counted(summary.codes, 'code')} to {path}.", highlight=False)


@export_app.command("project")
@friendly
def export_project(
    path: Annotated[Path, typer.Argument(help="The file to write, e.g. study.qdpx.")],
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Write the project (transcripts, codebook, every coder's codings, memos) as .qdpx.

    In blind mode only a supervisor may: the file holds every coder's layer."""
    summary = exchange.export_project_qdpx(project(db), path, actor=coder_name(coder))
    _print_export(summary)


AllowPartial = Annotated[
    bool,
    typer.Option(
        "--allow-partial",
        help="Import what can be imported when part of the file cannot (it is listed).",
    ),
]


class Positions(StrEnum):
    codepoints = "codepoints"
    utf16 = "utf16"


@friendly
def import_qdc(
    path: Annotated[Path, typer.Argument(help="A REFI-QDA codebook (.qdc).")],
    codebook: Annotated[
        str | None,
        typer.Option("--codebook", help="Codebook to merge into (default: the active one)."),
    ] = None,
    allow_partial: AllowPartial = False,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Merge the codes and code sets of a REFI-QDA codebook; existing keys are kept.

    Once the project has supervisors, only a supervisor may (--coder)."""
    summary = exchange.import_qdc(
        project(db), path, codebook, allow_partial=allow_partial, actor=coder_name(coder)
    )
    _print_import(summary)


@friendly
def import_qdpx(
    path: Annotated[
        Path, typer.Argument(help="A REFI-QDA project (.qdpx), or a bare project .qde.")
    ],
    allow_partial: AllowPartial = False,
    merge_by_text: Annotated[
        bool,
        typer.Option(
            "--merge-by-text",
            help="Merge a source into a stored transcript with the same text.",
        ),
    ] = False,
    positions: Annotated[
        Positions | None,
        typer.Option(
            "--positions",
            help="How the file counts positions (default: detected from its origin and text).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Import or merge a REFI-QDA project; codings without a user go to --coder.

    When part of the file cannot be imported, nothing is, unless --allow-partial. Once the
    project has supervisors, --coder is also who imports: new codes and coders, and other
    coders' codings, need a supervisor.
    """
    summary = exchange.import_qdpx(
        project(db, create=True),
        path,
        coder_name(coder),
        allow_partial=allow_partial,
        merge_by_text=merge_by_text,
        positions=positions.value if positions else None,
    )
    _print_import(summary)


def _print_export(summary: ExportSummary) -> None:
    console.print(
        f"Wrote {summary.path}: {counted(summary.sources, 'source')}, "
        f"{counted(summary.codes, 'code')}, "
        f"{counted(summary.codings, 'coding')} by {counted(summary.users, 'user')}, "
        f"{counted(summary.notes, 'note')}, "
        f"{counted(summary.cases, 'case')}, {counted(summary.sets, 'set')}.",
        highlight=False,
    )
    if summary.card_sections:
        console.print(
            f"Card sections: {summary.card_sections}, as selections coded with their card's "
            "code under 'Statement cards'.",
            highlight=False,
        )
    for warning in summary.warnings:
        console.print(labelled("Warning:", "yellow", warning), highlight=False)


def _print_import(summary: ImportSummary) -> None:
    console.print(f"Imported {summary.path} into codebook {summary.codebook}:", highlight=False)
    lines = [
        f"codes: {len(summary.codes_added)} added, {summary.codes_matched} already present",
        f"coders: {', '.join(summary.coders) or 'none'}",
        f"transcripts: {len(summary.transcripts_added)} added, "
        f"{len(summary.transcripts_merged)} merged",
        f"codings: {summary.codings_added} added, {summary.codings_present} already present",
        f"memos: {summary.memos_added} added",
        f"statement cards: {len(summary.cards_added)} added, {summary.card_sections} card sections",
    ]
    if summary.done_marks:
        lines.append(f"done marks: {summary.done_marks} added")
    if any(summary.kept.values()):
        kept = (counted(n, kind.removesuffix("s"), kind) for kind, n in summary.kept.items())
        lines.append("kept: " + ", ".join(kept))
    if summary.positions:
        lines.append(summary.positions)
    for line in lines:
        console.print(f"  {line}", highlight=False)
    for warning in summary.warnings:
        console.print(labelled("Warning:", "yellow", warning), highlight=False)
    for item in summary.not_imported:
        console.print(labelled("Not imported:", "bold red", item), highlight=False)
