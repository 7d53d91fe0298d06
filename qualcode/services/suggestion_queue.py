"""A coder's pending suggestions on a window of a transcript's turns, grouped by turn (the
workbench reads the window around its cursor, and reads again as the cursor moves on)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from qualcode.domain.suggestion import SuggestionView
from qualcode.services.project import Project
from qualcode.services.suggestions import offers_suggestions
from qualcode.store import codes as code_store
from qualcode.store.pending_suggestions import pending_in_window


def window_suggestions(
    project: Project, transcript_id: int, coder: str, first: int, last: int
) -> dict[int, list[SuggestionView]]:
    """Segment id -> the coder's pending suggestions on it, best first, for the turns with
    ordinals `first`..`last`; none on moderator turns (a speaker whose role became a
    moderator's keeps them stored, not offered)."""

    def work(session: Session) -> dict[int, list[SuggestionView]]:
        coder_row = code_store.coder_by_name(session, coder)
        if coder_row is None:
            return {}
        offered = offers_suggestions(session)
        found: dict[int, list[SuggestionView]] = defaultdict(list)
        for role, view in pending_in_window(
            session, transcript_id, coder_row.id, coder, first, last
        ):
            if offered(role):
                found[view.segment_id].append(view)
        return dict(found)

    return project.read(work)
