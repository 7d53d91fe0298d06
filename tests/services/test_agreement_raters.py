"""Conger's and Light's kappa and agreement specific to a code in the per-code table read
from the database (`qualcode agree`), by hand on the fixture of test_agreement.py and
against the matrix path (`coefficients`), whose Conger's and Light's kappa reproduce
Gwet's irrCAC on his published examples (tests/analysis/agreement/test_agreement_irrcac.py).

Fixture: four participant turns; temporality.breaks (TB) per turn, 1 = coded:
    anna  0 1 0 0
    ben   0 1 1 0   (turn 2 by a span)
    carla 0 1 0 0   (three-coder tests)
"""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.analysis.agreement import coefficients
from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.multirater import specific_agreement
from qualcode.analysis.agreement.presence import pattern_coefficients, presence_patterns
from qualcode.analysis.agreement.raters import conger, light, light_interval
from qualcode.domain.agreement import AgreementOptions
from qualcode.services import agreement
from qualcode.services.coding import apply_code
from qualcode.services.project import Project

TB = "temporality.breaks"
NAN = np.nan


@pytest.fixture
def three_coders(two_coders: Project) -> Project:
    apply_code(two_coders, 2, TB, "carla")
    return two_coders


def tb_row(project: Project, **options):
    rows = agreement.agreement_rows(project, AgreementOptions(**options))
    return next(row for row in rows if row.code == TB)


def test_three_coders_by_hand(three_coders):
    row = tb_row(three_coders)
    # Conger: each coder's share of coded turns: anna 1/4, ben 2/4, carla 1/4. Chance
    # agreement per pair: AB .25*.5 + .75*.5 = 1/2, AC .25^2 + .75^2 = 5/8, BC 1/2; mean
    # p_e = 13/24. p_o as Fleiss' = 5/6. Conger = (5/6 - 13/24) / (11/24) = 7/11.
    assert row.conger_kappa == pytest.approx(7 / 11)
    # Light: Cohen per pair: AB (3/4 - 1/2) / (1/2) = 1/2; AC identical codings = 1;
    # BC (3/4 - 1/2) / (1/2) = 1/2; mean 2/3.
    assert row.light_kappa == pytest.approx(2 / 3)
    # Specific agreement, counting coder pairs per turn (x coded of r = 3):
    # coded: turn 2 x = 3 gives 3*2 agreeing of 3*2; turn 3 x = 1 gives 0 of 1*2 -> 6/8.
    assert row.positive_agreement == pytest.approx(6 / 8)
    # not coded: turns 1 and 4 6 of 6 each; turn 3 (two of three did not) 2 of 2*2 -> 14/16.
    assert row.negative_agreement == pytest.approx(14 / 16)
    for name in ("conger_kappa", "light_kappa", "positive_agreement", "negative_agreement"):
        low, high = row.intervals[name]
        value = getattr(row, name)
        assert low is not None and high is not None and low <= value <= high, name


def test_two_coders_by_hand(two_coders):
    row = tb_row(two_coders)
    # both 1, A only 0, B only 1, neither 2: positive 2/(2 + 1) and negative 4/(4 + 1)
    # (Cicchetti & Feinstein 1990); Conger's and Light's kappa equal Cohen's, so not shown.
    assert row.positive_agreement == pytest.approx(2 / 3)
    assert row.negative_agreement == pytest.approx(4 / 5)
    assert row.conger_kappa is None and row.light_kappa is None
    table = agreement.agreement(two_coders, AgreementOptions(codes=(TB,))).tables[0]
    assert "Conger's kappa" not in table.columns
    assert table.columns[-2:] == ["positive agreement", "negative agreement"]


def test_database_rows_equal_the_matrix_path(three_coders):
    """The same turns as a units x coders matrix through `coefficients` (the `agree matrix`
    path): Conger's kappa with its standard-error interval, Light's kappa."""
    row = tb_row(three_coders)
    matrix = np.array([[0, 0, 0], [1, 1, 1], [0, 1, 0], [0, 0, 0]], dtype=float)
    result = coefficients(matrix, bootstrap=Bootstrap())
    assert result.conger_kappa is not None and result.light_kappa is not None
    assert row.conger_kappa == pytest.approx(result.conger_kappa.value, abs=1e-12)
    low, high = row.intervals["conger_kappa"]
    assert (low, high) == pytest.approx(
        (result.conger_kappa.ci_low, result.conger_kappa.ci_high), abs=1e-12
    )
    assert row.light_kappa == pytest.approx(result.light_kappa.value, abs=1e-12)
    table = agreement.agreement(three_coders, AgreementOptions(codes=(TB,))).tables[0]
    cells = dict(zip(table.columns, table.rows[0], strict=True))
    assert cells["Conger's kappa"] == pytest.approx(7 / 11)
    assert cells["Light's kappa"] == pytest.approx(2 / 3)
    assert cells["positive agreement"] == pytest.approx(6 / 8)
    intervals = agreement.agreement(three_coders, AgreementOptions(codes=(TB,))).tables[1]
    named = {r[2]: r for r in intervals.rows}
    assert {"Conger's kappa", "Light's kappa", "positive agreement"} <= set(named)


