"""Queries for REFI-QDA export and import: whole-project reads and merge look-ups."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Mapped, Session

from qualcode.store.models import (
    Code,
    Coder,
    Coding,
    Memo,
    RefiObject,
    Segment,
    Speaker,
    Transcript,
)


def all_transcripts(session: Session) -> list[Transcript]:
    return list(session.scalars(select(Transcript).order_by(Transcript.title, Transcript.sha256)))


def all_segments(session: Session) -> list[tuple[Segment, Speaker | None]]:
    rows = session.execute(
        select(Segment, Speaker)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .order_by(Segment.transcript_id, Segment.ordinal)
    )
    return [(segment, speaker) for segment, speaker in rows]


def codings_of_codebook(session: Session, codebook_id: int) -> list[tuple[Coding, str, str]]:
    """Every coding of a code in the codebook, with the code key and the coder's name."""
    rows = session.execute(
        select(Coding, Code.key, Coder.name)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Code.codebook_id == codebook_id)
        .order_by(Coding.id)
    )
    return [(coding, key, name) for coding, key, name in rows]


def count_codings_outside(session: Session, codebook_id: int) -> int:
    """Codings of codes in other codebooks than this one."""
    query = (
        select(func.count(Coding.id))
        .join(Code, Code.id == Coding.code_id)
        .where(Code.codebook_id != codebook_id)
    )
    return session.scalar(query) or 0


def transcript_with_text(session: Session, text: str) -> Transcript | None:
    return session.scalar(select(Transcript).where(Transcript.text == text).limit(1))


def memo_exists(
    session: Session,
    *,
    target: str,
    text: str,
    coder_id: int | None,
    transcript_id: int | None,
    segment_id: int | None,
    code_id: int | None,
) -> bool:
    def same(column: Mapped[int | None], value: int | None) -> ColumnElement[bool]:
        return column.is_(None) if value is None else column == value

    return (
        session.scalar(
            select(Memo.id)
            .where(
                Memo.target == target,
                Memo.text == text,
                same(Memo.coder_id, coder_id),
                same(Memo.transcript_id, transcript_id),
                same(Memo.segment_id, segment_id),
                same(Memo.code_id, code_id),
            )
            .limit(1)
        )
        is not None
    )


def transcript_identities(session: Session) -> list[tuple[int, str, dict]]:
    """(id, sha256, attributes) of every transcript, to find one by its REFI source GUID."""
    rows = session.execute(select(Transcript.id, Transcript.sha256, Transcript.attributes))
    return [(row[0], row[1], row[2] or {}) for row in rows]


def refi_objects(session: Session, kind: str | None = None) -> list[RefiObject]:
    """The kept REFI variables, cases and sets (of one kind), in the order they came."""
    query = select(RefiObject).order_by(RefiObject.kind, RefiObject.ordinal, RefiObject.guid)
    if kind is not None:
        query = query.where(RefiObject.kind == kind)
    return list(session.scalars(query))


def keep_refi_objects(session: Session, objects: list[tuple[str, str, str, dict]]) -> None:
    """Store variables, cases and sets, each (guid, kind, name, payload), under their GUIDs;
    one already there is replaced in place, new ones follow in the order given."""
    if not objects:
        return
    guids = [guid for guid, *_ in objects]
    found = {
        row.guid: row
        for start in range(0, len(guids), 500)  # a bounded IN list (SQLite's host parameters)
        for row in session.scalars(
            select(RefiObject).where(RefiObject.guid.in_(guids[start : start + 500]))
        )
    }
    ordinal = session.scalar(select(func.count()).select_from(RefiObject)) or 0
    for guid, kind, name, payload in objects:
        row = found.get(guid)
        if row is not None:
            row.kind, row.name, row.payload = kind, name, payload
            continue
        row = RefiObject(guid=guid, kind=kind, name=name, ordinal=ordinal, payload=payload)
        session.add(row)
        found[guid] = row
        ordinal += 1
    session.flush()
