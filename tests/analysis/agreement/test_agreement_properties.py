"""Properties of the nominal coefficients, and equality with the `krippendorff` package."""

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qualcode.analysis.agreement import (
    brennan_prediger,
    coefficients,
    interpret_alpha,
    interpret_kappa,
    krippendorff_alpha,
    percent_agreement,
    presence_counts,
    presence_kappa,
)
from qualcode.analysis.agreement.definitions import BANDS
from qualcode.analysis.agreement.nominal import LEVELS
from qualcode.errors import QualcodeError

VALUES = st.sampled_from([0.0, 1.0, 2.0, 3.0, np.nan])


def matrices(min_coders: int = 2, max_coders: int = 5):
    shapes = st.tuples(st.integers(1, 30), st.integers(min_coders, max_coders))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=VALUES))


def values_of(result):
    """Every coefficient value of an AgreementResult, in a fixed order."""
    parts = [result.percent_agreement.value, result.krippendorff_alpha.value]
    for field in (result.cohen_kappa, result.fleiss_kappa, result.brennan_prediger):
        parts.append(None if field is None else field.value)
    parts.append(None if result.gwet_ac1 is None else result.gwet_ac1.value)
    return parts


def same(left, right):
    return all(
        (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b))
        for a, b in zip(left, right, strict=True)
    )


@settings(max_examples=200, deadline=None)
@given(matrices(), st.sampled_from(LEVELS))
def test_alpha_equals_the_package(matrix, level):
    ours = krippendorff_alpha(matrix, level).value
    try:
        with np.errstate(all="ignore"):
            theirs = float(
                krippendorff.alpha(reliability_data=matrix.T, level_of_measurement=level)
            )
    except ValueError:  # the package refuses data without two values or pairable units
        theirs = float("nan")
    if np.isfinite(theirs):
        assert ours == pytest.approx(theirs)
    else:
        assert ours is None


def test_alpha_equals_the_package_on_large_random_binary_data():
    rng = np.random.default_rng(7)
    matrix = (rng.random((20_000, 3)) < 0.2).astype(float)
    matrix[rng.random(matrix.shape) < 0.1] = np.nan
    expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal")
    assert krippendorff_alpha(matrix).value == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=2, max_size=30).filter(
        lambda units: len(set(units)) >= 2
    ),
    st.integers(2, 5),
)
def test_perfect_agreement_gives_one(units, n_coders):
    matrix = np.repeat(np.array(units)[:, None], n_coders, axis=1)
    result = coefficients(matrix)
    assert all(value == pytest.approx(1.0) for value in values_of(result) if value is not None)
    assert result.krippendorff_alpha.value == pytest.approx(1.0)
    assert result.fleiss_kappa.value == pytest.approx(1.0)
    assert (result.cohen_kappa is not None) == (n_coders == 2)


@settings(max_examples=200, deadline=None)
@given(matrices(), st.randoms(use_true_random=False))
def test_coefficients_do_not_depend_on_coder_order(matrix, random):
    order = list(range(matrix.shape[1]))
    random.shuffle(order)
    assert same(values_of(coefficients(matrix)), values_of(coefficients(matrix[:, order])))


@pytest.mark.parametrize("n_coders", [2, 3])
def test_a_code_nobody_used_is_undefined_not_zero(n_coders):
    matrix = np.zeros((25, n_coders))
    result = coefficients(matrix, categories=(0, 1))
    assert result.percent_agreement.value == 1.0
    assert result.krippendorff_alpha.value is None
    assert result.fleiss_kappa.value is None
    if n_coders == 2:
        assert result.cohen_kappa.value is None
    # With both categories declared, chance agreement stays below 1 for these two.
    assert result.brennan_prediger.value == 1.0
    assert result.gwet_ac1.value == 1.0
    # Without declared categories only one category exists, so nothing is defined.
    bare = coefficients(matrix)
    assert bare.brennan_prediger.value is None
    assert bare.gwet_ac1.value is None


