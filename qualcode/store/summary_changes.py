"""A coding's change applied to the coded-turn summary (revision 0011), for `coding_summary`.

A coding write leaves one mark per coding: its turn, code and coder, and whether it came
(+1) or went (-1). The turn's codings now, read in the same snapshot as the marks are taken,
less what came and plus what went are its codings at the previous refresh; the cells the
turn counts in (layer, code rolled up, transcript, speaker) change by one turn and its words
where the turn is counted now and was not, or the other way round. Recounting those cells
instead read every coding below the code on every turn of that speaker (about 1,000 codings
for a 1,040-turn transcript); this reads the marked turns' codings (about ten each).
Anything that does not add up (a marked turn or code gone, a coder unknown, a count below
zero) sends the transcript to the whole recount. This is SQLite's refresh; PostgreSQL
applies the same changes in SQL, in its server function (`team_summary_sql`, one round trip).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Integer,
    column,
    delete,
    func,
    insert,
    select,
    table,
    tuple_,
)

from qualcode.store.tables import coding, segment

if TYPE_CHECKING:  # Core tables: `qualcode freq` refreshes the summary without the ORM
    from sqlalchemy.orm import Session

Mark = tuple[int, int, int, int]  # segment id, code id, coder id, change (+1 came, -1 went)
TurnRow = tuple[int, int | None, int, int | None, int | None]  # turn's transcript, speaker,
# words; a coding's code and coder (None: the turn has no coding)
Cell = tuple[int, int, int | None]  # layer, code, speaker

summary = table(
    "coding_summary",
    column("layer", Integer),
    column("code_id", Integer),
    column("transcript_id", Integer),
    column("speaker_id", Integer),
    column("turns", Integer),
    column("words", Integer),
)
stale = table(
    "coding_summary_stale",
    column("id", Integer),
    column("transcript_id", Integer),
    column("segment_id", Integer),  # with code_id: the turn and code a coding write touched
    column("code_id", Integer),
    column("coder_id", Integer),  # with change: whose coding came (1) or went (-1), 0011
    column("change", Integer),
)
_TAKEN = (stale.c.transcript_id, stale.c.segment_id, stale.c.code_id)

Taken = list[tuple[int, int | None, int | None, int | None, int | None]]


def take(session: Connection | Session) -> Taken:
    """The marks, taken (SQLite: the write lock keeps the codings as the marks say; PostgreSQL
    refreshes in its server function instead, `team_summary_sql`)."""
    rows = session.execute(delete(stale).returning(*_TAKEN, stale.c.coder_id, stale.c.change)).all()
    return [tuple(row) for row in rows]


def turn_codings(
    session: Connection | Session, moved: dict[int, list[Mark]]
) -> dict[int, list[TurnRow]]:
    """The codings of the marked turns, by turn (a turn without codings: one row of Nones)."""
    segments = sorted({mark[0] for marks in moved.values() for mark in marks})
    turns: dict[int, list[TurnRow]] = {}
    for start in range(0, len(segments), 1000):
        query = (
            select(
                segment.c.id,
                segment.c.transcript_id,
                segment.c.speaker_id,
                segment.c.word_count,
                coding.c.code_id,
                coding.c.coder_id,
            )
            .outerjoin(coding, coding.c.segment_id == segment.c.id)
            .where(segment.c.id.in_(segments[start : start + 1000]))
        )
        for segment_id, transcript_id, speaker, words, code_id, coder_id in session.execute(query):
            turns.setdefault(segment_id, []).append(
                (transcript_id, speaker, words, code_id, coder_id)
            )
    return turns


def apply(
    session: Connection | Session,
    moved: dict[int, list[Mark]],
    turns: dict[int, list[TurnRow]],
    lineage: dict[int, tuple[int, ...]],
    layers: Any,
    coders: set[int],
) -> set[int]:
    """Apply the marked changes to the summary, per transcript; returns the transcripts to
    recount whole instead."""
    whole: set[int] = set()
    for transcript_id, marks in sorted(moved.items()):
        deltas = _deltas(transcript_id, marks, turns, lineage, layers.of, coders)
        if deltas is None or not _write(session, transcript_id, deltas):
            whole.add(transcript_id)
    return whole


def _deltas(
    transcript_id: int,
    marks: list[Mark],
    turns: dict[int, list[TurnRow]],
    lineage: dict[int, tuple[int, ...]],
    layers_of: Callable[[int], tuple[int, ...]],
    coders: set[int],
) -> dict[Cell, list[int]] | None:
    """Each cell's change in turns and words, or None when the marks do not add up."""
    by_turn: dict[int, Counter[tuple[int, int]]] = {}
    for segment_id, code_id, coder_id, change in marks:
        if coder_id not in coders or code_id not in lineage:
            return None
        went = by_turn.setdefault(segment_id, Counter())
        went[(coder_id, code_id)] -= change  # now less what came plus what went
    deltas: dict[Cell, list[int]] = {}
    for segment_id, undo in by_turn.items():
        rows = turns.get(segment_id)
        if not rows or rows[0][0] != transcript_id:
            return None  # the turn is gone, or in another transcript
        _, speaker, words, _, _ = rows[0]
        now: Counter[tuple[int, int]] = Counter(
            (coder_id, code_id)
            for _, _, _, code_id, coder_id in rows
            if code_id is not None and coder_id is not None
        )
        before = now.copy()
        before.update(undo)
        if any(count < 0 for count in before.values()):
            return None
        for pair in now:
            if pair[0] not in coders or pair[1] not in lineage:
                return None
        counted_now = _cells(now, lineage, layers_of)
        counted_before = _cells(before, lineage, layers_of)
        for layer, code in counted_now - counted_before:
            cell = deltas.setdefault((layer, code, speaker), [0, 0])
            cell[0] += 1
            cell[1] += words or 0
        for layer, code in counted_before - counted_now:
            cell = deltas.setdefault((layer, code, speaker), [0, 0])
            cell[0] -= 1
            cell[1] -= words or 0
    return {cell: change for cell, change in deltas.items() if change != [0, 0]}


