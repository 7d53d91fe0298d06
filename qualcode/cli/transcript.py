"""Commands on one transcript: `transcript set` and `speaker set` (metadata; codings are
never touched) and `transcript done` (a coder's done mark)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from qualcode.cli.common import CoderOption, DbOption, console, friendly, project, require_coder
from qualcode.config import coder_name
from qualcode.domain.corpus import MetadataUpdate
from qualcode.errors import QualcodeError
from qualcode.services import done as done_service
from qualcode.services import metadata

transcript_app = typer.Typer(
    help="Commands on one transcript: its metadata, your done mark.", no_args_is_help=True
)
speaker_app = typer.Typer(help="Fix a speaker's role.", no_args_is_help=True)

TranscriptArgument = Annotated[
    str, typer.Argument(help="Transcript id (8 or T8), title or file name.")
]


@transcript_app.command("set")
@friendly
def set_transcript(
    transcript: TranscriptArgument,
    department: Annotated[
        str | None, typer.Option(help="Department; an empty value clears it.")
    ] = None,
    group_kind: Annotated[
        str | None, typer.Option("--group-kind", help="Focus-group kind; empty clears it.")
    ] = None,
    recorded: Annotated[
        str | None, typer.Option("--date", help="Recording date, YYYY-MM-DD; empty clears it.")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language: en, da or nb.")] = None,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Change a transcript's department, group kind, date, language or title."""
    values: dict[str, object] = {}
    if department is not None:
        values["department"] = department.strip() or None
    if group_kind is not None:
        values["group_kind"] = group_kind.strip() or None
    if recorded is not None:
        values["recorded_on"] = _date(recorded)
    if language is not None:
        values["language"] = language
    if title is not None:
        values["title"] = title.strip()
    if not values:
        raise QualcodeError(
            "Say what to change: --department, --group-kind, --date, --language or --title."
        )
    info, changes = metadata.set_transcript_metadata(
        project(db), transcript, MetadataUpdate(**values), actor=coder_name(coder)
    )
    if not changes:
        console.print(f"Transcript {info.id} ({info.title}) already had these values.")
    for change in changes:
        console.print(f"Transcript {info.id} ({info.title}): {change}", highlight=False)


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
    if mark.new_coder:
        console.print(
            f"{mark.coder} is a new coder, made by this mark: the transcript is in their coded "
            "scope, a layer of their own; if the name is mistyped, undo with --undo "
            "(`qualcode coder list` shows every coder).",
            highlight=False,
        )


@speaker_app.command("set")
@friendly
def set_speaker(
    transcript: TranscriptArgument,
    label: Annotated[str, typer.Argument(help="The speaker's label as written, e.g. P3.")],
    role: Annotated[
        str, typer.Option(help="Role, e.g. nurse or moderator; an empty value clears it.")
    ],
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Set a speaker's role (moderator roles are left out of analysis denominators)."""
    change = metadata.set_speaker_role(
        project(db), transcript, label, role, actor=coder_name(coder)
    )
    console.print(f"Speaker {label} in {transcript}: {change}", highlight=False)


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QualcodeError(
            f"--date '{value}' is not a date: write a real date as YYYY-MM-DD, e.g. 2025-03-11."
        ) from None
