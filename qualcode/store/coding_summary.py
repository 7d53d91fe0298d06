"""The coded-turn summary (revision 0004): rolled-up counts per code, layer, transcript, speaker.

Frequency and comparison tables add these rows up instead of grouping every coding per
query (a million codings took 2-3 s a query; the summary of 96 transcripts has some 60,000
rows), and the denominators come from `turn_summary` (turns and words per transcript and
speaker). Triggers mark the transcripts a write touches; `refresh` recounts them for each
layer:

- each coder (layer = coder id), for tables by coder and for one coder's layer;
- ``ANY_CODER`` (0): a turn counts once per code however many coders coded it;
- ``ANY_CONSENSUS`` (-1): the same over the consensus coders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import (
    ColumnElement,
    Integer,
    column,
    delete,
    func,
    insert,
    literal,
    select,
    table,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause

from qualcode.store.analysis_queries import CodedTurns, Layer, TurnScope, TurnTotals
from qualcode.store.models import Code, Coder, Coding, Segment, Speaker, Transcript

ANY_CODER = 0
ANY_CONSENSUS = -1
REFRESH_LOCK = 0x51_43_53_55  # "QCSU": the PostgreSQL advisory lock key of `refresh`
summary = table(
    "coding_summary",
    column("layer", Integer),
    column("code_id", Integer),
    column("transcript_id", Integer),
    column("speaker_id", Integer),
    column("turns", Integer),
    column("words", Integer),
)
turn_summary = table(
    "turn_summary",
    column("transcript_id", Integer),
    column("speaker_id", Integer),
    column("turns", Integer),
    column("words", Integer),
)
stale = table("coding_summary_stale", column("id", Integer), column("transcript_id", Integer))


def is_stale(session: Session) -> bool:
    """True when some transcript's counts wait for a `refresh`."""
    return session.scalar(select(stale.c.id).limit(1)) is not None


def refresh(session: Session) -> int:
    """Recount the marked transcripts and clear their marks; returns how many transcripts.

    Run it in a write transaction. The marks are taken in one DELETE ... RETURNING, so a mark
    whose writer has not committed yet (on PostgreSQL, whatever its id) stays for the next
    refresh, and the recount, which reads after the DELETE, sees every write it clears.
    """
    if session.get_bind().dialect.name == "postgresql":
        # One refresh at a time (SQLite's write lock already does this): two at once would
        # each delete the rows the other cannot see yet, and both insert theirs.
        session.execute(select(func.pg_advisory_xact_lock(REFRESH_LOCK)))
    transcript_ids = sorted(set(session.scalars(delete(stale).returning(stale.c.transcript_id))))
    if not transcript_ids:
        return 0
    lineage = _lineage(session)
    consensus = set(session.scalars(select(Coder.id).where(Coder.is_consensus)))
    for chunk in _chunks(transcript_ids, 10):  # bounds the memory a full rebuild takes
        for cache in (summary, turn_summary):
            session.execute(delete(cache).where(cache.c.transcript_id.in_(chunk)))
        _count(session, chunk, lineage, consensus)
    return len(transcript_ids)


def coded_turns(
    session: Session, code_ids: Sequence[int], layer: Layer, scope: TurnScope
) -> list[CodedTurns]:
    """Coded turns and words per (code, transcript, speaker[, coder]) of the fresh summary."""
    if not code_ids:
        return []
    coder = summary.c.layer if layer.by_coder else literal(None, Integer)
    query = select(
        summary.c.code_id,
        summary.c.transcript_id,
        summary.c.speaker_id,
        coder,
        summary.c.turns,
        summary.c.words,
    ).where(summary.c.code_id.in_(code_ids), *_layer_rows(layer), *_scope_rows(summary, scope))
    return [CodedTurns(*row) for row in session.execute(query)]


def turn_totals(session: Session, scope: TurnScope) -> list[TurnTotals]:
    """Turns and words per (transcript, speaker) in scope: the denominators of the measures."""
    query = select(
        turn_summary.c.transcript_id,
        turn_summary.c.speaker_id,
        turn_summary.c.turns,
        turn_summary.c.words,
    ).where(*_scope_rows(turn_summary, scope))
    return [TurnTotals(*row) for row in session.execute(query)]


