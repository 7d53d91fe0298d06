"""Find a segment or a code by id or key for an ORM unit of work, or say what is missing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.services.coding import missing_code, missing_segment
from qualcode.store import codes as code_store
from qualcode.store.models import Code, Segment


def find_segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise missing_segment(segment_id)
    return segment


def find_code(session: Session, key: str) -> Code:
    code = code_store.active_code(session, key)
    if code is None:
        raise missing_code(session, key)
    return code