def test_non_nominal_levels_report_alpha_only():
    matrix = np.array([[1, 2], [2, 2], [3, 3], [4, 3]], dtype=float)
    result = coefficients(matrix, level="interval")
    assert result.krippendorff_alpha.level == "interval"
    assert result.krippendorff_alpha.value is not None
    assert (result.cohen_kappa, result.fleiss_kappa, result.gwet_ac1) == (None, None, None)


def test_units_with_one_value_do_not_count():
    matrix = np.array([[1, 1], [0, np.nan], [np.nan, np.nan], [0, 1]])
    result = percent_agreement(matrix)
    assert result.n_units == 2
    assert result.value == 0.5


def test_ordinal_alpha_uses_the_declared_category_order():
    matrix = np.array([[1, 2], [2, 2], [3, 3], [1, 1], [3, 2]], dtype=float)
    declared = krippendorff_alpha(matrix, "ordinal", categories=(2, 1, 3)).value
    package = krippendorff.alpha(
        reliability_data=matrix.T, value_domain=[2, 1, 3], level_of_measurement="ordinal"
    )
    assert declared == pytest.approx(package)
    assert declared != pytest.approx(krippendorff_alpha(matrix, "ordinal").value)


def test_values_outside_the_categories_are_rejected():
    with pytest.raises(QualcodeError, match="not among the categories"):
        coefficients(np.array([[0, 1], [2, 1]], dtype=float), categories=(0, 1))


def test_brennan_prediger_needs_q_to_cover_the_data():
    with pytest.raises(QualcodeError, match="q = 2 is fewer than the 3 categories"):
        brennan_prediger(np.array([[0, 1], [2, 2]], dtype=float), q=2)


def test_one_coder_is_rejected():
    with pytest.raises(QualcodeError, match="at least two coders"):
        coefficients(np.zeros((5, 1)))


def test_presence_counts_and_kappa():
    """2 x 2 table by hand: both 2, a only 1, b only 1, neither 4 (n = 8);
    p_o = 6/8, p_e = (3/8)^2 + (5/8)^2 = 34/64, kappa = (48 - 34) / (64 - 34) = 7/15."""
    a = [1, 1, 1, 0, 0, 0, 0, 0]
    b = [1, 1, 0, 1, 0, 0, 0, 0]
    counts = presence_counts(a, b)
    assert (counts.both, counts.a_only, counts.b_only, counts.neither) == (2, 1, 1, 4)
    result = presence_kappa(counts)
    assert result.observed == pytest.approx(0.75)
    assert result.value == pytest.approx(7 / 15)


@pytest.mark.parametrize(
    ("value", "label"),
    [(None, "undefined"), (0.95, "reliable"), (0.800, "reliable"), (0.7, "tentative"),
     (0.667, "tentative"), (0.5, "unreliable"), (-0.2, "unreliable")],
)  # fmt: skip
def test_interpret_alpha(value, label):
    assert interpret_alpha(value) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [(None, "undefined"), (-0.1, "poor"), (0.0, "slight"), (0.2, "slight"), (0.3, "fair"),
     (0.5, "moderate"), (0.7, "substantial"), (0.8, "substantial"), (0.81, "almost perfect")],
)  # fmt: skip
def test_interpret_kappa_landis_koch(value, label):
    assert interpret_kappa(value) == label


def test_the_kappa_legend_states_the_bands_the_band_column_gives() -> None:
    """Landis & Koch (1977): below 0 poor, 0.00-0.20 slight. A kappa of exactly 0 (a coder who
    never used the code) was banded 'slight' under a legend that said '<= 0 poor'."""
    assert interpret_kappa(0.0) == "slight" and interpret_kappa(-0.001) == "poor"
    assert "below 0 poor, 0 to 0.20 slight," in BANDS[1]
    assert "<= 0 poor" not in " ".join(BANDS)
