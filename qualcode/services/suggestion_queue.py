"""A coder's pending suggestions for one transcript, grouped by turn (the workbench reads
them once per transcript instead of once per cursor move)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from qualcode.domain.suggestion import SuggestionView
from qualcode.services.project import Project
from qualcode.services.suggestions import offers_suggestions, speaker_roles, suggestion_view
from qualcode.store import codes as code_store
from qualcode.store.pending_suggestions import pending_in_transcript


def transcript_suggestions(
    project: Project, transcript_id: int, coder: str
) -> dict[int, list[SuggestionView]]:
    """Segment id -> the coder's pending suggestions on it, best first; none on moderator
    turns (a speaker whose role became a moderator's keeps them stored, not offered)."""

    def work(session: Session) -> dict[int, list[SuggestionView]]:
        coder_row = code_store.coder_by_name(session, coder)
        if coder_row is None:
            return {}
        offered, roles = offers_suggestions(session), speaker_roles(session, [transcript_id])
        found: dict[int, list[SuggestionView]] = defaultdict(list)
        for suggestion, code in pending_in_transcript(session, transcript_id, coder_row.id):
            if offered(roles.get(suggestion.segment_id)):
                found[suggestion.segment_id].append(suggestion_view(suggestion, code, coder))
        return dict(found)

    return project.read(work)
