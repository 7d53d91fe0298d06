"""The kept document frequencies of the suggester's IDF (revision 0014): per transcript, how
many turns it has and in how many of them each pattern norm is found, with the fingerprint
of what they were counted from (`qualcode.suggest.doc_frequency`). A cache: deleting a
transcript deletes its row; a stale row is replaced."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import JSON, Integer, String, column, select, table
from sqlalchemy.exc import DBAPIError

from qualcode.store.engine import PERMISSION_DENIED
from qualcode.store.tables import segment, transcript

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

term_df = table(
    "transcript_term_df",
    column("transcript_id", Integer),
    column("fingerprint", String),
    column("turns", Integer),
    column("df", JSON),
)


class KeptCounts(NamedTuple):
    transcript_id: int
    fingerprint: str
    turns: int
    df: dict[str, int]


def turn_offsets(session: Session, language: str) -> dict[int, list[tuple[int, int]]]:
    """(start, end) of every turn of the language's transcripts, in order, by transcript."""
    rows = session.execute(
        select(segment.c.transcript_id, segment.c.start_char, segment.c.end_char)
        .join(transcript, transcript.c.id == segment.c.transcript_id)
        .where(transcript.c.language == language)
        .order_by(segment.c.transcript_id, segment.c.ordinal)
    ).all()  # fetched at once: a language may have 100,000 turns and more
    offsets: dict[int, list[tuple[int, int]]] = {}
    for transcript_id, start, end in rows:
        offsets.setdefault(transcript_id, []).append((start, end))
    return offsets


def transcript_texts(session: Session, transcript_ids: Iterable[int]) -> dict[int, str]:
    query = select(transcript.c.id, transcript.c.text).where(
        transcript.c.id.in_(list(transcript_ids))
    )
    return {transcript_id: text for transcript_id, text in session.execute(query)}


def kept_counts(session: Session, language: str) -> dict[int, KeptCounts]:
    """The kept counts of the language's transcripts, stale or not, by transcript."""
    rows = session.execute(
        select(term_df.c.transcript_id, term_df.c.fingerprint, term_df.c.turns, term_df.c.df)
        .join(transcript, transcript.c.id == term_df.c.transcript_id)
        .where(transcript.c.language == language)
    )
    return {row[0]: KeptCounts(*row) for row in rows}


def keep_counts(session: Session, counts: Sequence[KeptCounts]) -> bool:
    """Store the counts (replacing a transcript's older ones) in a savepoint; False, with
    nothing written, when the login may not write them (a coder on a team server)."""
    if not counts:
        return True
    dialect = session.get_bind().dialect.name
    statement = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert(term_df)
    statement = statement.on_conflict_do_update(
        index_elements=["transcript_id"],
        set_={name: statement.excluded[name] for name in ("fingerprint", "turns", "df")},
    )
    try:
        with session.begin_nested():
            session.execute(statement, [row._asdict() for row in counts])
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != PERMISSION_DENIED:
            raise
        return False
    return True
