"""The coded-turn summary (revision 0004): rolled-up counts per code, layer, transcript, speaker.

Frequency and comparison tables add these rows up instead of grouping every coding per
query (a million codings took 2-3 s a query; the summary of 96 transcripts has some 60,000
rows), and the denominators come from `turn_summary` (turns and words per transcript and
speaker). Triggers mark the transcripts a write touches; `refresh` recounts them for each
layer:

- each coder (layer = coder id), for tables by coder and for one coder's layer;
- ``ANY_CODER`` (0): the all-coders layer (every coder but the consensus layer): a turn
  counts once per code however many coders coded it;
- ``ANY_CONSENSUS`` (-1): the same over the consensus coders.

Both answer for a scope (`qualcode.domain.scope`): the moderator rule filters on the speaker
of each row, and the coded scope of a layer is the transcripts it holds rows for (any
coding rolls up into some code) plus those its coders marked done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    column,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    union,
)
from sqlalchemy.sql.expression import TableClause

from qualcode.domain.counts import CodedTurns, TurnTotals
from qualcode.domain.layer import MODEL_ROLE, Layer, LayerKind
from qualcode.domain.rollup import lineage
from qualcode.domain.scope import TurnScope
from qualcode.store import summary_changes as changes
from qualcode.store.layers import layer_coders, participant_turns, transcript_done
from qualcode.store.summary_changes import stale, summary
from qualcode.store.tables import code as code_table
from qualcode.store.tables import coder, coding, segment, speaker, transcript

if TYPE_CHECKING:  # Core tables: the counts are read (and refreshed) without the ORM
    from sqlalchemy.orm import InstrumentedAttribute, Session

ANY_CODER = 0
ANY_CONSENSUS = -1
CELL_MARKS = 64  # a transcript with more (turn, code) marks is recounted whole
REFRESH_LOCK = 0x51_43_53_55  # "QCSU": the PostgreSQL advisory lock key of `refresh`
turn_summary = table(
    "turn_summary",
    column("transcript_id", Integer),
    column("speaker_id", Integer),
    column("turns", Integer),
    column("words", Integer),
)


def _connection(session: Connection | Session) -> Connection:
    """The Core connection of a session (or the connection itself)."""
    return session if isinstance(session, Connection) else session.connection()


def is_stale(session: Connection | Session) -> bool:
    """True when some transcript's counts wait for a `refresh`."""
    return session.scalar(select(stale.c.id).limit(1)) is not None


def refresh(session: Connection | Session) -> int:
    """Bring the marked transcripts' counts up to date and clear their marks; returns how
    many transcripts.

    Run it in a write transaction. The marks are taken in one DELETE ... RETURNING, so a mark
    whose writer has not committed yet (on PostgreSQL, whatever its id) stays for the next
    refresh. A coding's marks say whose coding came or went on which turn: their changes are
    applied to the cells that turn counts in (`summary_changes`), from the turn's codings.
    Other marks (a new or changed turn, a bulk write, a mark from before revision 0011)
    recount their cells or their transcript.

    On PostgreSQL the same is one call of the server's function `qualcode_refresh_summary()`
    (`team_summary_sql`; revision 0015 installs it on every project, team mode makes it the
    owner's): the advisory lock, the marks taken, the changes worked out and written in one
    round trip, and nothing but one read when nothing is marked. Counted in Python it took
    four statements and a lock, each a round trip, whose waits on a busy machine were most
    of the refresh.
    """
    if _connection(session).dialect.name == "postgresql":
        return int(session.scalar(select(func.qualcode_refresh_summary())) or 0)
    taken = changes.take(session)
    if not taken:
        return 0
    lineage, layers = _lineage(session), _coder_layers(session)
    whole = {transcript_id for transcript_id, segment_id, *_ in taken if segment_id is None}
    cells: dict[int, set[tuple[int, int]]] = {}
    moved: dict[int, list[changes.Mark]] = {}
    for transcript_id, segment_id, code_id, coder_id, change in taken:
        if transcript_id in whole or segment_id is None:
            continue
        if change is None or coder_id is None or code_id is None:  # before revision 0011
            cells.setdefault(transcript_id, set()).add((segment_id, code_id or 0))
        else:
            moved.setdefault(transcript_id, []).append((segment_id, code_id, coder_id, change))
    for transcript_id in list(cells) + list(moved):
        marks = len(cells.get(transcript_id, ())) + len(moved.get(transcript_id, ()))
        if marks > CELL_MARKS:  # many writes at once: one read of the transcript is faster
            whole.add(transcript_id)
    cells = {key: value for key, value in cells.items() if key not in whole}
    moved = {key: value for key, value in moved.items() if key not in whole}
    if moved:
        turn_rows = changes.turn_codings(session, moved)
        whole |= changes.apply(session, moved, turn_rows, lineage, layers, layers.known_ids)
        cells = {key: value for key, value in cells.items() if key not in whole}
    if cells:
        whole |= _recount_cells(session, cells, lineage, layers)
    recount(session, whole, lineage, layers)
    return len(whole | set(cells) | set(moved))


