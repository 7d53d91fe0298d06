"""The coding path's statements in SQLAlchemy Core: find what a write is about, insert or
delete codings, quote the coded text.

Applying and removing a code is the commonest write, from the command line and the
workbench alike; in Core it needs neither the ORM's import nor its objects. Each function
takes a Core connection or an ORM session. The statements are built once: building one costs
more than SQLite takes to run it.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Connection, Insert, and_, bindparam, delete, func, select

from qualcode.store.coders import CoderRow
from qualcode.store.tables import code, codebook, coder, coding, segment, setting, transcript

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ACTIVE_CODEBOOK = "active_codebook"

# The id of the active codebook: the one named in the settings, else the most recently loaded
# one. A SQL expression, so that writes can find a code of it in the same query.
ACTIVE_CODEBOOK_ID = func.coalesce(
    select(codebook.c.id)
    .join(setting, setting.c.key == ACTIVE_CODEBOOK)
    .where(codebook.c.name == setting.c.value["name"].as_string())
    .scalar_subquery(),
    select(codebook.c.id).order_by(codebook.c.loaded_at.desc()).limit(1).scalar_subquery(),
)


class TargetSegment(NamedTuple):
    id: int
    transcript_id: int
    ordinal: int
    start_char: int
    end_char: int


class TargetCode(NamedTuple):
    id: int
    key: str
    retired: bool


class CodingRow(NamedTuple):
    id: int
    coder_id: int
    code_id: int
    segment_id: int
    start_char: int | None
    end_char: int | None
    origin: str
    memo: str | None


_SEGMENT = tuple(segment.c[name] for name in TargetSegment._fields)
_CODE = (code.c.id, code.c.key, code.c.retired)
_CODER = (coder.c.id, coder.c.name, coder.c.role, coder.c.is_consensus)
_CODING = tuple(coding.c[name] for name in CodingRow._fields)

# A span is matched as the unique index sees it, so -1 stands for a whole-turn coding's NULL.
_LAYER = (
    coding.c.segment_id == bindparam("segment_id"),
    coding.c.coder_id == bindparam("coder_id"),
    coding.c.code_id == bindparam("code_id"),
)
_SPAN = (
    func.coalesce(coding.c.start_char, -1) == bindparam("start"),
    func.coalesce(coding.c.end_char, -1) == bindparam("end"),
)
_FIND = select(*_CODING).where(*_LAYER, *_SPAN)
_DELETE_LAYER = delete(coding).where(*_LAYER).returning(*_CODING)
_DELETE_SPAN = _DELETE_LAYER.where(*_SPAN)
_TARGET = (
    select(*_SEGMENT, *_CODE, *_CODER)
    .select_from(segment)
    .outerjoin(code, and_(code.c.key == bindparam("key"), code.c.codebook_id == ACTIVE_CODEBOOK_ID))
    .outerjoin(coder, coder.c.name == bindparam("coder"))
    .where(segment.c.id == bindparam("segment_id"))
)
_ACTIVE_CODE = select(*_CODE).where(
    code.c.key == bindparam("key"), code.c.codebook_id == ACTIVE_CODEBOOK_ID
)
_SEGMENT_AT = select(segment.c.id).where(
    segment.c.transcript_id == bindparam("transcript_id"), segment.c.ordinal == bindparam("ordinal")
)
_TURNS = select(transcript.c.title, func.count(segment.c.id)).outerjoin(segment)
_TURNS = _TURNS.where(transcript.c.id == bindparam("transcript_id")).group_by(transcript.c.id)


@cache
def _insert_or_skip(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, which SQLAlchemy spells per dialect (imported only
    for the dialect in use: the PostgreSQL one costs a SQLite user's start-up 0.1 s)."""
    module = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    return module.insert(coding).on_conflict_do_nothing().returning(*_CODING)  # type: ignore[no-any-return]


def _span(start: int | None, end: int | None) -> dict[str, int]:
    return {"start": -1 if start is None else start, "end": -1 if end is None else end}


def coding_target(
    db: Connection | Session, segment_id: int, key: str, coder_name: str
) -> tuple[TargetSegment | None, TargetCode | None, CoderRow | None]:
    """The segment, the active codebook's code `key` and the coder `coder_name`, each None
    when missing, in one query: every apply and remove needs all three."""
    row = db.execute(_TARGET, {"segment_id": segment_id, "key": key, "coder": coder_name}).first()
    if row is None:
        return None, None, None
    found_segment = TargetSegment(*row[:5])
    found_code = None if row[5] is None else TargetCode(*row[5:8])
    found_coder = None if row[8] is None else CoderRow(row[8], row[9], row[10], row[11])
    return found_segment, found_code, found_coder


