"""`qualcode transcript ...`: commands on one transcript (done marks; more join this group)."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.common import CoderOption, DbOption, console, friendly, project, require_coder
from qualcode.services import done as done_service

transcript_app = typer.Typer(help="Commands on one transcript.", no_args_is_help=True)

TranscriptArgument = Annotated[
    str, typer.Argument(help="Transcript id, title or file name (see `qualcode transcripts`).")
]


@transcript_app.command("done")
@friendly
def done(
    transcript: TranscriptArgument,
    undo: Annotated[bool, typer.Option("--undo", help="Remove your done mark.")] = False,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Mark a transcript done for you: it enters your coded scope even where you coded nothing."""
    mark = done_service.mark_done(project(db), transcript, require_coder(coder), undo=undo)
    state = "done" if mark.done else "not done"
    already = "" if mark.changed else " (it already was)"
    console.print(
        f"Transcript {mark.transcript_id} ({mark.title}) is {state} for {mark.coder}{already}.",
        highlight=False,
    )
