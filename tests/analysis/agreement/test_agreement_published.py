"""Nominal coefficients reproduce published worked examples."""

import numpy as np
import pytest

from qualcode.analysis.agreement import (
    brennan_prediger,
    coefficients,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
)

NAN = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x
# 12 units, values 1-5, with missing values (unit 12 has a single value and is not pairable).
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
).T


def from_contingency(table: list[list[int]]) -> np.ndarray:
    """Two coders' ratings (units x 2) from a square contingency table of counts."""
    rows = [(i, j) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    return np.array(rows, dtype=float)


def from_distribution(table: list[list[int]]) -> np.ndarray:
    """Units x raters ratings from a units x categories table of rater counts."""
    return np.array([np.repeat(np.arange(len(row)), row) for row in table], dtype=float)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, expected):
    """Krippendorff (2011) reports alpha = .743 (nominal), .815 (ordinal), .849 (interval)
    and .797 (ratio) for these data; the `krippendorff` package's doctests agree."""
    result = krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert result.value == pytest.approx(expected, abs=5e-4)
    assert result.n_units == 11


def test_kappa_family_on_krippendorff_2011_data():
    """Fleiss, AC1 and Brennan-Prediger on the same data, by hand after Gwet (2014, ch. 2):
    p_a = mean over the 11 pairable units of agreeing / all ordered coder pairs: units 2
    and 8 have 6 of 12, unit 6 none, the other eight agree fully, so p_a = 9/11.
    pi_k = mean over the 12 coded units of each unit's category shares
    = (12, 13, 14, 5, 4) / 48; Fleiss p_e = sum pi_k^2 = 550/2304 = .2387153, kappa = .76117;
    AC1 p_e = sum pi_k (1 - pi_k) / (5 - 1) = .1903212, AC1 = .77544;
    Brennan-Prediger p_e = 1/5, coefficient = .77273. (Gwet's irrCAC ships these data as
    `cac.raw4raters`; its vignette's quadratic-weighted alpha .84911 is the interval alpha.)"""
    result = coefficients(KRIPPENDORFF_2011)
    assert result.n_units == 11
    assert result.n_coders == 4
    assert result.cohen_kappa is None
    assert result.percent_agreement.value == pytest.approx(9 / 11)
    assert result.fleiss_kappa.expected == pytest.approx(0.2387153, abs=1e-7)
    assert result.fleiss_kappa.value == pytest.approx(0.76117, abs=1e-5)
    assert result.gwet_ac1.expected == pytest.approx(0.1903212, abs=1e-7)
    assert result.gwet_ac1.value == pytest.approx(0.77544, abs=1e-5)
    assert result.brennan_prediger.expected == pytest.approx(0.2)
    assert result.brennan_prediger.value == pytest.approx(0.77273, abs=1e-5)
    assert result.krippendorff_alpha.value == pytest.approx(0.743, abs=5e-4)


def test_cohen_wikipedia_example():
    """Wikipedia, "Cohen's kappa", worked example: 50 proposals, Yes/Yes 20, Yes/No 5,
    No/Yes 10, No/No 15: p_o = 35/50 = .7, p_e = .5 * .6 + .5 * .4 = .5, kappa = .4."""
    ratings = from_contingency([[20, 5], [10, 15]])
    result = cohen_kappa(ratings[:, 0], ratings[:, 1])
    assert result.observed == pytest.approx(0.7)
    assert result.expected == pytest.approx(0.5)
    assert result.value == pytest.approx(0.4)
    assert result.n_units == 50


def test_cohen_1960_examples():
    """Cohen (1960), Educ. Psychol. Meas. 20, p. 45: 200 units in a 3 x 3 table with
    p_o = .70, p_e = .41 and kappa = .492; p. 37: p_o = .29 and p_e = .35."""
    second = from_contingency([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    result = cohen_kappa(second[:, 0], second[:, 1])
    assert (result.observed, result.expected) == pytest.approx((0.70, 0.41))
    assert result.value == pytest.approx(0.492, abs=5e-4)
    first = from_contingency([[25, 12, 3], [13, 2, 15], [12, 16, 2]])
    result = cohen_kappa(first[:, 0], first[:, 1])
    assert (result.observed, result.expected) == pytest.approx((0.29, 0.35))


def test_cohen_ignores_units_either_coder_left_out():
    a = [1, 1, 0, 0, NAN, 1]
    b = [1, 0, 0, 0, 1, NAN]
    result = cohen_kappa(a, b)
    assert result.n_units == 4
    assert result.value == cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]).value


