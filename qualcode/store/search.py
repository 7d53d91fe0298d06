"""Full-text search over turns: SQLite FTS5 (0002), PostgreSQL tsvector (0003), else LIKE.

Search text is a list of words and "quoted phrases"; a turn must hold all of them. A word
ending in * matches as a prefix. Both indexes match whole words, ignoring case and
punctuation, and rank the best matches first (FTS5 bm25, PostgreSQL ts_rank). The portable
fallback (SQLite built without FTS5) matches case-insensitive substrings and lists turns in
transcript order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    column,
    exists,
    func,
    insert,
    inspect,
    select,
    table,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from qualcode.domain.scope import TurnScope
from qualcode.store.analysis_queries import TURN_COLUMNS, filtered, segment_text
from qualcode.store.models import Segment, Speaker, Transcript

FTS5 = "FTS5 full-text index"
TSVECTOR = "PostgreSQL full-text search (tsvector)"
SUBSTRING = "substring match"
FTS_TABLE = "segment_fts"
_fts = table(FTS_TABLE, column("rowid", Integer), column("text"), column("rank"))
TSV_TABLE = "segment_search"
_tsv = table(
    TSV_TABLE,
    column("segment_id", Integer),
    column("start_char", Integer),
    column("end_char", Integer),
    column("document", postgresql.TSVECTOR),
)
# 'simple': lower-cased words, no stemming or stop words, as FTS5's unicode61 (see 0003).
TS_CONFIG = "simple"
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


def tsquery(terms: list[Term]) -> ColumnElement:
    """The PostgreSQL tsquery for terms: every term ANDed, each word or phrase a phrase query.

    Built per term rather than with websearch_to_tsquery, which would read "or" and a leading
    "-" as operators where FTS5 sees words. A prefix term is quoted into to_tsquery text
    (backslash and quote escaped, so no tsquery operator is read) with ``:*`` appended.
    """
    parts: list[ColumnElement[Any]] = [
        postgresql.to_tsquery(TS_CONFIG, _quoted_prefix(term.text))
        if term.prefix
        else postgresql.phraseto_tsquery(TS_CONFIG, term.text)
        for term in terms
    ]
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query


def _quoted_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}':*"


def has_fts(session: Session) -> bool:
    """True when this database has a full-text index (FTS5 on SQLite, tsvector on PostgreSQL)."""
    name = session.get_bind().dialect.name
    wanted = {"sqlite": FTS_TABLE, "postgresql": TSV_TABLE}.get(name)
    return wanted is not None and inspect(session.connection()).has_table(wanted)


def engine(session: Session) -> str:
    """Which of FTS5, TSVECTOR and SUBSTRING a search of this database uses."""
    if not has_fts(session):
        return SUBSTRING
    return TSVECTOR if session.get_bind().dialect.name == "postgresql" else FTS5


def catch_up(session: Session) -> int:
    """Index the turns the full-text index lacks (or holds stale); returns how many were added.

    Imports do not index (that would double their time); the first search after them does,
    slicing each turn from its transcript's text in Python, where slicing is O(1).
    """
    if session.get_bind().dialect.name == "postgresql":
        return _catch_up_tsvector(session)
    missing = session.execute(
        select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
        .where(~exists().where(_fts.c.rowid == Segment.id))
        .order_by(Segment.transcript_id)
    ).all()
    if not missing:
        return 0
    texts = _texts(session, missing)
    session.execute(
        insert(_fts),
        [
            {"rowid": row.id, "text": texts[row.transcript_id][row.start_char : row.end_char]}
            for row in missing
        ],
    )
    return len(missing)


def _catch_up_tsvector(session: Session) -> int:
    current = and_(
        _tsv.c.segment_id == Segment.id,
        _tsv.c.start_char == Segment.start_char,
        _tsv.c.end_char == Segment.end_char,
    )
    missing = session.execute(
        select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
        .where(~exists().where(current))
        .order_by(Segment.id)  # one lock order for concurrent catch-ups
    ).all()
    if not missing:
        return 0
    texts = _texts(session, missing)
    statement = postgresql.insert(_tsv).values(
        segment_id=bindparam("id"),
        start_char=bindparam("start"),
        end_char=bindparam("end"),
        document=postgresql.to_tsvector(TS_CONFIG, bindparam("body")),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[_tsv.c.segment_id],
        set_={name: statement.excluded[name] for name in ("start_char", "end_char", "document")},
    )
    session.execute(
        statement,
        [
            {
                "id": row.id,
                "start": row.start_char,
                "end": row.end_char,
                "body": texts[row.transcript_id][row.start_char : row.end_char],
            }
            for row in missing
        ],
    )
    return len(missing)


def _texts(session: Session, rows: Sequence[Any]) -> dict[int, str]:
    """The full text of each transcript these segment rows belong to, by transcript id."""
    transcript_ids = {row.transcript_id for row in rows}
    return dict(
        session.execute(
            select(Transcript.id, Transcript.text).where(Transcript.id.in_(transcript_ids))
        ).all()
    )


def search_turns(
    session: Session, terms: list[Term], scope: TurnScope, *, limit: int
) -> list[FoundTurn]:
    """Turns in scope holding every term: best matches first with an index, else in order."""
    found = (
        select(
            *TURN_COLUMNS,
            segment_text().label("text"),
        )
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
    )
    kind = engine(session)
    if kind == SUBSTRING:
        query = filtered(_with_like(found, terms), scope).limit(limit)
    else:
        # Rank and cut to `limit` first, then cut the texts: PostgreSQL would otherwise
        # detoast the transcript text for every match before sorting (minutes, not 0.1 s).
        ranked = _fts_ranked(terms) if kind == FTS5 else _tsvector_ranked(terms)
        ranked = ranked.join(Transcript, Transcript.id == Segment.transcript_id)
        top = filtered(ranked, scope).order_by("score", Segment.id).limit(limit).subquery()
        query = found.join(top, top.c.id == Segment.id).order_by(top.c.score, Segment.id)
    return [FoundTurn(*row) for row in session.execute(query)]


def _fts_ranked(terms: list[Term]) -> Select:
    """(id, score) of the matching turns; a lower score is a better match (bm25)."""
    return (
        select(Segment.id, _fts.c.rank.label("score"))
        .select_from(_fts)
        .join(Segment, Segment.id == _fts.c.rowid)
        .where(_fts.c.text.match(fts_query(terms)))
    )


def _tsvector_ranked(terms: list[Term]) -> Select:
    """(id, score) of the matching turns; a lower score is a better match (-ts_rank)."""
    query = tsquery(terms)
    current = and_(
        _tsv.c.segment_id == Segment.id,
        _tsv.c.start_char == Segment.start_char,  # a stale vector never matches
        _tsv.c.end_char == Segment.end_char,
    )
    return (
        select(Segment.id, (-func.ts_rank(_tsv.c.document, query)).label("score"))
        .join(_tsv, current)
        .where(_tsv.c.document.bool_op("@@")(query))
    )


def _with_like(base: Select, terms: list[Term]) -> Select:
    text = segment_text()
    matches = [text.icontains(term.text, autoescape=True) for term in terms]
    order = (Transcript.department, Transcript.title, Transcript.id, Segment.ordinal)
    return base.where(and_(*matches)).order_by(*order)