def active_code(db: Connection | Session, key: str) -> TargetCode | None:
    """The code `key` of the active codebook."""
    row = db.execute(_ACTIVE_CODE, {"key": key}).first()
    return None if row is None else TargetCode(*row)


def find_coding(
    db: Connection | Session,
    *,
    coder_id: int,
    code_id: int,
    segment_id: int,
    start_char: int | None,
    end_char: int | None,
) -> CodingRow | None:
    layer = {"segment_id": segment_id, "coder_id": coder_id, "code_id": code_id}
    row = db.execute(_FIND, layer | _span(start_char, end_char)).first()
    return None if row is None else CodingRow(*row)


def add_coding(db: Connection | Session, **values: object) -> tuple[CodingRow, bool]:
    """Insert a coding unless the same one exists; returns (coding, created).

    One INSERT ... ON CONFLICT DO NOTHING: when a concurrent writer stored the same coding
    first, the unique index makes the insert a no-op (PostgreSQL waits for that writer's
    commit) instead of an error, so the transaction needs no savepoint.
    """
    keys = ("coder_id", "code_id", "segment_id", "start_char", "end_char")
    bind = db.engine if isinstance(db, Connection) else db.get_bind()
    statement = _insert_or_skip(bind.dialect.name)
    while True:
        row = db.execute(statement, [values]).first()
        if row is not None:
            return CodingRow(*row), True
        found = find_coding(db, **{key: values.get(key) for key in keys})  # type: ignore[arg-type]
        if found is not None:
            return found, False
        # The coding that was in the way has been removed since: insert it after all.


def delete_layer_codings(
    db: Connection | Session,
    segment_id: int,
    coder_id: int,
    code_id: int,
    span: tuple[int | None, int | None] | None = None,
) -> list[CodingRow]:
    """Delete one coder's codings of one code on a segment (only those with `span`, in
    transcript offsets, if given) and return them, by id.

    One DELETE ... RETURNING: on PostgreSQL a concurrent remover of the same rows waits for
    the first and then finds them gone, so a removal is reported once; SQLite serialises
    writers anyway.
    """
    layer = {"segment_id": segment_id, "coder_id": coder_id, "code_id": code_id}
    if span is None:
        removed = db.execute(_DELETE_LAYER, layer).all()
    else:
        removed = db.execute(_DELETE_SPAN, layer | _span(*span)).all()
    return sorted((CodingRow(*row) for row in removed), key=lambda row: row.id)


def has_layer_codings(
    db: Connection | Session,
    segment_id: int,
    coder_id: int,
    code_id: int,
    span: tuple[int | None, int | None] | None = None,
) -> bool:
    """True when codings `delete_layer_codings` would remove are there to read (on a server
    whose row-level security let the reader see but not remove them)."""
    layer = {"segment_id": segment_id, "coder_id": coder_id, "code_id": code_id}
    query = select(coding.c.id).where(*_LAYER).limit(1)
    if span is None:
        return db.execute(query, layer).first() is not None
    return db.execute(query.where(*_SPAN), layer | _span(*span)).first() is not None


def coding_by_id(db: Connection | Session, coding_id: int) -> tuple[CodingRow, str, str] | None:
    """The coding with its code key and coder name."""
    row = db.execute(
        select(*_CODING, code.c.key, coder.c.name)
        .join(code, code.c.id == coding.c.code_id)
        .join(coder, coder.c.id == coding.c.coder_id)
        .where(coding.c.id == coding_id)
    ).first()
    return None if row is None else (CodingRow(*row[:-2]), row[-2], row[-1])


def delete_coding(db: Connection | Session, coding_id: int) -> None:
    db.execute(delete(coding).where(coding.c.id == coding_id))


def transcript_slice(db: Connection | Session, transcript_id: int, start: int, end: int) -> str:
    """Characters start..end of the transcript's text (SQL substr counts from 1)."""
    text = db.execute(
        select(func.substr(transcript.c.text, start + 1, end - start)).where(
            transcript.c.id == transcript_id
        )
    ).scalar()
    return text or ""


def segment_at(db: Connection | Session, transcript_id: int, ordinal: int) -> int | None:
    """The id of the transcript's segment at `ordinal`, if there is one."""
    params = {"transcript_id": transcript_id, "ordinal": ordinal}
    return db.execute(_SEGMENT_AT, params).scalar()


def transcript_turns(db: Connection | Session, transcript_id: int) -> tuple[str, int] | None:
    """The transcript's title and number of turns, None when there is no such transcript."""
    row = db.execute(_TURNS, {"transcript_id": transcript_id}).first()
    return None if row is None else (row[0], row[1])
