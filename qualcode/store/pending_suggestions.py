"""A coder's pending suggestions on a window of a transcript's turns, for the workbench's
panel: one Core query (no ORM objects), read again as the cursor moves on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.domain.suggestion import SuggestionView
from qualcode.store.models import Code, Segment, Speaker, Suggestion


def pending_in_window(
    session: Session, transcript_id: int, coder_id: int, coder: str, first: int, last: int
) -> list[tuple[str | None, SuggestionView]]:
    """(speaker role, suggestion) of the pending suggestions on the transcript's turns with
    ordinals `first`..`last` (both included), by turn and best first within each turn."""
    rows = session.execute(
        select(
            Suggestion.id,
            Suggestion.segment_id,
            Code.key,
            Code.name,
            Suggestion.score,
            Suggestion.reason,
            Suggestion.model_version,
            Speaker.role,
        )
        .join(Segment, Segment.id == Suggestion.segment_id)
        .join(Code, Code.id == Suggestion.code_id)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(
            Segment.transcript_id == transcript_id,
            Segment.ordinal.between(first, last),
            Suggestion.coder_id == coder_id,
            Suggestion.status == "pending",
        )
        .order_by(Segment.ordinal, Suggestion.score.desc(), Code.key)
    )
    return [
        (
            role,
            SuggestionView(
                id=id_,
                segment_id=segment_id,
                code_key=key,
                code_name=name,
                coder=coder,
                score=score,
                reason=reason,
                status="pending",
                model_version=version,
            ),
        )
        for id_, segment_id, key, name, score, reason, version, role in rows
    ]
