"""Statements that move a segment's dependants when segments are split or joined."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from qualcode.store.models import Memo, Suggestion


def drop_pending_suggestions(session: Session, segment_ids: list[int]) -> None:
    """Pending suggestions were computed for the old text; decided ones are kept."""
    session.execute(
        delete(Suggestion).where(
            Suggestion.segment_id.in_(segment_ids), Suggestion.status == "pending"
        )
    )


def move_memos(session: Session, source: int, target: int) -> None:
    session.execute(update(Memo).where(Memo.segment_id == source).values(segment_id=target))


def move_suggestions(session: Session, source: int, target: int) -> None:
    """Move decided suggestions; one the target already has for that code and coder is dropped."""
    taken = set(
        session.execute(
            select(Suggestion.code_id, Suggestion.coder_id).where(Suggestion.segment_id == target)
        ).all()
    )
    for suggestion in session.scalars(select(Suggestion).where(Suggestion.segment_id == source)):
        if (suggestion.code_id, suggestion.coder_id) in taken:
            session.delete(suggestion)
        else:
            suggestion.segment_id = target