def test_fleiss_wikipedia_example():
    """Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories,
    P-bar = .378, P-bar_e = .213, kappa = .210."""
    ratings = from_distribution(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    result = fleiss_kappa(ratings)
    assert result.observed == pytest.approx(0.378, abs=5e-4)
    assert result.expected == pytest.approx(0.213, abs=5e-4)
    assert result.value == pytest.approx(0.210, abs=5e-4)


def test_fleiss_1971_example():
    """Fleiss (1971), Psychol. Bull. 76, p. 379: 30 patients, 6 psychiatrists, 5 diagnoses;
    P-bar = .556, P-bar_e = .220, kappa = .430."""
    # One row of six diagnoses (categories 1-5) per patient, in the paper's order.
    patients = (
        "444444 222555 233335 555555 222444 113333 333355 113334 114444 555555 "
        "144444 124444 222333 144444 224445 333335 111455 111112 224444 133555 "
        "555555 244444 224555 114444 144445 222224 111155 224444 133333 555555"
    )
    ratings = np.array([[int(c) for c in row] for row in patients.split()], dtype=float)
    result = fleiss_kappa(ratings)
    assert result.observed == pytest.approx(0.556, abs=5e-4)
    assert result.expected == pytest.approx(0.220, abs=5e-4)
    assert result.value == pytest.approx(0.430, abs=5e-4)


def test_brennan_prediger_1981_example():
    """Brennan & Prediger (1981), Educ. Psychol. Meas. 41, p. 689 (proportions x 100):
    p_o = .60; with 3 categories their coefficient is (.60 - 1/3) / (1 - 1/3) = .40 while
    Cohen's kappa is .27."""
    ratings = from_contingency([[50, 0, 0], [10, 10, 10], [20, 0, 0]])
    result = brennan_prediger(ratings, q=3)
    assert result.observed == pytest.approx(0.60)
    assert result.value == pytest.approx(0.40)
    assert cohen_kappa(ratings[:, 0], ratings[:, 1]).value == pytest.approx(0.27, abs=5e-3)


def test_gwet_ac1_on_cohen_1960_table():
    """AC1 for Cohen's (1960, p. 45) table, by hand from Gwet (2008), BJMSP 61, eq. for two
    raters: pi = (rows + columns) / 400 = (.55, .30, .15);
    p_e = (.55 * .45 + .30 * .70 + .15 * .85) / (3 - 1) = .2925;
    AC1 = (.70 - .2925) / (1 - .2925) = .5760 (irrCAC gives the same, as recorded in the
    dkpro-statistics test fixtures generated from it)."""
    ratings = from_contingency([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    result = gwet_ac1(ratings)
    assert result.expected == pytest.approx(0.2925)
    assert result.value == pytest.approx(0.5760, abs=5e-5)


def test_gwet_ac1_resists_the_kappa_paradox():
    """Skewed two-category data (8 yes/yes, 1 no/no, 1 yes/no): p_o = .9;
    pi_yes = 17/20 = .85, AC1 p_e = 2 * .85 * .15 / 1 = .255, AC1 = .645 / .745 = .8658,
    whereas Cohen's p_e = .9 * .8 + .1 * .2 = .74 and kappa = .16 / .26 = .615."""
    ratings = from_contingency([[1, 0], [1, 8]])
    ac1 = gwet_ac1(ratings)
    assert ac1.expected == pytest.approx(0.255)
    assert ac1.value == pytest.approx(0.8658, abs=5e-5)
    assert cohen_kappa(ratings[:, 0], ratings[:, 1]).value == pytest.approx(0.16 / 0.26)
