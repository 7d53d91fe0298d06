"""Coding commands: code, uncode, open-code, memo."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli import common
from qualcode.cli.common import (
    CoderOption,
    DbOption,
    friendly,
    parse_span,
    project,
    require_coder,
    say,
)
from qualcode.domain.coding import AppliedCoding
from qualcode.domain.wording import counted
from qualcode.services import coding

TurnArgument = Annotated[
    str,
    typer.Argument(
        help="The turn: T8:4 (transcript 8, turn 4) or a segment id (see `qualcode segments`).",
        show_default=False,
    ),
]
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
    segment: TurnArgument,
    key: Annotated[str, typer.Argument(help="Code key, e.g. temporality.breaks.")],
    coder: CoderOption = None,
    span: SpanOption = None,
    db: DbOption = None,
) -> None:
    """Apply a code to a turn, or to a span inside it; says what text was coded."""
    opened = project(db)
    applied = coding.code_turn(
        opened, coding.segment_id(opened, segment), key, require_coder(coder), span=parse_span(span)
    )
    say(coded_line(applied))
    if applied.new_coder:  # a mistyped name would start a layer of its own without a word
        say(
            f"{applied.coding.coder} is a new coder: this is their first coding, in a layer "
            "of their own; if the name is mistyped, `qualcode uncode` removes the coding "
            "(`qualcode coder list` shows every coder)."
        )


def coded_line(applied: AppliedCoding, limit: int = 70) -> str:
    """`Coded T1:2 (segment 2) 8:13 "lunch" as temporality.breaks (anna).`"""
    view = applied.coding
    where = f"{applied.ref} (segment {view.segment_id})"
    if applied.span is not None:
        where += f" {applied.span[0]}:{applied.span[1]}"
    quoted = applied.text if len(applied.text) <= limit else applied.text[: limit - 1] + "…"
    if not view.new:
        return (
            f'Already coded: {where} "{quoted}" as {view.code_key} ({view.coder}); nothing changed.'
        )
    return f'Coded {where} "{quoted}" as {view.code_key} ({view.coder}).'


@friendly
def uncode(
    segment: TurnArgument,
    key: Annotated[str, typer.Argument(help="Code key to remove.")],
    coder: CoderOption = None,
    span: SpanOption = None,
    db: DbOption = None,
) -> None:
    """Remove a coder's code from a turn (only the given span, if any)."""
    opened = project(db)
    segment_id = coding.segment_id(opened, segment)
    removed = coding.remove_code(
        opened, segment_id, key, require_coder(coder), span=parse_span(span), relative=True
    )
    removed_count = counted(len(removed), "coding")
    say(f"Removed {removed_count} of {key} from {segment} (segment {segment_id}).")


@friendly
def open_code(
    name: Annotated[str, typer.Argument(help="Name of the new open code, e.g. 'IT system'.")],
    coder: CoderOption = None,
    segment: Annotated[
        str | None,
        typer.Option(help="Also apply it to this turn (T8:4 or a segment id).", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create an open code (open.<slug>) and optionally apply it."""

    from qualcode.services import codebooks  # the codebook model: only this command needs it

    opened = project(db)
    who = require_coder(coder)
    segment_id = coding.segment_id(opened, segment) if segment is not None else None
    info = codebooks.create_open_code(opened, name, who)
    say(f"Open code {info.key} ({info.name}) is ready.")
    if segment_id is not None:
        say(coded_line(coding.code_turn(opened, segment_id, info.key, who)))


memo_app = typer.Typer(help="Write and read memos.", no_args_is_help=True)


@memo_app.command("add")
@friendly
def memo_add(
    text: Annotated[str, typer.Argument(help="The memo text.")],
    segment: Annotated[
        str | None, typer.Option(help="On this turn (T8:4 or a segment id).", show_default=False)
    ] = None,
    transcript: Annotated[int | None, typer.Option(help="On this transcript.")] = None,
    code_key: Annotated[str | None, typer.Option("--code", help="On this code.")] = None,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Write a memo on a segment, transcript, code, or (none given) the project."""
    from qualcode.services import memos  # the ORM: only the memo commands need it

    opened = project(db)
    memo = memos.add_memo(
        opened,
        text,
        require_coder(coder),
        segment_id=coding.segment_id(opened, segment) if segment is not None else None,
        transcript_id=transcript,
        code_key=code_key,
    )
    common.console.print(f"Memo {memo.id} written on the {memo.target}.")


@memo_app.command("list")
@friendly
def memo_list(
    segment: Annotated[
        str | None,
        typer.Option(help="Only memos on this turn (T8:4 or a segment id).", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """List memos."""
    from rich.text import Text

    from qualcode.services import memos

    opened = project(db)
    segment_id = coding.segment_id(opened, segment) if segment is not None else None
    for memo in memos.list_memos(opened, segment_id=segment_id):
        where = memo.target if memo.target == "project" else f"{memo.target} "
        ref = memo.segment_id or memo.transcript_id or memo.code_key or ""
        common.console.print(
            Text.assemble(
                (str(memo.id), "bold"), f" {where}{ref} ({memo.coder or '-'}): ", memo.text
            )
        )