def recount(
    session: Connection | Session,
    transcript_ids: Iterable[int],
    lineage: dict[int, tuple[int, ...]] | None = None,
    layers: _Layers | None = None,
) -> None:
    """Recount these transcripts whole: the repair path, and the oracle of the changes."""
    if lineage is None:
        lineage = _lineage(session)
    if layers is None:
        layers = _coder_layers(session)
    for chunk in _chunks(sorted(transcript_ids), 10):  # bounds the memory a full rebuild takes
        for cache in (summary, turn_summary):
            session.execute(delete(cache).where(cache.c.transcript_id.in_(chunk)))
        _count(session, chunk, lineage, layers)


def _coder_layers(session: Connection | Session) -> _Layers:
    coders = (
        _connection(session).execute(select(coder.c.id, coder.c.is_consensus, coder.c.role)).all()
    )
    return _layers_of([(coder_id, bool(flag), role) for coder_id, flag, role in coders])


def _layers_of(coders: list[tuple[int, bool, str]]) -> _Layers:
    consensus = {coder_id for coder_id, is_consensus, _ in coders if is_consensus}
    # A model's layer is no coder's work: it counts only as itself, never in "all".
    models = {coder_id for coder_id, _, role in coders if role == MODEL_ROLE}
    layers = _Layers(consensus, models)
    layers.known_ids = {coder_id for coder_id, _, _ in coders}
    return layers


def coded_turns(
    session: Connection | Session,
    code_ids: Sequence[int],
    layer: Layer,
    scope: TurnScope,
    *,
    by_coder: bool = False,
) -> list[CodedTurns]:
    """Coded turns and words per (code, transcript, speaker[, coder]) of the fresh summary.

    Codings exist only in transcripts their layer has coded, so the coverage of the scope
    changes nothing here; the moderator rule and the filters do.
    """
    if not code_ids:
        return []
    coder = summary.c.layer if by_coder else literal(None, Integer)
    query = select(
        summary.c.code_id,
        summary.c.transcript_id,
        summary.c.speaker_id,
        coder,
        summary.c.turns,
        summary.c.words,
    ).where(
        summary.c.code_id.in_(code_ids),
        *_layer_rows(layer, by_coder=by_coder),
        *_scope_rows(summary, scope),
    )
    return [CodedTurns(*row) for row in session.execute(query).all()]


def turn_totals(session: Connection | Session, layer: Layer, scope: TurnScope) -> list[TurnTotals]:
    """Turns and words per (transcript, speaker) in scope: the denominators of the measures.

    With the coded coverage, only the transcripts the layer has coded (`coded_transcripts`).
    """
    query = select(
        turn_summary.c.transcript_id,
        turn_summary.c.speaker_id,
        turn_summary.c.turns,
        turn_summary.c.words,
    ).where(*_scope_rows(turn_summary, scope))
    if scope.coded_only:
        query = query.where(turn_summary.c.transcript_id.in_(coded_transcripts(layer)))
    return [TurnTotals(*row) for row in session.execute(query).all()]


def coded_transcripts(layer: Layer) -> CompoundSelect[int]:
    """Ids of the transcripts in a layer's coded scope: it holds a coding there, or one of
    its coders marked the transcript done. Reads the fresh summary."""
    coded = select(summary.c.transcript_id).where(*_layer_rows(layer, by_coder=False))
    done = select(transcript_done.c.transcript_id).where(
        transcript_done.c.coder_id.in_(layer_coders(layer))
    )
    return union(coded, done)


def coder_transcripts(session: Connection | Session, layer: Layer) -> set[tuple[int, int]]:
    """(coder id, transcript id) for each coder of the layer and transcript in their own
    coded scope: the coded coverage of a table split by coder."""
    coded = select(summary.c.layer, summary.c.transcript_id).where(
        *_layer_rows(layer, by_coder=True)
    )
    done = select(transcript_done.c.coder_id, transcript_done.c.transcript_id).where(
        transcript_done.c.coder_id.in_(layer_coders(layer))
    )
    return {
        (coder_id, transcript_id) for coder_id, transcript_id in session.execute(union(coded, done))
    }


