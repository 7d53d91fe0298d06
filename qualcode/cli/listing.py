"""`qualcode transcripts`: the transcript list, in a module of its own so that the command
loads only what it shows (no import machinery, no ORM, no pydantic)."""

from __future__ import annotations

from rich.table import Table

from qualcode.cli import common
from qualcode.cli.common import CoderOption, DbOption, friendly, project
from qualcode.config import coder_name
from qualcode.domain.text import one_line
from qualcode.services import listing


@friendly
def transcripts(db: DbOption = None, coder: CoderOption = None) -> None:
    """List transcripts by department, with turns, words and coding progress."""
    who = coder_name(coder)
    rows = listing.list_transcripts(project(db), who)
    table = Table(title="Transcripts")
    for column in ("id", "department", "group kind", "title", "lang", "turns", "words"):
        # fold, not the ellipsis: a narrow terminal cut 'employee-representatives' short
        table.add_column(
            column,
            justify="right" if column in ("id", "turns", "words") else "left",
            overflow="fold",
        )
    if who:
        table.add_column(f"coded by {who}", justify="right")
    for info in rows:
        cells = [
            str(info.id),
            info.department or "",
            info.group_kind or "",
            info.title,
            info.language,
            str(info.n_segments),
            str(info.n_words),
        ]
        if who:
            share = info.n_coded_segments / info.n_segments if info.n_segments else 0
            cells.append(f"{share:.0%}" + (" done" if info.done else ""))
        table.add_row(*cells)
    if who:  # a share says of what: here every turn, not the analysis' participant turns
        table.caption = (
            f"coded by {who}: share of the transcript's turns (moderators' included) holding a "
            f"coding of {who}'s; progress, not the analysis scope. done: {who} marked the "
            "transcript done (`qualcode transcript done`), so its uncoded turns count as read."
        )
    common.console.print(table)
    with_variables = [info for info in rows if info.variables]
    if with_variables:
        common.console.print("Variables (from the REFI-QDA file each came from):")
    for info in with_variables:
        values = "; ".join(
            f"{one_line(name)} = {one_line(str(value))}"
            for name, value in sorted(info.variables.items())
        )
        common.console.print(f"  {info.id} {info.title}: {values}", highlight=False, markup=False)
