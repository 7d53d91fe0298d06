"""Queries behind agreement and adjudication: a few GROUP BY / IN selects, rows as tuples.

Everything here returns plain rows so that services can turn 100,000s of them into numpy
arrays without building ORM objects; the bulk selects run on the session's connection
(Core), which skips the ORM's per-row loading work.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from qualcode.domain.agreement import LayerCoding
from qualcode.store.models import (
    Adjudication,
    Code,
    Codebook,
    Coder,
    Coding,
    Segment,
    Speaker,
    Transcript,
)


def coders(session: Session) -> list[tuple[int, str, str, bool]]:
    """Every coder as (id, name, role, is_consensus), by name."""
    query = select(Coder.id, Coder.name, Coder.role, Coder.is_consensus).order_by(Coder.name)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def transcripts(session: Session) -> list[tuple[int, str, str | None, int, str]]:
    """Every transcript as (id, title, department, text length, language), by id."""
    query = select(
        Transcript.id,
        Transcript.title,
        Transcript.department,
        func.length(Transcript.text),
        Transcript.language,
    ).order_by(Transcript.id)
    return [
        (tid, title, dept, length, lang)
        for tid, title, dept, length, lang in session.execute(query)
    ]


def transcript_texts(session: Session, ids: Collection[int]) -> dict[int, str]:
    query = select(Transcript.id, Transcript.text).where(Transcript.id.in_(list(ids)))
    return {transcript_id: text for transcript_id, text in session.execute(query)}


def coverage(
    session: Session, coder_ids: Collection[int], left_out: Collection[int] = ()
) -> list[tuple[int, int, int, int]]:
    """Per coder and transcript: (coder id, transcript id, coded turns, codings), the codings
    on the `left_out` segments (moderators' turns) not counted. A transcript whose codings
    are all left out keeps a row with 0 turns: the coder took part in it."""
    skip = set(left_out)
    found: dict[tuple[int, int], tuple[set[int], int]] = {}
    query = (
        select(Coding.coder_id, Segment.transcript_id, Coding.segment_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(Coding.coder_id.in_(list(coder_ids)))
    )
    for coder_id, transcript_id, segment_id in session.execute(query):
        turns, codings = found.get((coder_id, transcript_id), (set(), 0))
        if segment_id not in skip:
            turns.add(segment_id)
            codings += 1
        found[(coder_id, transcript_id)] = (turns, codings)
    return [(cid, tid, len(turns), n) for (cid, tid), (turns, n) in sorted(found.items())]


def segments_of(
    session: Session, transcript_ids: Collection[int]
) -> list[tuple[int, int, int, int]]:
    """(segment id, transcript id, start, end) of the transcripts' segments, in text order."""
    query = (
        select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
        .where(Segment.transcript_id.in_(list(transcript_ids)))
        .order_by(Segment.transcript_id, Segment.ordinal)
    )
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def coders_with_codings(session: Session) -> list[int]:
    return list(session.scalars(select(Coding.coder_id).distinct()))


def all_segments(session: Session) -> list[tuple[int, ...]]:
    """(segment id, transcript id, start, end) of every segment, in text order."""
    query = select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
    return _raw_rows(session, query.order_by(Segment.transcript_id, Segment.ordinal))


def turn_presence(session: Session, coder_ids: Collection[int]) -> list[tuple[int, ...]]:
    """(segment id, code id, coder id) of the coders' codings: who applied which code where
    (a plain indexed select: duplicates from several spans are harmless to the caller)."""
    query = select(Coding.segment_id, Coding.code_id, Coding.coder_id).where(
        Coding.coder_id.in_([int(cid) for cid in coder_ids])
    )
    return _raw_rows(session, query)


def coding_spans(
    session: Session, coder_ids: Collection[int]
) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    """The coders' codings in two lists: whole-turn codings as (segment id, code id,
    coder id) and span codings as (segment id, code id, coder id, start, end). Both selects
    read the `uq_coding_layer_unit` index alone (its columns, its -1 for a whole turn), and
    the rows come straight from the DBAPI cursor (SQLAlchemy's row objects would cost more
    than the read); a whole turn's bounds are its segment's (`segment_bounds`)."""
    start = func.coalesce(Coding.start_char, literal_column("-1"))
    end = func.coalesce(Coding.end_char, literal_column("-1"))
    layer = Coding.coder_id.in_([int(cid) for cid in coder_ids])
    whole = select(Coding.segment_id, Coding.code_id, Coding.coder_id).where(layer, start == -1)
    spans = select(Coding.segment_id, Coding.code_id, Coding.coder_id, start, end).where(
        layer, start != -1
    )
    return _raw_rows(session, whole), _raw_rows(session, spans)


def segment_bounds(session: Session) -> list[tuple[int, ...]]:
    """(segment id, transcript id, start, end) of every segment, in no particular order."""
    query = select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
    return _raw_rows(session, query)


def _raw_rows(session: Session, query: ClauseElement) -> list[tuple[int, ...]]:
    """Rows of an all-integer select as plain tuples from the DBAPI cursor, on the
    session's connection (its transaction); the integers are bound as literals."""
    connection = session.connection()
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def segment_details(
    session: Session, segment_ids: Collection[int]
) -> dict[int, tuple[int, int, int, int, str | None]]:
    """segment id -> (transcript id, ordinal, start, end, speaker label)."""
    query = (
        select(
            Segment.id,
            Segment.transcript_id,
            Segment.ordinal,
            Segment.start_char,
            Segment.end_char,
            Speaker.label,
        )
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Segment.id.in_(list(segment_ids)))
    )
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}  # type: ignore[misc]