def _count(
    session: Connection | Session,
    transcript_ids: list[int],
    lineage: dict[int, tuple[int, ...]],
    layers: _Layers,
) -> None:
    """Insert the turn totals and the coded-turn rows of every layer for these transcripts.

    Counted in Python from one read of their turns and one of their codings: the per-layer
    GROUP BYs in SQL took four times as long, and a refresh usually recounts the one
    transcript a coder just changed.
    """
    turns: dict[int, tuple[int, int | None, int]] = {}
    totals: dict[tuple[int, int | None], list[int]] = {}
    for segment_id, transcript_id, speaker_id, words in session.execute(
        select(
            segment.c.id, segment.c.transcript_id, segment.c.speaker_id, segment.c.word_count
        ).where(segment.c.transcript_id.in_(transcript_ids))
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
        select(coding.c.segment_id, coding.c.code_id, coding.c.coder_id)
        .join(segment, segment.c.id == coding.c.segment_id)
        .where(segment.c.transcript_id.in_(transcript_ids))
    )
    units: set[tuple[int, int, int]] = set()  # (layer, code, turn), rolled up
    for segment_id, code_id, coder_id in codings:
        of_coder = layers.of(coder_id)
        for code in lineage[code_id]:
            for layer in of_coder:
                units.add((layer, code, segment_id))
    _insert_counts(session, units, turns)


class _Layers:
    """The layers a coder's codings count in: its own, and "all" or "consensus" unless it is
    a model."""

    def __init__(self, consensus: set[int], models: set[int]) -> None:
        self.consensus = consensus
        self.models = models
        self.known: dict[int, tuple[int, ...]] = {}
        self.known_ids: set[int] = set()  # every coder's id, when read (`_coder_layers`)

    def of(self, coder_id: int) -> tuple[int, ...]:
        found = self.known.get(coder_id)
        if found is None:
            if coder_id in self.models:
                found = (coder_id,)
            else:
                shared = ANY_CONSENSUS if coder_id in self.consensus else ANY_CODER
                found = (coder_id, shared)
            self.known[coder_id] = found
        return found


def _recount_cells(
    session: Connection | Session,
    cells: dict[int, set[tuple[int, int]]],
    lineage: dict[int, tuple[int, ...]],
    layers: _Layers,
) -> set[int]:
    """Recount the cells the marked (turn, code) pairs can change, per transcript: every
    layer's rows for the codes' lineage and the turns' speakers. Returns the transcripts to
    recount whole instead: a marked turn or code is gone (its delete marked them anyway)."""
    segments = sorted({segment_id for marks in cells.values() for segment_id, _ in marks})
    where: dict[int, tuple[int, int | None]] = {}
    for chunk in _chunks(segments, 1000):
        turns = select(segment.c.id, segment.c.transcript_id, segment.c.speaker_id)
        for segment_id, transcript_id, speaker_id in session.execute(
            turns.where(segment.c.id.in_(chunk))
        ):
            where[segment_id] = (transcript_id, speaker_id)
    whole: set[int] = set()
    for transcript_id, marks in sorted(cells.items()):
        if any(
            segment_id not in where
            or where[segment_id][0] != transcript_id
            or code_id not in lineage
            for segment_id, code_id in marks
        ):
            whole.add(transcript_id)
            continue
        codes = {code for _, code_id in marks for code in lineage[code_id]}
        speakers = {where[segment_id][1] for segment_id, _ in marks}
        _recount(session, transcript_id, codes, speakers, lineage, layers)
    return whole


