"""Done marks: which coder marked which transcript done."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from qualcode.store.models import Coder, TranscriptDone


def is_done(session: Session, transcript_id: int, coder_id: int) -> bool:
    return session.get(TranscriptDone, (transcript_id, coder_id)) is not None


def mark(session: Session, transcript_id: int, coder_id: int) -> bool:
    """Mark the transcript done for the coder; False when it already was."""
    if is_done(session, transcript_id, coder_id):
        return False
    session.add(TranscriptDone(transcript_id=transcript_id, coder_id=coder_id))
    session.flush()
    return True


def unmark(session: Session, transcript_id: int, coder_id: int) -> bool:
    """Remove the coder's mark; False when there was none."""
    result = session.execute(
        delete(TranscriptDone).where(
            TranscriptDone.transcript_id == transcript_id, TranscriptDone.coder_id == coder_id
        )
    )
    return bool(cast("CursorResult[Any]", result).rowcount)


def marks(session: Session) -> dict[int, list[str]]:
    """Transcript id -> names of the coders who marked it done, by name."""
    query = (
        select(TranscriptDone.transcript_id, Coder.name)
        .join(Coder, Coder.id == TranscriptDone.coder_id)
        .order_by(TranscriptDone.transcript_id, Coder.name)
    )
    found: dict[int, list[str]] = {}
    for transcript_id, name in session.execute(query):
        found.setdefault(transcript_id, []).append(name)
    return found
