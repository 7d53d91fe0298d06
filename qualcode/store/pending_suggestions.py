"""A coder's pending suggestions for a whole transcript, for the workbench's panel."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.store.models import Code, Segment, Suggestion


def pending_in_transcript(
    session: Session, transcript_id: int, coder_id: int
) -> list[tuple[Suggestion, Code]]:
    """Pending suggestions on the transcript's turns, best first within each turn."""
    rows = session.execute(
        select(Suggestion, Code)
        .join(Code, Code.id == Suggestion.code_id)
        .join(Segment, Segment.id == Suggestion.segment_id)
        .where(
            Segment.transcript_id == transcript_id,
            Suggestion.coder_id == coder_id,
            Suggestion.status == "pending",
        )
        .order_by(Suggestion.segment_id, Suggestion.score.desc(), Code.key)
    )
    return [(suggestion, code) for suggestion, code in rows]
