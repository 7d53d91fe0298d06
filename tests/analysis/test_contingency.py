"""Contingency statistics, checked against published examples and scipy."""

import math

import numpy as np
import pytest
from scipy import stats

from qualcode.analysis.contingency import (
    adjusted_residuals,
    chi_square,
    residual_styles,
    small_expected_warning,
    wilson_interval,
)
from qualcode.errors import QualcodeError

# Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Section 2.4,
# Tables 2.5 and 2.6 (pp. 38-39): party identification by gender (General Social Survey).
# Published: X² = 30.1 with df = 2; standardized (adjusted) residuals
# females 4.50, 0.70, -5.32 and males -4.50, -0.70, 5.32. Also the example in R's ?chisq.test.
PARTY_BY_GENDER = np.array([[762, 327, 468], [484, 239, 477]])
AGRESTI_RESIDUALS = [[4.50, 0.70, -5.32], [-4.50, -0.70, 5.32]]


def test_reproduces_agresti_party_identification_example() -> None:
    result = chi_square(PARTY_BY_GENDER)
    assert round(result.statistic, 1) == 30.1
    assert result.dof == 2
    assert result.p_value < 1e-6
    np.testing.assert_allclose(result.adjusted_residuals, AGRESTI_RESIDUALS, atol=0.005)
    assert result.notes == ()
    assert result.fisher_p_value is None  # not a 2 x 2 table


@pytest.mark.parametrize(
    "table",
    [
        [[10, 20, 30], [25, 15, 5], [8, 9, 40]],
        [[12, 5], [7, 7]],
        [[100, 3, 40, 22], [60, 11, 18, 35]],
    ],
)
def test_statistic_p_and_expected_match_scipy_without_yates(table: list[list[int]]) -> None:
    reference = stats.chi2_contingency(table, correction=False)
    result = chi_square(np.array(table))
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.dof == reference.dof
    np.testing.assert_allclose(result.expected, reference.expected_freq)


def test_adjusted_residual_squared_equals_chi_square_in_a_2x2_table() -> None:
    # With df = 1 every adjusted residual has absolute value sqrt(X²).
    table = np.array([[30, 10], [15, 45]])
    residuals = adjusted_residuals(table)
    statistic = chi_square(table).statistic
    np.testing.assert_allclose(np.abs(residuals), math.sqrt(statistic))
    assert residuals[0, 0] > 0 > residuals[0, 1]


def test_all_zero_rows_and_columns_are_dropped_with_a_note() -> None:
    padded = np.zeros((4, 4), dtype=int)
    padded[np.ix_([0, 2], [1, 2, 3])] = PARTY_BY_GENDER
    result = chi_square(
        padded,
        row_labels=["female", "unused code", "male", "other unused"],
        column_labels=["empty group", "Democrat", "Independent", "Republican"],
    )
    assert result.kept_rows == (0, 2)
    assert result.kept_columns == (1, 2, 3)
    np.testing.assert_array_equal(result.observed, PARTY_BY_GENDER)
    assert result.statistic == pytest.approx(chi_square(PARTY_BY_GENDER).statistic)
    assert "Left out 2 rows without codings: unused code, other unused." in result.notes
    assert "Left out 1 column without codings: empty group." in result.notes


def test_fewer_than_two_non_empty_rows_is_a_user_error() -> None:
    with pytest.raises(QualcodeError, match="at least two codes and two groups"):
        chi_square(np.array([[5, 7], [0, 0]]))


@pytest.mark.parametrize("bad", [[[1.5, 2.0], [3.0, 4.0]], [[1, -2], [3, 4]], [1, 2, 3]])
def test_rejects_anything_but_a_2d_table_of_counts(bad: list) -> None:
    with pytest.raises(ValueError, match="non-negative integer counts"):
        chi_square(np.array(bad))


def test_fishers_tea_tasting_two_sided_exact_p() -> None:
    # Fisher (1935), The Design of Experiments, Chapter II: the lady tasting tea, 3 of 4 cups
    # right. One-sided p = 17/70 = 0.2429; two-sided p = 34/70 = 0.4857.
    result = chi_square(np.array([[3, 1], [1, 3]]))
    assert result.fisher_p_value == pytest.approx(34 / 70)
    assert round(result.fisher_p_value, 4) == 0.4857
    assert result.fisher_odds_ratio == pytest.approx(9.0)
    assert any("Cochran" in note for note in result.notes)  # every expected count is 2


def test_small_expected_warning_follows_cochrans_rule() -> None:
    ten_cells = np.full(10, 8.0)
    ten_cells[:2] = 4.0  # 20 % below 5: still acceptable
    assert small_expected_warning(ten_cells) is None
    ten_cells[2] = 4.0  # 30 % below 5
    assert "3 of 10 cells" in (small_expected_warning(ten_cells) or "")
    one_tiny = np.full(10, 8.0)
    one_tiny[0] = 0.5  # only 10 % below 5, but one below 1
    assert "1 below 1" in (small_expected_warning(one_tiny) or "")


def test_residual_styles_mark_cells_beyond_196() -> None:
    styles = residual_styles(np.array(AGRESTI_RESIDUALS))
    assert styles == [["over", None, "under"], ["under", None, "over"]]
    assert residual_styles([[1.96, -1.97]]) == [[None, "under"]]


# Newcombe (1998), Two-sided confidence intervals for the single proportion: comparison of
# seven methods, Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score interval
# without continuity correction).
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_reproduces_newcombe_table_ii(
    successes: int, n: int, low: float, high: float
) -> None:
    lower, upper = wilson_interval(successes, n)
    assert (round(lower, 4), round(upper, 4)) == (low, high)


@pytest.mark.parametrize(("successes", "n"), [(0, 1), (3, 7), (50, 50), (120, 400)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_is_the_closed_form_score_interval(
    successes: int, n: int, confidence: float
) -> None:
    # Wilson (1927), JASA 22:209-212, without continuity correction.
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson_interval(successes, n, confidence) == pytest.approx(
        (centre - half, centre + half)
    )


@pytest.mark.parametrize(
    ("successes", "n"), [(0, 1), (1, 3), (3, 7), (50, 50), (52, 155), (0, 400)]
)
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_matches_statsmodels(successes: int, n: int, confidence: float) -> None:
    from statsmodels.stats.proportion import proportion_confint

    reference = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(successes, n, confidence) == pytest.approx(reference, abs=1e-12)


@pytest.mark.parametrize("n", [3, 8, 10, 17, 100])
def test_wilson_interval_of_none_or_all_ends_exactly_at_0_or_1(n: int) -> None:
    """0 of 10 gave a lower bound of 2.78e-17 (float noise), printed as such by compare."""
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (5, 4), (-1, 3)])
def test_wilson_interval_rejects_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(ValueError, match="successes <= n"):
        wilson_interval(successes, n)
