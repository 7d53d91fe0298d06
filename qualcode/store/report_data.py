"""Persistence for the department reports: quote choices, matrix summaries, memos to show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from qualcode.store.models import (
    Code,
    Coder,
    MatrixCell,
    Memo,
    QuoteChoice,
    Segment,
    Speaker,
    Transcript,
)

PIN = "pin"
EXCLUDE = "exclude"


class Choices(NamedTuple):
    pinned: tuple[int, ...]
    excluded: frozenset[int]


class MemoRow(NamedTuple):
    target: str
    code_key: str | None
    transcript: str | None
    turn: int | None
    author: str | None
    text: str


class CellRow(NamedTuple):
    row_key: str
    column_key: str
    summary: str
    quotes: list[int]
    author: str | None


def set_choice(
    session: Session, code_id: int, segment_id: int, action: str | None, coder_id: int | None
) -> None:
    """Pin or exclude a turn for a code; `action` None removes the choice."""
    session.execute(
        delete(QuoteChoice).where(
            QuoteChoice.code_id == code_id, QuoteChoice.segment_id == segment_id
        )
    )
    if action is not None:
        session.add(
            QuoteChoice(code_id=code_id, segment_id=segment_id, action=action, coder_id=coder_id)
        )


def choices(session: Session, code_ids: Sequence[int]) -> dict[int, Choices]:
    """Pins (in the order made) and exclusions per code id."""
    pinned: dict[int, list[int]] = {}
    excluded: dict[int, set[int]] = {}
    query = (
        select(QuoteChoice.code_id, QuoteChoice.segment_id, QuoteChoice.action)
        .where(QuoteChoice.code_id.in_(list(code_ids)))
        .order_by(QuoteChoice.id)
    )
    for code_id, segment_id, action in session.execute(query):
        if action == PIN:
            pinned.setdefault(code_id, []).append(segment_id)
        else:
            excluded.setdefault(code_id, set()).add(segment_id)
    return {
        code_id: Choices(tuple(pinned.get(code_id, ())), frozenset(excluded.get(code_id, ())))
        for code_id in code_ids
    }


def department_memos(session: Session, department: str, code_ids: Sequence[int]) -> list[MemoRow]:
    """Memos on the given codes, and on the department's transcripts and their turns."""
    in_department = Transcript.department == department
    query = (
        select(Memo.target, Code.key, Transcript.title, Segment.ordinal, Coder.name, Memo.text)
        .outerjoin(Code, Code.id == Memo.code_id)
        .outerjoin(Segment, Segment.id == Memo.segment_id)
        .outerjoin(
            Transcript,
            or_(Transcript.id == Memo.transcript_id, Transcript.id == Segment.transcript_id),
        )
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(
            or_(
                Memo.code_id.in_(list(code_ids)) & Memo.segment_id.is_(None),
                in_department,
            )
        )
        .order_by(Memo.target, Code.key, Transcript.title, Segment.ordinal, Memo.id)
    )
    return [
        MemoRow(target, key, title, None if ordinal is None else ordinal + 1, author, text)
        for target, key, title, ordinal, author, text in session.execute(query)
    ]


def speaker_names(session: Session, transcript_ids: Sequence[int]) -> dict[str, str]:
    """Speaker label -> role (or "Participant") for the transcripts, for pseudonymisation."""
    query = select(Speaker.label, Speaker.role).where(
        Speaker.transcript_id.in_(list(transcript_ids))
    )
    return {label: (role or "Participant") for label, role in session.execute(query)}


def put_cell(
    session: Session,
    row_kind: str,
    row_key: str,
    column_key: str,
    summary: str,
    quotes: list[int],
    coder_id: int | None,
) -> None:
    cell = session.scalar(
        select(MatrixCell).where(
            MatrixCell.row_kind == row_kind,
            MatrixCell.row_key == row_key,
            MatrixCell.column_key == column_key,
        )
    )
    if cell is None:
        session.add(
            MatrixCell(
                row_kind=row_kind,
                row_key=row_key,
                column_key=column_key,
                summary=summary,
                quotes=quotes,
                coder_id=coder_id,
            )
        )
    else:
        cell.summary, cell.quotes, cell.coder_id = summary, quotes, coder_id


def cells(session: Session, row_kind: str) -> list[CellRow]:
    query = (
        select(
            MatrixCell.row_key,
            MatrixCell.column_key,
            MatrixCell.summary,
            MatrixCell.quotes,
            Coder.name,
        )
        .outerjoin(Coder, Coder.id == MatrixCell.coder_id)
        .where(MatrixCell.row_kind == row_kind)
    )
    return [CellRow(*row) for row in session.execute(query)]


def department_transcripts(session: Session, department: str) -> list[int]:
    return list(session.scalars(select(Transcript.id).where(Transcript.department == department)))


def turn_numbers(session: Session, segment_ids: Sequence[int]) -> dict[int, int]:
    """The 1-based turn number of each segment within its transcript."""
    query = select(Segment.id, Segment.ordinal).where(Segment.id.in_(list(segment_ids)))
    return {segment_id: ordinal + 1 for segment_id, ordinal in session.execute(query)}
