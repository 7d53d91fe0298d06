"""Queries about coder roles."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.store.models import Coder


def count_supervisors(session: Session) -> int:
    return (
        session.scalar(
            select(func.count(Coder.id)).where(
                Coder.role == "supervisor", Coder.is_consensus.is_(False)
            )
        )
        or 0
    )


def set_role(session: Session, coder: Coder, role: str) -> None:
    """Give the coder this role, written at once."""
    coder.role = role
    session.flush()
