"""Fast reads of one transcript's turns (Core queries, no ORM), for the CLI and the workbench.

Loading 3,000 segments as ORM objects takes a few hundred milliseconds; these plain
row queries take a few tens, which the workbench needs to show a long transcript at once.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.store.models import (
    Code,
    Coder,
    Coding,
    Memo,
    Section,
    Segment,
    Speaker,
    Transcript,
)


def transcript_text(session: Session, transcript_id: int) -> str | None:
    return session.scalar(select(Transcript.text).where(Transcript.id == transcript_id))


def turn_rows(session: Session, transcript_id: int, limit: int | None = None) -> list[Any]:
    """(id, ordinal, start_char, end_char, start_time, end_time, speaker, role) in order."""
    query = (
        select(
            Segment.id,
            Segment.ordinal,
            Segment.start_char,
            Segment.end_char,
            Segment.start_time,
            Segment.end_time,
            Speaker.label,
            Speaker.role,
        )
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Segment.ordinal)
        .limit(limit)
    )
    return list(session.execute(query))


def coding_rows(
    session: Session,
    transcript_id: int,
    coder_ids: Collection[int] | None = None,
    before: int | None = None,
) -> list[Any]:
    """(id, segment_id, key, start_char, end_char, origin, memo, coder name) of the coders'
    codings (every coder's when None) on the transcript (on its turns with ordinals below
    `before`, when given), by turn and codebook order."""
    query = (
        select(
            Coding.id,
            Coding.segment_id,
            Code.key,
            Coding.start_char,
            Coding.end_char,
            Coding.origin,
            Coding.memo,
            Coder.name,
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Coding.segment_id, Code.sort_order, Coding.id)
    )
    if coder_ids is not None:
        query = query.where(Coding.coder_id.in_(list(coder_ids)))
    if before is not None:
        query = query.where(Segment.ordinal < before)
    return list(session.execute(query))


def memo_rows(
    session: Session, transcript_id: int, author_id: int | None = None, before: int | None = None
) -> list[Any]:
    """(segment_id, text) of the memos on the transcript's segments (only those written by
    `author_id`, and on turns with ordinals below `before`, when given), oldest first."""
    query = (
        select(Memo.segment_id, Memo.text)
        .join(Segment, Segment.id == Memo.segment_id)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Memo.id)
    )
    if author_id is not None:
        query = query.where(Memo.coder_id == author_id)
    if before is not None:
        query = query.where(Segment.ordinal < before)
    return list(session.execute(query))


def change_stamp(session: Session, transcript_id: int, coder_id: int | None) -> tuple[Any, ...]:
    """Numbers that change whenever the transcript's segments, memos, card sections or the
    coder's codings change (counts, highest ids, last update), to skip re-reading an
    unchanged transcript."""
    segments = session.execute(
        select(func.count(Segment.id), func.max(Segment.id), func.sum(Segment.end_char)).where(
            Segment.transcript_id == transcript_id
        )
    ).one()
    codings = session.execute(
        select(func.count(Coding.id), func.max(Coding.id), func.max(Coding.updated_at))
        .join(Segment, Segment.id == Coding.segment_id)
        .where(Segment.transcript_id == transcript_id, Coding.coder_id == coder_id)
    ).one()
    memos = session.execute(
        select(func.count(Memo.id), func.max(Memo.id), func.max(Memo.updated_at))
        .join(Segment, Segment.id == Memo.segment_id)
        .where(Segment.transcript_id == transcript_id)
    ).one()
    sections = session.execute(
        select(
            func.count(Section.id),
            func.max(Section.id),
            func.sum(Section.first_segment_id),
            func.sum(func.coalesce(Section.card_id, 0) * Section.first_segment_id),
        ).where(Section.transcript_id == transcript_id)
    ).one()
    return (*segments, *codings, *memos, *sections)
