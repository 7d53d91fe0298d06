"""The transcript list in SQLAlchemy Core: each transcript's metadata with its turns and
words, and how many turns a coder has coded in each.

`qualcode transcripts` (and the workbench's corpus list) read only these columns, not the
transcripts' text, and need neither the ORM's import nor its objects. Each function takes a
Core connection or an ORM session.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import bindparam, func, select

from qualcode.store.layers import transcript_done
from qualcode.store.tables import coding, segment, transcript

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


class TranscriptRow(NamedTuple):
    id: int
    title: str
    source_name: str
    language: str
    department: str | None
    group_kind: str | None
    recorded_on: date | None
    attributes: dict[str, Any] | None
    n_segments: int
    n_words: int


_COUNTS = (
    select(
        segment.c.transcript_id,
        func.count(segment.c.id).label("n"),
        func.sum(segment.c.word_count).label("words"),
    )
    .group_by(segment.c.transcript_id)
    .subquery()
)
_LIST = (
    select(
        transcript.c.id,
        transcript.c.title,
        transcript.c.source_name,
        transcript.c.language,
        transcript.c.department,
        transcript.c.group_kind,
        transcript.c.recorded_on,
        transcript.c.attributes,
        func.coalesce(_COUNTS.c.n, 0),
        func.coalesce(_COUNTS.c.words, 0),
    )
    .outerjoin(_COUNTS, _COUNTS.c.transcript_id == transcript.c.id)
    .order_by(transcript.c.department, transcript.c.title, transcript.c.id)
)
_CODED = (
    select(segment.c.transcript_id, func.count(func.distinct(coding.c.segment_id)))
    .join(coding, coding.c.segment_id == segment.c.id)
    .where(coding.c.coder_id == bindparam("coder_id"))
    .group_by(segment.c.transcript_id)
)


def transcript_rows(db: Connection | Session) -> list[TranscriptRow]:
    """All transcripts with their number of turns and words, by department then title."""
    return [TranscriptRow._make(row) for row in db.execute(_LIST)]


def done_transcript_ids(db: Connection | Session, coder_id: int) -> set[int]:
    """The transcripts the coder marked done."""
    query = select(transcript_done.c.transcript_id).where(transcript_done.c.coder_id == coder_id)
    return set(db.execute(query).scalars())


def coded_turn_counts(db: Connection | Session, coder_id: int) -> dict[int, int]:
    """Per transcript, how many turns the coder has coded at least once."""
    rows = db.execute(_CODED, {"coder_id": coder_id})
    return {transcript_id: count for transcript_id, count in rows}
