"""Code co-occurrence: how often two codes share a turn (or overlap), as counts and Jaccard.

Jaccard(A, B) = turns with both / turns with either = both / (A + B - both), where A and B
are the turns coded with each code (rolled up). A code and one of its own descendants always
co-occur, so such pairs are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qualcode.domain.codekey import CodeKey
from qualcode.domain.counts import CoOccurrence
from qualcode.domain.table import ResultTable


def jaccard(both: int, first: int, second: int) -> float | None:
    """Share of the turns with either code that hold both; None when neither occurs."""
    either = first + second - both
    return both / either if either else None


def related(first: str, second: str) -> bool:
    """True when one key is the other or one of its ancestors."""
    return CodeKey(first).related(second)


def cooccurrence_tables(
    codes: Sequence[tuple[int, str, str]],
    turns: Mapping[int, int],
    pairs: Sequence[CoOccurrence],
    *,
    overlap: bool,
    same_coder: bool = True,
) -> list[ResultTable]:
    """A table of pairs (most frequent first) and a code x code matrix of counts."""
    keys = {code_id: key for code_id, key, _ in codes}
    found = {
        frozenset((pair.first_id, pair.second_id)): pair.turns
        for pair in pairs
        if not related(keys[pair.first_id], keys[pair.second_id])
    }
    unit = "overlapping codings" if overlap else "the same turn"
    unit += ", both applied by one coder" if same_coder else ", by any coders of the layer"
    pair_rows: list[list[Any]] = []
    for i, (first_id, first_key, _) in enumerate(codes):
        for second_id, second_key, _ in codes[i + 1 :]:
            both = found.get(frozenset((first_id, second_id)), 0)
            if not both:
                continue
            a, b = turns.get(first_id, 0), turns.get(second_id, 0)
            pair_rows.append([first_key, second_key, both, a, b, jaccard(both, a, b)])
    pair_rows.sort(key=lambda row: (-row[2], row[0], row[1]))
    matrix_rows = []
    for first_id, first_key, _ in codes:
        row: list[str | int | None] = [first_key]
        for second_id, second_key, _ in codes:
            if first_id == second_id:
                row.append(turns.get(first_id, 0))
            elif related(first_key, second_key):
                row.append(None)
            else:
                row.append(found.get(frozenset((first_id, second_id)), 0))
        matrix_rows.append(row)
    return [
        ResultTable(
            title="Code co-occurrence",
            columns=[
                "Code A",
                "Code B",
                "Turns with both",
                "Turns with A",
                "Turns with B",
                "Jaccard",
            ],
            rows=pair_rows,
            notes=[
                f"Co-occurrence: {unit}. Jaccard = turns with both / turns with either. "
                "A code and the codes below it are not paired."
            ],
        ),
        ResultTable(
            title="Co-occurrence matrix",
            columns=["Code", *(key for _, key, _ in codes)],
            rows=matrix_rows,
            notes=["Diagonal: turns coded with the code; off the diagonal: turns with both."],
        ),
    ]