RAW4RATERS = np.array(
    [
        [1, 1, NAN, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [NAN, 5, 5, 5],
        [NAN, NAN, 1, 1],
        [NAN, NAN, 3, NAN],
    ]
)


def test_distinct_rows_with_multiplicity_reproduce_irrcac_raw4raters():
    """Gwet (2014) `cac.raw4raters` as irrCAC's README prints it: Conger .76282 (p_e
    .2334252, se .14917, CI .435-1). The per-code table computes from distinct rows with
    how many units each stands for; rows 3-4 and 5, 9 of the data are identical."""
    rows, units = np.unique(np.nan_to_num(RAW4RATERS, nan=-1), axis=0, return_counts=True)
    rows = np.where(rows < 0, np.nan, rows)
    assert len(rows) == 10
    domain = np.arange(1.0, 6.0)
    result = conger(rows, domain, multiplicity=units)
    assert result.value == pytest.approx(0.76282, abs=5e-6)
    assert result.expected == pytest.approx(0.2334252, abs=1e-7)
    assert result.se == pytest.approx(0.14917, abs=5e-6)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.435, 1.0), abs=5e-4)
    assert light(rows, domain, units).value == pytest.approx(light(RAW4RATERS, domain).value)
    assert light(rows, domain, units).n_units == 11


def test_light_interval_with_multiplicity_is_the_unit_bootstrap():
    """With every row once, the draws are those of the plain bootstrap over units."""
    domain = np.arange(1.0, 6.0)
    plain = light_interval(RAW4RATERS, domain, 300, 5)
    once = light_interval(RAW4RATERS, domain, 300, 5, multiplicity=np.ones(len(RAW4RATERS)))
    assert once == plain


def specific_by_pairs(matrix: np.ndarray, category: float) -> float | None:
    """Specific agreement by counting ordered coder pairs of each unit directly."""
    agree = chances = 0
    for unit in matrix:
        values = unit[~np.isnan(unit)]
        if len(values) < 2:
            continue
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j and first == category:
                    chances += 1
                    agree += second == category
    return agree / chances if chances else None


def test_pattern_path_equals_the_matrix_path_on_random_data():
    rng = np.random.default_rng(5)
    for _ in range(150):
        m, n = int(rng.integers(3, 6)), int(rng.integers(2, 40))
        present = rng.random((n, m)) < rng.random()
        covered = rng.random((n, m)) < 0.85
        matrix = np.where(covered, present, np.nan)
        slow = coefficients(matrix, bootstrap=Bootstrap(resamples=50))
        fast = pattern_coefficients(presence_patterns(present, covered), Bootstrap(resamples=50))
        for name in ("conger_kappa", "light_kappa"):
            a, b = getattr(slow, name), getattr(fast, name)
            if a is None or a.value is None:
                assert b is None or b.value is None, name
                continue
            assert b.value == pytest.approx(a.value, abs=1e-12), name
        if slow.conger_kappa is not None and slow.conger_kappa.value is not None:
            a, b = slow.conger_kappa, fast.conger_kappa
            assert (b.se, b.ci_low, b.ci_high) == pytest.approx((a.se, a.ci_low, a.ci_high))
        negative, positive = fast.specific_agreement
        for estimate, category in ((negative, 0.0), (positive, 1.0)):
            expected = specific_by_pairs(matrix, category)
            if expected is None:
                assert estimate.value is None
            else:
                assert estimate.value == pytest.approx(expected, abs=1e-12)


def test_specific_agreement_of_two_coders_is_positive_and_negative_agreement():
    """Two coders, a = 40 both, b = 9 and c = 6 one only, d = 45 neither: positive
    2a / (2a + b + c) = 80/95, negative 2d / (2d + b + c) = 90/105."""
    rows = [[2, 0]] * 40 + [[1, 1]] * 15 + [[0, 2]] * 45  # (coded, not coded) counts
    counts = np.array([[r[1], r[0]] for r in rows], dtype=float)
    negative, positive = specific_agreement(counts)
    assert positive.value == pytest.approx(80 / 95)
    assert negative.value == pytest.approx(90 / 105)
    assert positive.ci_low < positive.value < positive.ci_high
