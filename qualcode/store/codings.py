"""Coding and memo persistence."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.store.models import Code, Coder, Coding, Memo, Segment


def find_coding(
    session: Session,
    *,
    coder_id: int,
    code_id: int,
    segment_id: int,
    start_char: int | None,
    end_char: int | None,
) -> Coding | None:
    query = select(Coding).where(
        Coding.coder_id == coder_id, Coding.code_id == code_id, Coding.segment_id == segment_id
    )
    query = query.where(
        Coding.start_char.is_(None) if start_char is None else Coding.start_char == start_char,
        Coding.end_char.is_(None) if end_char is None else Coding.end_char == end_char,
    )
    return session.scalar(query)


def add_coding(session: Session, **values: object) -> tuple[Coding, bool]:
    """Insert a coding unless the same one exists; returns (coding, created).

    A savepoint keeps the surrounding transaction usable when a concurrent writer inserted
    the same coding first and the unique index refuses ours.
    """
    keys = ("coder_id", "code_id", "segment_id", "start_char", "end_char")
    existing = find_coding(session, **{key: values.get(key) for key in keys})  # type: ignore[arg-type]
    if existing is not None:
        return existing, False
    coding = Coding(**values)
    try:
        with session.begin_nested():
            session.add(coding)
            session.flush()
    except IntegrityError:
        found = find_coding(session, **{key: values.get(key) for key in keys})  # type: ignore[arg-type]
        if found is None:
            raise
        return found, False
    return coding, True


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


def layer_codings_for_update(
    session: Session, segment_id: int, coder_id: int, code_id: int
) -> list[Coding]:
    """One coder's codings of one code on a segment, locked against concurrent writers.

    On PostgreSQL a concurrent remover then waits and skips rows already deleted (so a
    removal is reported once); SQLite serialises writers anyway and ignores FOR UPDATE.
    """
    query = select(Coding).where(
        Coding.segment_id == segment_id, Coding.coder_id == coder_id, Coding.code_id == code_id
    )
    return list(session.scalars(query.order_by(Coding.id).with_for_update()))


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


_IDENTITY = ("coder_id", "code_id", "segment_id", "start_char", "end_char")
