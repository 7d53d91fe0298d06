"""Statements that move a segment's dependants when segments are split or joined."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qualcode.store.models import Memo, Suggestion


def move_memos(session: Session, source: int, target: int) -> None:
    session.execute(update(Memo).where(Memo.segment_id == source).values(segment_id=target))


def suggestions_on(session: Session, segment_ids: list[int]) -> list[Suggestion]:
    """Every suggestion on the segments (any coder, any status), in id order."""
    return list(
        session.scalars(
            select(Suggestion).where(Suggestion.segment_id.in_(segment_ids)).order_by(Suggestion.id)
        )
    )


def copy_suggestion(session: Session, suggestion: Suggestion, segment_id: int) -> None:
    """The same suggestion (code, coder, score, reason, status) on another segment."""
    names = ("code_id", "coder_id", "score", "model_version", "status", "reason", "created_at")
    values = {name: getattr(suggestion, name) for name in names}
    session.add(Suggestion(segment_id=segment_id, **values))
