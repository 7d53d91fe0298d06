"""Evaluation figures: Wilson intervals, chance baselines, per-label rows, confusion."""

from __future__ import annotations

import pytest

from qualcode.suggest import metrics


def test_wilson_interval_matches_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I, example (i):
    # 81 successes of 263 -> Wilson score interval 0.2553 to 0.3662.
    rate = metrics.wilson(81, 263)
    assert rate.value == pytest.approx(81 / 263, abs=1e-4)
    assert (rate.low, rate.high) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    # Example (iv) of the same table: 0 of 20 -> 0 to 0.1611.
    none = metrics.wilson(0, 20)
    assert (none.low, none.high) == pytest.approx((0.0, 0.1611), abs=1e-4)
    assert metrics.wilson(0, 0).n == 0


def test_chance_of_a_random_ranking() -> None:
    # Four concepts: a random top three holds a given applied concept 3 times in 4.
    assert metrics.chance_at_3(4) == 0.75
    assert metrics.chance_at_3(2) == 1.0
    # One turn with one applied concept, one with two: P(first is applied) = (1/4 + 2/4) / 2.
    golds = [frozenset({"a"}), frozenset({"a", "b"})]
    assert metrics.chance_at_1(golds, 4) == pytest.approx(0.375)


def test_label_rows_and_confusion_count_turns() -> None:
    rankings = [["a", "b", "c", "d"], ["b", "a", "c", "d"], ["d", "c", "b", "a"], []]
    golds = [frozenset({"a"}), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"c"})]
    rows = {row.label: row for row in metrics.label_rows(rankings, golds, 4)}
    a = rows["a"]
    assert a.support == 3 and a.chance_at_1 == 0.75 and a.chance_at_3 == 0.75
    # a ranked first once, rightly; in the top three on turns 1 and 2, not 3.
    assert (a.precision_at_1.successes, a.precision_at_1.n) == (1, 1)
    assert (a.recall_at_3.successes, a.recall_at_3.n) == (2, 3)
    b = rows["b"]
    assert (b.precision_at_1.successes, b.precision_at_1.n) == (0, 1)
    assert (b.recall_at_3.successes, b.recall_at_3.n) == (1, 1)
    assert rows["c"].recall_at_3.n == 1 and rows["c"].recall_at_3.successes == 0
    matrix = metrics.confusion(rankings, golds)
    assert matrix == {
        "a": {"a": 1, "b": 1, "d": 1},
        "b": {"d": 1},
        "c": {metrics.NONE: 1},
    }