def _cells(
    codings: Counter[tuple[int, int]],
    lineage: dict[int, tuple[int, ...]],
    layers_of: Callable[[int], tuple[int, ...]],
) -> set[tuple[int, int]]:
    """The (layer, code) cells a turn with these (coder, code) codings counts in."""
    return {
        (layer, code)
        for (coder_id, code_id), count in codings.items()
        if count > 0
        for layer in layers_of(coder_id)
        for code in lineage[code_id]
    }


def _write(
    session: Connection | Session, transcript_id: int, deltas: dict[Cell, list[int]]
) -> bool:
    """Replace the changed cells' rows with their counts plus the change; False (nothing
    written that the whole recount would not replace) when a count would fall below zero."""
    if not deltas:
        return True
    keys = [(layer, code, -1 if speaker is None else speaker) for layer, code, speaker in deltas]
    unit = tuple_(summary.c.layer, summary.c.code_id, func.coalesce(summary.c.speaker_id, -1))
    old = session.execute(
        delete(summary)
        .where(summary.c.transcript_id == transcript_id, unit.in_(keys))
        .returning(
            summary.c.layer,
            summary.c.code_id,
            summary.c.speaker_id,
            summary.c.turns,
            summary.c.words,
        )
    ).all()
    counts: dict[Cell, list[int]] = {(row[0], row[1], row[2]): [row[3], row[4]] for row in old}
    for cell, (turns, words) in deltas.items():
        count = counts.setdefault(cell, [0, 0])
        count[0] += turns
        count[1] += words
    if any(turns < 0 or words < 0 for turns, words in counts.values()):
        return False
    if any(turns == 0 and words != 0 for turns, words in counts.values()):
        return False
    rows = [
        {
            "layer": layer,
            "code_id": code,
            "transcript_id": transcript_id,
            "speaker_id": speaker,
            "turns": turns,
            "words": words,
        }
        for (layer, code, speaker), (turns, words) in counts.items()
        if turns > 0
    ]
    if rows:
        session.execute(insert(summary), rows)
    return True
