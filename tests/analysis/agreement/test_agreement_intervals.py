"""Properties of the coefficients' intervals and of the new coefficients (hypothesis)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qualcode.analysis.agreement import coefficients
from qualcode.analysis.agreement._counts import category_counts
from qualcode.analysis.agreement.bootstrap import Bootstrap, alpha_interval, coincidences
from qualcode.analysis.agreement.multirater import family

VALUES = st.sampled_from([0.0, 1.0, 2.0, np.nan])
KAPPAS = ("cohen_kappa", "fleiss_kappa", "brennan_prediger", "gwet_ac1", "conger_kappa")


def matrices(min_units: int = 2, max_units: int = 40):
    shapes = st.tuples(st.integers(min_units, max_units), st.integers(2, 4))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=VALUES))


@settings(max_examples=60, deadline=None)
@given(matrices(), st.sampled_from([None, "linear", "quadratic", "ordinal"]))
def test_perfect_agreement_gives_one_where_defined(matrix, weights):
    first = matrix[:, :1]
    perfect = np.where(np.isnan(matrix), np.nan, np.repeat(first, matrix.shape[1], axis=1))
    perfect[np.isnan(first[:, 0])] = np.nan
    result = coefficients(perfect, level="ordinal", weights=weights or "identity")
    for name in (*KAPPAS, "light_kappa"):
        estimate = getattr(result, name)
        if estimate is not None and estimate.value is not None:
            assert estimate.value == pytest.approx(1.0), name
    if result.krippendorff_alpha.value is not None:
        assert result.krippendorff_alpha.value == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(matrices(), st.sampled_from([None, "quadratic"]), st.randoms(use_true_random=False))
def test_symmetric_in_coders(matrix, weights, random):
    order = list(range(matrix.shape[1]))
    random.shuffle(order)
    bootstrap = Bootstrap(resamples=200)
    a = coefficients(matrix, weights=weights, bootstrap=bootstrap)
    b = coefficients(matrix[:, order], weights=weights, bootstrap=bootstrap)
    for name in (*KAPPAS, "light_kappa", "percent_agreement", "krippendorff_alpha"):
        x, y = getattr(a, name), getattr(b, name)
        if x is None or x.value is None:
            assert y is None or y.value is None
            continue
        assert y.value == pytest.approx(x.value), name
        assert (y.ci_low, y.ci_high) == pytest.approx((x.ci_low, x.ci_high)), name


@settings(max_examples=40, deadline=None)
@given(matrices(min_units=8), st.sampled_from(["nominal", "ordinal", "interval"]))
def test_bootstrap_interval_contains_alpha(matrix, level):
    result = coefficients(matrix, level=level, bootstrap=Bootstrap(resamples=400))
    alpha = result.krippendorff_alpha
    assume(alpha.value is not None and alpha.ci_low is not None)
    assert alpha.ci_low <= alpha.value + 1e-9 <= alpha.ci_high + 2e-9


@settings(max_examples=30, deadline=None)
@given(matrices(min_units=10, max_units=20))
def test_intervals_narrow_as_units_grow(matrix):
    """The same data four times over: every interval is at most as wide (Gwet's standard
    errors shrink with n; the alpha bootstrap draws four times the pairs). Degenerate alpha
    intervals are left out: at the floor of -1, or pulled to 0 by Krippendorff's rule for
    resamples without variation, which applies less often as pairs grow) or from fewer than
    five pairable units (so few distinct resamples that the percentiles may cling to the
    estimate: two units gave [-0.20, 0.40] around 0.40)."""
    small = coefficients(matrix, bootstrap=Bootstrap(resamples=400))
    large = coefficients(np.tile(matrix, (4, 1)), bootstrap=Bootstrap(resamples=400))
    for name in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "krippendorff_alpha"):
        a, b = getattr(small, name), getattr(large, name)
        if a.ci_low is None or b.ci_low is None:
            continue
        if name == "krippendorff_alpha" and (
            a.n_units < 5 or not -1 < a.ci_low <= a.value <= a.ci_high < 1
        ):
            continue
        assert b.ci_high - b.ci_low <= a.ci_high - a.ci_low + 1e-9, name


def test_alpha_from_coincidences_equals_the_package():
    """Krippendorff (2011), section C data (4 coders, 12 units): alpha .743 (nominal)."""
    nan = np.nan
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        ]
    ).T
    counts = category_counts(data)
    observed = coincidences(counts.counts)
    # Krippendorff (2011) p. 4: n.. = 40 pairable values, o_11 = 6 + 1/3 ... its margins.
    assert observed.sum() == pytest.approx(40)
    assert observed.sum(axis=1) == pytest.approx([9, 13, 10, 5, 3])
    result = coefficients(data, bootstrap=Bootstrap(resamples=2000, seed=1))
    assert result.krippendorff_alpha.value == pytest.approx(0.743, abs=5e-4)
    low, high = result.krippendorff_alpha.ci_low, result.krippendorff_alpha.ci_high
    assert low < 0.743 < high
    seeded = Bootstrap(resamples=2000, seed=1)
    again = alpha_interval(counts.counts, counts.domain, "nominal", 4, bootstrap=seeded)
    assert again == pytest.approx((low, high))  # the seed makes it reproducible


def test_percent_agreement_interval_stays_a_share():
    """Two coders, four units, one disagreement: p_a = 0.75 with a t interval whose lower
    end falls below 0 (-0.046 uncapped); a share of agreeing pairs is never negative."""

    counts = [[2, 0], [1, 1], [0, 2], [0, 2]]  # per unit: coders choosing (code, no code)
    percent = family(counts).percent_agreement
    assert percent.value == pytest.approx(0.75)
    assert percent.ci_low == 0.0
    assert percent.ci_high == 1.0


def test_a_coefficient_of_exactly_zero_is_zero():
    """Three coders, four units: percent agreement is 1/2 and Brennan-Prediger's chance
    agreement 1/2, so B-P is 0; summed in floating point it read -1.11e-16, which the table
    printed in scientific notation as a coefficient below zero."""
    result = family([[0, 3], [1, 2], [1, 2], [2, 1]])
    assert result.percent_agreement.value == pytest.approx(0.5)
    assert result.brennan_prediger.value == 0.0
    assert str(result.brennan_prediger.value) == "0.0"
    assert result.fleiss_kappa.value == pytest.approx(-0.125)
