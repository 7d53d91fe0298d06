"""Full-text search over turns: SQLite FTS5 where migration 0002 built the index, else LIKE.

Search text is a list of words and "quoted phrases"; a turn must hold all of them. A word
ending in * matches as a prefix. FTS5 matches whole words, ignoring case and punctuation,
and ranks the best matches first (bm25). The portable fallback (PostgreSQL, or SQLite built
without FTS5) matches case-insensitive substrings and lists turns in transcript order.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sqlalchemy import Integer, Select, and_, column, exists, insert, inspect, select, table
from sqlalchemy.orm import Session

from qualcode.store.analysis_queries import TurnScope, scoped, segment_text
from qualcode.store.models import Segment, Speaker, Transcript

FTS_TABLE = "segment_fts"
_fts = table(FTS_TABLE, column("rowid", Integer), column("text"), column("rank"))
_TERM = re.compile(r'"([^"]*)"|(\S+)')


class Term(NamedTuple):
    text: str
    prefix: bool = False


class FoundTurn(NamedTuple):
    segment_id: int
    transcript_id: int
    title: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    start_time: float | None
    text: str


def parse_terms(text: str) -> list[Term]:
    """Words and quoted phrases of a search; a trailing * on a word asks for a prefix match."""
    terms = []
    for phrase, word in _TERM.findall(text):
        value = phrase if phrase else word
        prefix = not phrase and value.endswith("*")
        value = value.rstrip("*").strip() if prefix else value.strip()
        if value:
            terms.append(Term(value, prefix))
    return terms


def fts_query(terms: list[Term]) -> str:
    """The FTS5 query for terms: each one a quoted string (so no FTS5 operator is read)."""
    quoted = [
        '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "") for term in terms
    ]
    return " ".join(quoted)


def has_fts(session: Session) -> bool:
    """True when this database has the FTS5 index (SQLite with FTS5 compiled in)."""
    bind = session.get_bind()
    return bind.dialect.name == "sqlite" and inspect(session.connection()).has_table(FTS_TABLE)


def catch_up(session: Session) -> int:
    """Index the segments the FTS5 table does not hold yet; returns how many were added.

    Imports do not index (that would double their time); the first search after them does,
    slicing each turn from its transcript's text in Python, where slicing is O(1).
    """
    missing = session.execute(
        select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
        .where(~exists().where(_fts.c.rowid == Segment.id))
        .order_by(Segment.transcript_id)
    ).all()
    if not missing:
        return 0
    transcript_ids = {row.transcript_id for row in missing}
    texts = dict(
        session.execute(
            select(Transcript.id, Transcript.text).where(Transcript.id.in_(transcript_ids))
        ).all()
    )
    session.execute(
        insert(_fts),
        [
            {"rowid": row.id, "text": texts[row.transcript_id][row.start_char : row.end_char]}
            for row in missing
        ],
    )
    return len(missing)


def search_turns(
    session: Session, terms: list[Term], scope: TurnScope, *, limit: int
) -> list[FoundTurn]:
    """Turns in scope holding every term: best matches first with FTS5, else in order."""
    base = (
        select(
            Segment.id,
            Segment.transcript_id,
            Transcript.title,
            Transcript.department,
            Transcript.group_kind,
            Speaker.label,
            Speaker.role,
            Segment.start_time,
            segment_text().label("text"),
        )
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
    )
    query = _with_fts(base, terms) if has_fts(session) else _with_like(base, terms)
    query = scoped(query, scope).limit(limit)
    return [FoundTurn(*row) for row in session.execute(query)]


def _with_fts(base: Select, terms: list[Term]) -> Select:
    hits = select(_fts.c.rowid, _fts.c.rank).where(_fts.c.text.match(fts_query(terms))).subquery()
    return base.join(hits, hits.c.rowid == Segment.id).order_by(hits.c.rank, Segment.id)


def _with_like(base: Select, terms: list[Term]) -> Select:
    text = segment_text()
    matches = [text.icontains(term.text, autoescape=True) for term in terms]
    order = (Transcript.department, Transcript.title, Transcript.id, Segment.ordinal)
    return base.where(and_(*matches)).order_by(*order)
