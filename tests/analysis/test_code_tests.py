"""Per-code tests, Holm's adjustment, highlights and the focus-group permutation test, each
checked against figures worked out by hand (and, where one exists, a reference library)."""

from __future__ import annotations

from itertools import combinations

import pytest
from statsmodels.stats.multitest import multipletests

from qualcode.analysis.clusters import arrangements, cluster_test, power_note
from qualcode.analysis.code_tests import (
    CHI_SQUARE,
    FISHER,
    MONTE_CARLO,
    compare_code,
    highlights,
    holm,
)


def test_holm_step_down_by_hand_and_as_statsmodels() -> None:
    # Holm (1979): sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04;
    # each at least the one before: 0.02, 0.03, 0.06, 0.06.
    p_values = [0.01, 0.04, 0.03, 0.005]
    assert holm(p_values) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    reference = multipletests(p_values, method="holm")[1]
    assert holm(p_values) == pytest.approx(list(reference))
    assert holm([0.5, None, 0.01]) == pytest.approx([0.5, None, 0.02])  # None is not counted


def test_a_large_table_uses_chi_square_and_agresti_residuals() -> None:
    # 20 of 50 turns against 10 of 50: N = 100, 30 coded, every expected count 15 or 35.
    # X² = 2 (5² / 15) + 2 (5² / 35) = 3.333 + 1.429 = 4.762, df 1.
    # Adjusted residual (Agresti 2013, 2.4.5): 5 / sqrt(15 x 0.7 x 0.5) = 2.182 (and r² = X²).
    test = compare_code([20, 10], [50, 50])
    assert test.method == CHI_SQUARE
    assert test.statistic == pytest.approx(100 / 21)
    assert test.dof == 1
    assert test.p_value == pytest.approx(0.02909, abs=1e-5)
    assert test.residuals == pytest.approx((2.1822, -2.1822), abs=1e-4)
    assert test.min_expected == 15


def test_a_small_2x2_uses_fishers_exact_test() -> None:
    # 3 of 5 turns against 0 of 5: expected 1.5. Hypergeometric N = 10, 3 coded, 5 drawn:
    # P(3) = P(0) = 21/252, P(1) = P(2) = 105/252; two-sided p = 42/252 = 1/6.
    test = compare_code([3, 0], [5, 5])
    assert test.method == FISHER
    assert test.p_value == pytest.approx(1 / 6)


def test_a_small_2xk_gets_a_monte_carlo_p_close_to_the_exact_one() -> None:
    # 2 coded turns among 3 groups of 3. With the margins fixed, (a, b, c) has probability
    # C(3,a) C(3,b) C(3,c) / C(9,2): 3/36 for each of (2,0,0), (0,2,0), (0,0,2) and 9/36
    # for each (1,1,0)-type table. X² of (2,0,0) = 4 + 8/7 = 36/7, reached only by the three
    # (2,0,0)-type tables: the exact p is 9/36 = 0.25 (the Monte-Carlo SE is about 0.004).
    test = compare_code([2, 0, 0], [3, 3, 3])
    assert test.method == MONTE_CARLO
    assert test.statistic == pytest.approx(36 / 7)
    assert test.p_value == pytest.approx(0.25, abs=0.02)
    assert compare_code([2, 0, 0], [3, 3, 3]).p_value == test.p_value  # reproducible


def test_untestable_codes_say_why() -> None:
    assert compare_code([0, 0], [4, 5]).problem == "no turn holds it"
    assert compare_code([4, 5], [4, 5]).problem == "every turn holds it"
    assert compare_code([1, 0], [4, 0]).problem == "fewer than two groups with turns"
    assert compare_code([1, 0], [4, 0]).columns == (0,)


def test_highlights_need_expected_counts_and_survive_holm() -> None:
    big = compare_code([20, 10], [50, 50])  # |r| = 2.18: p = 0.029 per cell
    # Two eligible cells: Holm's smallest step is 2 x 0.029 = 0.058 > 0.05: none highlighted.
    marks = highlights([big], [50, 50])
    assert marks.styles == {}
    assert "2 cells with expected counts of at least 5" in marks.note
    stronger = compare_code([30, 10], [50, 50])  # r = 10 / sqrt(20 x .6 x .5) = 4.08
    marks = highlights([stronger, big], [50, 50])
    assert marks.styles == {(0, 0): "over", (0, 1): "under"}
    small = compare_code([3, 0], [5, 5])
    nothing = highlights([small], [5, 5])
    assert nothing.styles == {}
    assert nothing.note.startswith("No cell is highlighted: none of the 2 cells")