def _count(
    session: Session,
    transcript_ids: list[int],
    lineage: dict[int, tuple[int, ...]],
    consensus: set[int],
) -> None:
    """Insert the turn totals and the coded-turn rows of every layer for these transcripts.

    Counted in Python from one read of their turns and one of their codings: the per-layer
    GROUP BYs in SQL took four times as long, and a refresh usually recounts the one
    transcript a coder just changed.
    """
    turns: dict[int, tuple[int, int | None, int]] = {}
    totals: dict[tuple[int, int | None], list[int]] = {}
    for segment_id, transcript_id, speaker_id, words in session.execute(
        select(Segment.id, Segment.transcript_id, Segment.speaker_id, Segment.word_count).where(
            Segment.transcript_id.in_(transcript_ids)
        )
    ):
        turns[segment_id] = (transcript_id, speaker_id, words)
        total = totals.setdefault((transcript_id, speaker_id), [0, 0])
        total[0] += 1
        total[1] += words
    if not totals:
        return
    session.execute(
        insert(turn_summary),
        [
            {"transcript_id": transcript_id, "speaker_id": speaker_id, "turns": n, "words": words}
            for (transcript_id, speaker_id), (n, words) in totals.items()
        ],
    )
    codings = session.execute(
        select(Coding.segment_id, Coding.code_id, Coding.coder_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(Segment.transcript_id.in_(transcript_ids))
    )
    units: set[tuple[int, int, int]] = set()  # (layer, code, turn), rolled up
    for segment_id, code_id, coder_id in codings:
        layers = (
            (coder_id, ANY_CODER, ANY_CONSENSUS) if coder_id in consensus else (coder_id, ANY_CODER)
        )
        for code in lineage[code_id]:
            for layer in layers:
                units.add((layer, code, segment_id))
    if not units:
        return
    counts: dict[tuple[int, int, int, int | None], list[int]] = {}
    for layer, code, segment_id in units:
        transcript_id, speaker_id, words = turns[segment_id]
        cell = counts.setdefault((layer, code, transcript_id, speaker_id), [0, 0])
        cell[0] += 1
        cell[1] += words
    session.execute(
        insert(summary),
        [
            {
                "layer": layer,
                "code_id": code,
                "transcript_id": transcript_id,
                "speaker_id": speaker_id,
                "turns": n,
                "words": words,
            }
            for (layer, code, transcript_id, speaker_id), (n, words) in counts.items()
        ],
    )


def _lineage(session: Session) -> dict[int, tuple[int, ...]]:
    """Each code id with the ids of the codes it rolls up into: itself and its ancestors."""
    books: dict[int, dict[str, int]] = {}
    for code_id, book_id, key in session.execute(select(Code.id, Code.codebook_id, Code.key)):
        books.setdefault(book_id, {})[key] = code_id
    lineage = {}
    for keys in books.values():
        for key, code_id in keys.items():
            parts = key.split(".")
            above = (".".join(parts[:n]) for n in range(1, len(parts)))
            lineage[code_id] = (code_id, *(keys[k] for k in above if k in keys))
    return lineage


def _layer_rows(layer: Layer) -> list[ColumnElement[bool]]:
    if layer.by_coder:
        rows = [summary.c.layer > ANY_CODER]
        if layer.coder_ids is not None:
            rows.append(summary.c.layer.in_(layer.coder_ids))
        return rows
    if layer.coder_ids is None:
        return [summary.c.layer == ANY_CODER]
    if layer.consensus:
        return [summary.c.layer == ANY_CONSENSUS]
    if len(layer.coder_ids) != 1:
        raise ValueError("The summary holds one coder's layer or all coders', not a group's.")
    return [summary.c.layer == layer.coder_ids[0]]


def _scope_rows(cache: TableClause, scope: TurnScope) -> list[ColumnElement[bool]]:
    rows: list[ColumnElement[bool]] = []
    if scope.departments or scope.group_kinds:
        chosen = select(Transcript.id)
        if scope.departments:
            chosen = chosen.where(Transcript.department.in_(scope.departments))
        if scope.group_kinds:
            chosen = chosen.where(Transcript.group_kind.in_(scope.group_kinds))
        rows.append(cache.c.transcript_id.in_(chosen))
    if scope.transcript_ids:
        rows.append(cache.c.transcript_id.in_(scope.transcript_ids))
    if scope.roles:
        rows.append(cache.c.speaker_id.in_(select(Speaker.id).where(Speaker.role.in_(scope.roles))))
    return rows


def _chunks(values: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