def layer_codings(
    session: Session, coder_id: int, segment_id: int, code_ids: Collection[int]
) -> list[Coding]:
    """One coder's codings of the given codes on one segment, in id order."""
    query = (
        select(Coding)
        .where(
            Coding.coder_id == coder_id,
            Coding.segment_id == segment_id,
            Coding.code_id.in_(list(code_ids)),
        )
        .order_by(Coding.id)
    )
    return list(session.scalars(query))


def replace_layer_codings(
    session: Session,
    coder_id: int,
    segment_id: int,
    code_ids: Collection[int],
    codings: Sequence[LayerCoding],
    id_of: Mapping[str, int],
) -> None:
    """Make one coder's codings of `code_ids` on the segment exactly `codings` (code ids by
    key in `id_of`), keeping their origin, memo and creation time."""
    session.execute(
        delete(Coding).where(
            Coding.coder_id == coder_id,
            Coding.segment_id == segment_id,
            Coding.code_id.in_(list(code_ids)),
        )
    )
    now = datetime.now().astimezone()
    rows = [
        {
            "coder_id": coder_id,
            "code_id": id_of[c.code_key],
            "segment_id": segment_id,
            "start_char": c.start_char,
            "end_char": c.end_char,
            "origin": c.origin,
            "memo": c.memo,
            "created_at": c.created_at or now,
            "updated_at": now,
        }
        for c in codings
    ]
    if rows:
        session.execute(insert(Coding), rows)


def mark_undone(adjudication: Adjudication) -> None:
    adjudication.undone_at = datetime.now().astimezone()


def add_adjudication(session: Session, **values: Any) -> Adjudication:
    row = Adjudication(**values)
    session.add(row)
    session.flush()
    return row


def adjudication_log(
    session: Session, segment_ids: Collection[int] | None = None
) -> list[tuple[Adjudication, str | None, str | None]]:
    """Adjudications (newest last) with the code key and the supervisor's name."""
    query = (
        select(Adjudication, Code.key, Coder.name)
        .outerjoin(Code, Code.id == Adjudication.code_id)
        .outerjoin(Coder, Coder.id == Adjudication.supervisor_id)
        .order_by(Adjudication.id)
    )
    if segment_ids is not None:
        query = query.where(Adjudication.segment_id.in_(list(segment_ids)))
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def later_active_adjudications(session: Session, adjudication: Adjudication) -> list[int]:
    """Ids of adjudications still in force on the same segment made after this one."""
    query = select(Adjudication.id).where(
        Adjudication.segment_id == adjudication.segment_id,
        Adjudication.id > adjudication.id,
        Adjudication.undone_at.is_(None),
    )
    return list(session.scalars(query))


def codings_made(
    session: Session, coder_ids: Collection[int], since: datetime | None = None
) -> int:
    """How many codings the coders made (created) at or after `since` (all without it)."""
    query = select(func.count(Coding.id)).where(Coding.coder_id.in_(list(coder_ids)))
    if since is not None:
        query = query.where(Coding.created_at >= since)
    return int(session.scalar(query) or 0)


def codebooks_coded(
    session: Session, coder_ids: Collection[int]
) -> list[tuple[int, str, int, int]]:
    """(codebook id, name, version, codings) of every codebook the coders coded with, by
    load time: the rounds of coding."""
    query = (
        select(Codebook.id, Codebook.name, Codebook.version, func.count(Coding.id))
        .join(Code, Code.codebook_id == Codebook.id)
        .join(Coding, Coding.code_id == Code.id)
        .where(Coding.coder_id.in_(list(coder_ids)))
        .group_by(Codebook.id, Codebook.name, Codebook.version, Codebook.loaded_at)
        .order_by(Codebook.loaded_at, Codebook.id)
    )
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def turn_counts(session: Session) -> dict[int, int]:
    """Turns (segments) per transcript."""
    query = select(Segment.transcript_id, func.count(Segment.id)).group_by(Segment.transcript_id)
    return {transcript_id: count for transcript_id, count in session.execute(query)}


def codebook(session: Session, codebook_id: int) -> Codebook | None:
    return session.get(Codebook, codebook_id)


def segments_of_roles(session: Session, roles: Collection[str]) -> list[int]:
    """Ids of the segments whose speaker's role, trimmed and in lower case, is in `roles`."""
    if not roles:
        return []
    query = (
        select(Segment.id)
        .join(Speaker, Speaker.id == Segment.speaker_id)
        .where(func.lower(func.trim(Speaker.role)).in_(list(roles)))
    )
    return list(session.scalars(query))