def _between(groups: list[list[float]]) -> float:
    values = [v for group in groups for v in group]
    grand = sum(values) / len(values)
    return sum(len(g) * (sum(g) / len(g) - grand) ** 2 for g in groups)


def test_the_permutation_test_enumerates_every_arrangement() -> None:
    # Two departments, two focus groups each: 4! / (2! 2!) = 6 arrangements. By enumeration
    # (Edgington & Onghena, Randomization Tests, 4th ed. 2007, ch. 4): the observed split and
    # its mirror give the largest between-group sum of squares, 0.16, so p = 2/6.
    shares = [[0.5, 0.6], [0.1, 0.2]]
    values = [0.5, 0.6, 0.1, 0.2]
    splits = [
        [[values[i] for i in chosen], [values[i] for i in range(4) if i not in chosen]]
        for chosen in combinations(range(4), 2)
    ]
    observed = _between(shares)
    assert observed == pytest.approx(0.16)
    by_hand = sum(_between(split) >= observed - 1e-12 for split in splits) / len(splits)
    test = cluster_test(shares)
    assert test.exact and test.arrangements == 6
    assert test.statistic == pytest.approx(0.16)
    assert test.p_value == pytest.approx(by_hand) == pytest.approx(1 / 3)
    assert test.smallest_p == pytest.approx(1 / 3)
    assert test.means == pytest.approx((0.55, 0.15))


def test_two_focus_groups_per_department_cannot_reach_five_percent() -> None:
    # Three departments of two: 6! / (2! 2! 2!) = 90 arrangements; the 3! relabellings of the
    # observed split tie for the largest statistic, so the smallest p is 6/90 = 0.067.
    assert arrangements([2, 2, 2]) == 90
    test = cluster_test([[0.9, 0.8], [0.5, 0.4], [0.1, 0.0]])
    assert test.p_value == pytest.approx(6 / 90)
    assert test.smallest_p == pytest.approx(6 / 90)
    note = power_note([test], "department")
    assert note is not None
    assert "smallest p-value this test can give is 0.067, above 5 %" in note


def test_one_transcript_per_group_is_not_tested() -> None:
    assert cluster_test([[0.5], [0.1]]).problem is not None
    assert cluster_test([[0.5, 0.2], []]).problem == "fewer than two groups with coded transcripts"


def test_a_code_no_transcript_holds_is_not_tested_as_at_turn_level() -> None:
    """The focus-group table gave a code nobody used p = 1.000 (and counted it in Holm's m)
    where the turn-level table says 'no turn holds it' and leaves it out."""
    nobody = cluster_test([[0.0, 0.0], [0.0, 0.0]])
    assert (nobody.p_value, nobody.problem) == (None, "no turn holds it")
    everyone = cluster_test([[1.0, 1.0], [1.0, 1.0]])
    assert (everyone.p_value, everyone.problem) == (None, "every turn holds it")
    assert holm([None, 1 / 3]) == [None, pytest.approx(1 / 3)]  # m = 1: the others tested


def test_many_groups_give_the_same_statistics_as_few(monkeypatch: pytest.MonkeyPatch) -> None:
    # With more than FEW_GROUPS groups the group sums come from a sparse matrix instead of
    # dense masks; both must give the between-group sum of squares computed directly.
    import numpy as np

    from qualcode.analysis import clusters

    rng = np.random.default_rng(3)
    sizes = (2, 3, 2, 2, 3, 2, 2, 2, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2)  # 18 groups, 40 units
    assert len(sizes) > clusters.FEW_GROUPS
    labels, exact = clusters._arrangements(sizes)
    assert not exact
    values = rng.random((sum(sizes), 3))
    weights = np.array(sizes, dtype=float)
    sparse_path = clusters._between(labels, values, weights)
    monkeypatch.setattr(clusters, "FEW_GROUPS", len(sizes))
    dense_path = clusters._between(labels, values, weights)
    for row in (0, 1, len(labels) - 1):
        for code in range(3):
            groups = [values[labels[row] == g, code] for g in range(len(sizes))]
            grand = values[:, code].mean()
            by_hand = sum(len(group) * (group.mean() - grand) ** 2 for group in groups)
            assert sparse_path[row, code] == pytest.approx(by_hand, rel=1e-12)
            assert dense_path[row, code] == pytest.approx(by_hand, rel=1e-12)