def _recount(
    session: Connection | Session,
    transcript_id: int,
    codes: set[int],
    speakers: set[int | None],
    lineage: dict[int, tuple[int, ...]],
    layers: _Layers,
) -> None:
    """Replace the rows of these codes and speakers in one transcript, every layer, with a
    count of the codings below those codes on those speakers' turns."""
    # each code below these, with those of them it rolls up into
    rolled = {
        code_id: tuple(code for code in line if code in codes)
        for code_id, line in lineage.items()
        if not codes.isdisjoint(line)
    }
    codings = _connection(session).execute(
        select(
            coding.c.segment_id,
            coding.c.code_id,
            coding.c.coder_id,
            segment.c.speaker_id,
            segment.c.word_count,
        )
        .join(segment, segment.c.id == coding.c.segment_id)
        .where(
            segment.c.transcript_id == transcript_id,
            _speaker_in(segment.c.speaker_id, speakers),
            # `+ 0`: read the transcript's turns by index, not every coding of these codes
            (coding.c.code_id + 0).in_(list(rolled)),
        )
    )
    words: dict[int, int] = {}
    cells: dict[tuple[int, int, int | None], set[int]] = {}  # (layer, code, speaker): turns
    targets: dict[tuple[int, int, int | None], list[set[int]]] = {}
    for segment_id, code_id, coder_id, speaker_id, count in codings.all():
        words[segment_id] = count
        into = targets.get((code_id, coder_id, speaker_id))
        if into is None:
            into = [
                cells.setdefault((layer, code, speaker_id), set())
                for layer in layers.of(coder_id)
                for code in rolled[code_id]
            ]
            targets[(code_id, coder_id, speaker_id)] = into
        for turns in into:
            turns.add(segment_id)
    session.execute(
        delete(summary).where(
            summary.c.transcript_id == transcript_id,
            summary.c.code_id.in_(codes),
            _speaker_in(summary.c.speaker_id, speakers),
        )
    )
    if cells:
        session.execute(
            insert(summary),
            [
                {
                    "layer": layer,
                    "code_id": code,
                    "transcript_id": transcript_id,
                    "speaker_id": speaker_id,
                    "turns": len(turns),
                    "words": sum(words[segment_id] for segment_id in turns),
                }
                for (layer, code, speaker_id), turns in cells.items()
            ],
        )


def _speaker_in(
    speaker: ColumnElement[Any] | InstrumentedAttribute[Any], speakers: set[int | None]
) -> ColumnElement[bool]:
    named = [speaker_id for speaker_id in speakers if speaker_id is not None]
    return or_(
        *([speaker.in_(named)] if named else []),
        *([speaker.is_(None)] if None in speakers else []),
    )


def _insert_counts(
    session: Connection | Session,
    units: set[tuple[int, int, int]],
    turns: dict[int, tuple[int, int | None, int]],
) -> None:
    """Insert the summary rows of these (layer, code, turn) units."""
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


def _lineage(session: Connection | Session) -> dict[int, tuple[int, ...]]:
    """Each code id with the ids of the codes it rolls up into: itself and its ancestors."""
    rows = _connection(session).execute(
        select(code_table.c.id, code_table.c.codebook_id, code_table.c.key)
    )
    return _known_lineage([(code_id, book_id, key) for code_id, book_id, key in rows])


_LAST_LINEAGE: list[tuple[list[tuple[int, int, str]], dict[int, tuple[int, ...]]]] = []


def _known_lineage(codes: list[tuple[int, int, str]]) -> dict[int, tuple[int, ...]]:
    """`lineage` of these (id, codebook id, key) rows; the last one is kept, since the
    codes seldom change between two refreshes (callers do not change what they get)."""
    codes = sorted(codes)
    if _LAST_LINEAGE and _LAST_LINEAGE[0][0] == codes:
        return _LAST_LINEAGE[0][1]
    found = lineage(codes)
    _LAST_LINEAGE[:] = [(codes, found)]
    return found


def _layer_rows(layer: Layer, *, by_coder: bool) -> list[ColumnElement[bool]]:
    """The summary rows of a layer: one coder's, the consensus or all coders' (split by coder
    with `by_coder`)."""
    if by_coder:
        return [summary.c.layer.in_(layer_coders(layer))]
    if layer.kind is LayerKind.ALL:
        return [summary.c.layer == ANY_CODER]
    if layer.kind is LayerKind.CONSENSUS:
        return [summary.c.layer == ANY_CONSENSUS]
    return [summary.c.layer.in_(layer_coders(layer))]


def _scope_rows(cache: TableClause, scope: TurnScope) -> list[ColumnElement[bool]]:
    if scope.cards:  # the summary has no sections: card tables count in `card_counts`
        raise ValueError("the coded-turn summary cannot restrict to card sections")
    rows: list[ColumnElement[bool]] = []
    if scope.departments or scope.group_kinds:
        chosen = select(transcript.c.id)
        if scope.departments:
            chosen = chosen.where(transcript.c.department.in_(scope.departments))
        if scope.group_kinds:
            chosen = chosen.where(transcript.c.group_kind.in_(scope.group_kinds))
        rows.append(cache.c.transcript_id.in_(chosen))
    if scope.transcript_ids:
        rows.append(cache.c.transcript_id.in_(scope.transcript_ids))
    if scope.roles:
        rows.append(
            cache.c.speaker_id.in_(select(speaker.c.id).where(speaker.c.role.in_(scope.roles)))
        )
    rows.extend(participant_turns(cache.c.speaker_id, scope))
    return rows


def _chunks(values: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
