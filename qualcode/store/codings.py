"""Coding and memo persistence."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Insert, and_, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session, load_only

from qualcode.store.codes import ACTIVE_CODEBOOK_ID
from qualcode.store.models import Code, Coder, Coding, Memo, Segment, Transcript

# The write path's statements, built once: building a statement costs more than SQLite
# takes to run it. A span is matched as the unique index sees it, so -1 stands for a
# whole-turn coding's NULL span.
_LAYER = (
    Coding.segment_id == bindparam("segment_id"),
    Coding.coder_id == bindparam("coder_id"),
    Coding.code_id == bindparam("code_id"),
)
_SPAN = (
    func.coalesce(Coding.start_char, -1) == bindparam("start"),
    func.coalesce(Coding.end_char, -1) == bindparam("end"),
)
_FIND = select(Coding).where(*_LAYER, *_SPAN)
_DELETE_LAYER = (
    delete(Coding)
    .where(*_LAYER)
    .returning(Coding)
    .execution_options(synchronize_session=False)  # RETURNING reports the rows; no pre-select
)
_DELETE_SPAN = _DELETE_LAYER.where(*_SPAN)
_TARGET = (
    select(Segment, Code, Coder)
    .select_from(Segment)
    .outerjoin(Code, and_(Code.key == bindparam("key"), Code.codebook_id == ACTIVE_CODEBOOK_ID))
    .outerjoin(Coder, Coder.name == bindparam("coder"))
    .where(Segment.id == bindparam("segment_id"))
    # Only what a write needs: every column costs time on every write.
    .options(
        load_only(Segment.transcript_id, Segment.start_char, Segment.end_char),
        load_only(Code.key, Code.retired),
        load_only(Coder.name, Coder.role),
    )
)


@cache
def _insert_or_skip(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, which SQLAlchemy spells per dialect (imported only
    for the dialect in use: the PostgreSQL one costs a SQLite user's start-up 0.1 s)."""
    module = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    return module.insert(Coding).on_conflict_do_nothing().returning(Coding)  # type: ignore[no-any-return]


def _span(start: int | None, end: int | None) -> dict[str, int]:
    return {"start": -1 if start is None else start, "end": -1 if end is None else end}


def coding_target(
    session: Session, segment_id: int, key: str, coder: str
) -> tuple[Segment | None, Code | None, Coder | None]:
    """The segment, the active codebook's code `key` and the coder `coder`, each None when
    missing, in one query: every apply and remove needs all three."""
    row = session.execute(_TARGET, {"segment_id": segment_id, "key": key, "coder": coder}).first()
    return (None, None, None) if row is None else (row[0], row[1], row[2])


def find_coding(
    session: Session,
    *,
    coder_id: int,
    code_id: int,
    segment_id: int,
    start_char: int | None,
    end_char: int | None,
) -> Coding | None:
    layer = {"segment_id": segment_id, "coder_id": coder_id, "code_id": code_id}
    return session.scalar(_FIND, layer | _span(start_char, end_char))


def add_coding(session: Session, **values: object) -> tuple[Coding, bool]:
    """Insert a coding unless the same one exists; returns (coding, created).

    One INSERT ... ON CONFLICT DO NOTHING: when a concurrent writer stored the same coding
    first, the unique index makes the insert a no-op (PostgreSQL waits for that writer's
    commit) instead of an error, so the transaction needs no savepoint.
    """
    keys = ("coder_id", "code_id", "segment_id", "start_char", "end_char")
    statement = _insert_or_skip(session.get_bind().dialect.name)
    while True:
        coding = session.scalars(statement, [values]).first()
        if coding is not None:
            return coding, True
        found = find_coding(session, **{key: values.get(key) for key in keys})  # type: ignore[arg-type]
        if found is not None:
            return found, False
        # The coding that was in the way has been removed since: insert it after all.


def delete_layer_codings(
    session: Session,
    segment_id: int,
    coder_id: int,
    code_id: int,
    span: tuple[int | None, int | None] | None = None,
) -> list[Coding]:
    """Delete one coder's codings of one code on a segment (only those with `span`, in
    transcript offsets, if given) and return them, by id.

    One DELETE ... RETURNING: on PostgreSQL a concurrent remover of the same rows waits for
    the first and then finds them gone, so a removal is reported once; SQLite serialises
    writers anyway.
    """
    layer = {"segment_id": segment_id, "coder_id": coder_id, "code_id": code_id}
    if span is None:
        removed = session.scalars(_DELETE_LAYER, layer).all()
    else:
        removed = session.scalars(_DELETE_SPAN, layer | _span(*span)).all()
    return sorted(removed, key=lambda coding: coding.id)


def has_layer_codings(
    session: Session,
    segment_id: int,
    coder_id: int,
    code_id: int,
    span: tuple[int | None, int | None] | None = None,
) -> bool:
    """True when codings `delete_layer_codings` would remove are there to read (on a server
    whose row-level security let the reader see but not remove them)."""
    layer = {"segment_id": segment_id, "coder_id": coder_id, "code_id": code_id}
    query = select(Coding.id).where(*_LAYER).limit(1)
    if span is None:
        return session.scalar(query, layer) is not None
    return session.scalar(query.where(*_SPAN), layer | _span(*span)) is not None


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


def transcript_slice(session: Session, transcript_id: int, start: int, end: int) -> str:
    """Characters start..end of the transcript's text (SQL substr counts from 1)."""
    text = session.scalar(
        select(func.substr(Transcript.text, start + 1, end - start)).where(
            Transcript.id == transcript_id
        )
    )
    return text or ""


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
