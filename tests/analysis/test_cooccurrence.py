"""Co-occurrence shaping: Jaccard, related codes left out, pairs sorted, the matrix."""

from __future__ import annotations

import pytest

from qualcode.analysis.cooccurrence import cooccurrence_tables, jaccard, related
from qualcode.domain.counts import CoOccurrence

CODES = [
    (1, "temporality", "Temporality"),
    (2, "temporality.breaks", "Breaks"),
    (3, "jobcrafting", "Jobcrafting"),
    (4, "open.it_system", "IT system"),
]


def test_jaccard_is_both_over_either() -> None:
    # 3 turns with both, 5 with A, 4 with B: either = 5 + 4 - 3 = 6.
    assert jaccard(3, 5, 4) == 0.5
    assert jaccard(2, 2, 2) == 1.0
    assert jaccard(0, 0, 0) is None


def test_related_means_same_code_or_ancestor() -> None:
    assert related("temporality", "temporality.breaks")
    assert related("temporality.breaks", "temporality")
    assert not related("temporality", "temporality_x.breaks")
    assert not related("temporality.breaks", "temporality.interruptions")


def test_tables_leave_out_a_code_and_its_descendants_and_sort_by_count() -> None:
    turns = {1: 10, 2: 4, 3: 6, 4: 3}
    pairs = [
        CoOccurrence(1, 2, 4),  # parent and child: always together, left out
        CoOccurrence(1, 3, 2),
        CoOccurrence(2, 3, 1),
        CoOccurrence(3, 4, 3),
    ]
    listing, matrix = cooccurrence_tables(CODES, turns, pairs, overlap=False)
    assert [row[:3] for row in listing.rows] == [
        ["jobcrafting", "open.it_system", 3],
        ["temporality", "jobcrafting", 2],
        ["temporality.breaks", "jobcrafting", 1],
    ]
    # jobcrafting & open.it_system: 3 / (6 + 3 - 3) = 0.5
    assert listing.rows[0][3:] == [6, 3, pytest.approx(0.5)]
    assert "the same turn" in listing.notes[0]
    assert matrix.columns == ["Code", "temporality", "temporality.breaks", "jobcrafting",
                              "open.it_system"]  # fmt: skip
    assert matrix.rows[0] == ["temporality", 10, None, 2, 0]
    assert matrix.rows[3] == ["open.it_system", 0, 0, 3, 3]


def test_overlap_is_named_in_the_notes() -> None:
    listing, _ = cooccurrence_tables(CODES, {}, [], overlap=True)
    assert listing.rows == []
    assert "overlapping codings" in listing.notes[0]
