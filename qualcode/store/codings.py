"""Coding and memo persistence."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qualcode.store.models import Code, Coder, Coding, Memo, Segment


def codings_for_segments(
    session: Session, segment_ids: Iterable[int], coder_ids: Iterable[int] | None = None
) -> list[tuple[Coding, str, str]]:
    """Codings on the segments, with their code key and coder name."""
    query = (
        select(Coding, Code.key, Coder.name)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.segment_id.in_(list(segment_ids)))
        .order_by(Coding.segment_id, Code.sort_order, Coding.id)
    )
    if coder_ids is not None:
        query = query.where(Coding.coder_id.in_(list(coder_ids)))
    return [(coding, key, name) for coding, key, name in session.execute(query)]


def codings_on_segment(session: Session, segment_id: int) -> list[Coding]:
    return list(session.scalars(select(Coding).where(Coding.segment_id == segment_id)))


def memos_for_segments(
    session: Session, segment_ids: Iterable[int]
) -> list[tuple[Memo, str | None]]:
    query = (
        select(Memo, Coder.name)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(Memo.segment_id.in_(list(segment_ids)))
        .order_by(Memo.id)
    )
    return [(memo, name) for memo, name in session.execute(query)]


def next_segment(session: Session, segment: Segment) -> Segment | None:
    return session.scalar(
        select(Segment)
        .where(Segment.transcript_id == segment.transcript_id, Segment.ordinal > segment.ordinal)
        .order_by(Segment.ordinal)
        .limit(1)
    )


def list_memos(
    session: Session, segment_id: int | None = None
) -> list[tuple[Memo, str | None, str | None]]:
    query = (
        select(Memo, Coder.name, Code.key)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .outerjoin(Code, Code.id == Memo.code_id)
        .order_by(Memo.id)
    )
    if segment_id is not None:
        query = query.where(Memo.segment_id == segment_id)
    return [(memo, coder, key) for memo, coder, key in session.execute(query)]


def bulk_add_codings(session: Session, rows: list[dict[str, object]]) -> int:
    """Insert many codings at once, skipping those that already exist; returns how many."""

    def identity(row: dict[str, object]) -> tuple[object, ...]:
        return tuple(row.get(name) for name in _IDENTITY)

    segment_ids = {row["segment_id"] for row in rows}
    existing = {
        tuple(found)
        for found in session.execute(
            select(*(getattr(Coding, name) for name in _IDENTITY)).where(
                Coding.segment_id.in_(segment_ids)
            )
        )
    }
    fresh: dict[tuple[object, ...], dict[str, object]] = {}
    for row in rows:
        key = identity(row)
        if key not in existing:
            fresh.setdefault(key, row)
    if fresh:
        session.execute(insert(Coding), list(fresh.values()))
    return len(fresh)


def delete_coder_codings(session: Session, coder_id: int, transcript_ids: Iterable[int]) -> int:
    """Delete every coding of one coder in the transcripts; returns how many."""
    turns = select(Segment.id).where(Segment.transcript_id.in_(list(transcript_ids)))
    result = session.execute(
        delete(Coding).where(Coding.coder_id == coder_id, Coding.segment_id.in_(turns))
    )
    return int(getattr(result, "rowcount", 0) or 0)


_IDENTITY = ("coder_id", "code_id", "segment_id", "start_char", "end_char")
