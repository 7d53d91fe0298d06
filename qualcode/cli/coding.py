"""Coding commands: code, uncode, open-code, memo."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.common import (
    CoderOption,
    DbOption,
    console,
    friendly,
    parse_span,
    project,
    require_coder,
)
from qualcode.services import coding

SpanOption = Annotated[
    str | None,
    typer.Option(
        "--span",
        help="START:END character offsets inside the segment's text (0 = its first character).",
        show_default=False,
    ),
]


@friendly
def code(
    segment: Annotated[int, typer.Argument(help="Segment id (see `qualcode segments`).")],
    key: Annotated[str, typer.Argument(help="Code key, e.g. temporality.breaks.")],
    coder: CoderOption = None,
    span: SpanOption = None,
    db: DbOption = None,
) -> None:
    """Apply a code to a segment, or to a span inside it."""
    view = coding.apply_code(
        project(db), segment, key, require_coder(coder), span=parse_span(span), relative=True
    )
    where = f" [{view.start_char}:{view.end_char}]" if view.is_span else ""
    console.print(f"Coded segment {segment}{where} as {view.code_key} ({view.coder}).")


@friendly
def uncode(
    segment: Annotated[int, typer.Argument(help="Segment id.")],
    key: Annotated[str, typer.Argument(help="Code key to remove.")],
    coder: CoderOption = None,
    span: SpanOption = None,
    db: DbOption = None,
) -> None:
    """Remove a coder's code from a segment (only the given span, if any)."""
    removed = coding.remove_code(
        project(db), segment, key, require_coder(coder), span=parse_span(span), relative=True
    )
    console.print(f"Removed {len(removed)} coding(s) of {key} from segment {segment}.")


@friendly
def open_code(
    name: Annotated[str, typer.Argument(help="Name of the new open code, e.g. 'IT system'.")],
    coder: CoderOption = None,
    segment: Annotated[
        int | None, typer.Option(help="Also apply it to this segment.", show_default=False)
    ] = None,
    db: DbOption = None,
) -> None:
    """Create an open code (open.<slug>) and optionally apply it."""
    from qualcode.services import codebooks  # not loaded by `code` and `uncode`

    who = require_coder(coder)
    opened = project(db)
    info = codebooks.create_open_code(opened, name, who)
    console.print(f"Open code {info.key} ({info.name}) is ready.")
    if segment is not None:
        coding.apply_code(opened, segment, info.key, who)
        console.print(f"Coded segment {segment} as {info.key} ({who}).")


memo_app = typer.Typer(help="Write and read memos.", no_args_is_help=True)


@memo_app.command("add")
@friendly
def memo_add(
    text: Annotated[str, typer.Argument(help="The memo text.")],
    segment: Annotated[int | None, typer.Option(help="On this segment.")] = None,
    transcript: Annotated[int | None, typer.Option(help="On this transcript.")] = None,
    code_key: Annotated[str | None, typer.Option("--code", help="On this code.")] = None,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Write a memo on a segment, transcript, code, or (none given) the project."""
    memo = coding.add_memo(
        project(db),
        text,
        require_coder(coder),
        segment_id=segment,
        transcript_id=transcript,
        code_key=code_key,
    )
    console.print(f"Memo {memo.id} written on the {memo.target}.")


@memo_app.command("list")
@friendly
def memo_list(
    segment: Annotated[int | None, typer.Option(help="Only memos on this segment.")] = None,
    db: DbOption = None,
) -> None:
    """List memos."""
    for memo in coding.list_memos(project(db), segment_id=segment):
        where = memo.target if memo.target == "project" else f"{memo.target} "
        ref = memo.segment_id or memo.transcript_id or memo.code_key or ""
        console.print(f"[bold]{memo.id}[/] {where}{ref} ({memo.coder or '-'}): {memo.text}")
