"""Code edits in the database: change fields, move a code's usage to another code, counts."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qualcode.store.models import Code, Coder, Coding, Memo, Suggestion


def set_code_fields(session: Session, code: Code, **values: object) -> None:
    for name, value in values.items():
        setattr(code, name, value)
    session.flush()


def move_code_usage(session: Session, source_id: int, target_id: int) -> tuple[int, int]:
    """Move codings, suggestions and memos from one code to another; returns (moved, dropped).

    A coding (or suggestion) the target already has for the same coder and unit is dropped,
    since the unique indexes allow only one.
    """
    taken = {
        tuple(row)
        for row in session.execute(
            select(Coding.coder_id, Coding.segment_id, Coding.start_char, Coding.end_char).where(
                Coding.code_id == target_id
            )
        )
    }
    moved = dropped = 0
    for coding in session.scalars(select(Coding).where(Coding.code_id == source_id)):
        unit = (coding.coder_id, coding.segment_id, coding.start_char, coding.end_char)
        if unit in taken:
            session.delete(coding)
            dropped += 1
        else:
            coding.code_id = target_id
            taken.add(unit)
            moved += 1
    suggested = {
        tuple(row)
        for row in session.execute(
            select(Suggestion.segment_id, Suggestion.coder_id).where(
                Suggestion.code_id == target_id
            )
        )
    }
    for suggestion in session.scalars(select(Suggestion).where(Suggestion.code_id == source_id)):
        if (suggestion.segment_id, suggestion.coder_id) in suggested:
            session.delete(suggestion)
        else:
            suggestion.code_id = target_id
    session.execute(update(Memo).where(Memo.code_id == source_id).values(code_id=target_id))
    session.flush()
    return moved, dropped


def delete_code(session: Session, code: Code) -> None:
    session.delete(code)
    session.flush()


def coding_counts_by_coder(session: Session, codebook_id: int) -> list[tuple[str, str, int]]:
    """(code key, coder name, number of codings) for every code of the codebook in use."""
    rows = session.execute(
        select(Code.key, Coder.name, func.count(Coding.id))
        .join(Coding, Coding.code_id == Code.id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Code.codebook_id == codebook_id)
        .group_by(Code.key, Coder.name)
        .order_by(Code.key, Coder.name)
    )
    return [(key, coder, count) for key, coder, count in rows]
