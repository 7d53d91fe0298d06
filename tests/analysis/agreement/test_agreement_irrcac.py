"""New coefficients and their standard errors against the published outputs of Gwet's irrCAC.

Data sets from Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., as shipped with
irrCAC: `cac.raw4raters` (12 subjects, 4 raters, categories 1-5, missing ratings) and
`cac.raw5obser` (15 units, 5 observers, scores 0-3). Expected values are the outputs printed
in the irrCAC R package's README and weighting vignette (R/irrCAC 1.0, "Computing weighted
agreement coefficients"), and in the test suite of the Python port (irrCAC 0.4, tests for
raw_4raters and raw_5observers), to the digits they print.
"""

import numpy as np
import pytest

from qualcode.analysis.agreement import coefficients
from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.multirater import category_kappas, family
from qualcode.analysis.agreement.raters import cohen_table, conger, light
from qualcode.analysis.agreement.weights import weight_matrix

NAN = np.nan
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
RAW5OBSER = np.array(
    [
        [1, 1, 2, NAN, 2],
        [1, 1, 0, 1, NAN],
        [2, 3, 3, 3, NAN],
        [NAN, 0, 0, NAN, 0],
        [0, 0, 0, NAN, 0],
        [0, 0, 0, NAN, 0],
        [1, 0, 2, NAN, 1],
        [1, NAN, 2, 0, NAN],
        [2, 2, 2, NAN, 2],
        [2, 1, 1, 1, NAN],
        [NAN, 1, 0, 0, NAN],
        [0, 0, 0, 0, NAN],
        [1, 2, 2, 2, NAN],
        [3, 3, 2, 2, 3],
        [1, 1, 1, NAN, 1],
    ]
)
CATEGORIES = np.arange(1.0, 6.0)


def test_unweighted_raw4raters_with_standard_errors():
    """irrCAC README: PA .8181818 (se .12561, CI .542-1), AC1 .77544 (se .14295, CI
    .461-1), Fleiss .76117 (se .15302, CI .424-1), Conger .76282 (p_e .2334252, se .14917,
    CI .435-1), Brennan-Prediger .77273 (se .14472, CI .454-1)."""
    result = coefficients(RAW4RATERS, bootstrap=Bootstrap())
    assert result.percent_agreement.value == pytest.approx(0.8181818, abs=1e-7)
    assert result.percent_agreement.ci_low == pytest.approx(0.542, abs=5e-4)
    for estimate, value, se, low in (
        (result.gwet_ac1, 0.77544, 0.14295, 0.461),
        (result.fleiss_kappa, 0.76117, 0.15302, 0.424),
        (result.conger_kappa, 0.76282, 0.14917, 0.435),
        (result.brennan_prediger, 0.77273, 0.14472, 0.454),
    ):
        assert estimate.value == pytest.approx(value, abs=5e-6)
        assert estimate.se == pytest.approx(se, abs=5e-6)
        assert (estimate.ci_low, estimate.ci_high) == pytest.approx((low, 1.0), abs=5e-4)
    assert result.conger_kappa.expected == pytest.approx(0.2334252, abs=1e-7)


def test_quadratic_weights_raw4raters():
    """irrCAC weighting vignette, `weights = "quadratic"`: PA .9753788 (se .09062), AC2 .914
    (p_e .7137044, se .10396), Fleiss .86494 (p_e .8177083, se .14603), Conger .85771
    (p_e .8269638, se .14367), Brennan-Prediger .90152 (p_e .75, se .11089)."""
    result = coefficients(RAW4RATERS, weights="quadratic", bootstrap=Bootstrap())
    assert result.percent_agreement.value == pytest.approx(0.9753788, abs=1e-7)
    for estimate, value, pe, se in (
        (result.gwet_ac1, 0.914, 0.7137044, 0.10396),
        (result.fleiss_kappa, 0.86494, 0.8177083, 0.14603),
        (result.conger_kappa, 0.85771, 0.8269638, 0.14367),
        (result.brennan_prediger, 0.90152, 0.75, 0.11089),
    ):
        assert estimate.value == pytest.approx(value, abs=5e-6)
        assert estimate.expected == pytest.approx(pe, abs=1e-7)
        assert estimate.se == pytest.approx(se, abs=5e-6)


@pytest.mark.parametrize(
    ("weighting", "ac2", "bp", "fleiss", "conger_value"),
    [
        # irrCAC 0.4 tests (Python port), rounded to 3 or 5 digits as printed there.
        ("linear", 0.85874, 0.84848, 0.81794, 0.814),
        ("ordinal", 0.89894, 0.88636, 0.85021, 0.844),
        ("ratio", 0.85737, 0.84024, 0.82134, 0.812),
    ],
)
def test_other_weights_raw4raters(weighting, ac2, bp, fleiss, conger_value):
    result = coefficients(RAW4RATERS, weights=weighting)
    assert result.gwet_ac1.value == pytest.approx(ac2, abs=5e-6)
    assert result.brennan_prediger.value == pytest.approx(bp, abs=5e-6)
    assert result.fleiss_kappa.value == pytest.approx(fleiss, abs=5e-6)
    assert result.conger_kappa.value == pytest.approx(conger_value, abs=5e-4)


def test_raw5obser():
    """irrCAC 0.4 tests on raw_5observers: Fleiss .45762 (CI .19928-.71596), AC1 .49662
    (CI .23502-.75823), Conger .469 (p_e .276, se .117, CI .219-.719), Brennan-Prediger
    .487 (CI .228-.747); p_a .616."""
    result = coefficients(RAW5OBSER, bootstrap=Bootstrap())
    assert result.percent_agreement.value == pytest.approx(0.616, abs=5e-4)
    for estimate, value, low, high in (
        (result.fleiss_kappa, 0.45762, 0.19928, 0.71596),
        (result.gwet_ac1, 0.49662, 0.23502, 0.75823),
    ):
        assert estimate.value == pytest.approx(value, abs=5e-6)
        assert (estimate.ci_low, estimate.ci_high) == pytest.approx((low, high), abs=5e-6)
    assert result.conger_kappa.value == pytest.approx(0.469, abs=5e-4)
    assert result.conger_kappa.expected == pytest.approx(0.276, abs=5e-4)
    assert result.conger_kappa.se == pytest.approx(0.117, abs=5e-4)
    assert (result.conger_kappa.ci_low, result.conger_kappa.ci_high) == pytest.approx(
        (0.219, 0.719), abs=5e-4
    )
    assert result.brennan_prediger.value == pytest.approx(0.487, abs=5e-4)


def test_hubert_is_conger_for_complete_data_by_hand():
    """Three coders, four units, complete data. Conger's p_e is the mean over coder pairs
    of the pairwise chance agreement sum_k p_gk p_hk (Hubert 1977, Conger 1980):
    coder shares of category 1: A 2/4, B 3/4, C 2/4; pairs AB .5*.75+.5*.25 = .5,
    AC .5*.5+.5*.5 = .5, BC .75*.5+.25*.5 = .5; p_e = .5. p_a: units (1,1,1) (1,1,2)
    (2,1,1) (2,2,2) agree in 3, 1, 1, 3 of 3 pairs: p_a = 8/12; kappa = (2/3 - .5)/.5."""
    data = np.array([[1, 1, 1], [1, 1, 2], [2, 1, 1], [2, 2, 2]], dtype=float)
    result = conger(data, [1, 2])
    assert result.expected == pytest.approx(0.5)
    assert result.value == pytest.approx(1 / 3)


def test_cohen_weighted_contingency_table():
    """irrCAC README and weighting vignette, `cont3x3abstractors` (100 women, 2 abstractors):
    Cohen's kappa .7964094 (se .05891072, CI .68-.913); quadratic weights .8921569
    (se .03535151, CI .822-.962)."""
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    plain = cohen_table(table)
    assert plain.value == pytest.approx(0.7964094, abs=1e-7)
    assert plain.se == pytest.approx(0.05891072, abs=1e-8)
    assert (plain.ci_low, plain.ci_high) == pytest.approx((0.68, 0.913), abs=5e-4)
    weighted = cohen_table(table, weight_matrix("quadratic", [1, 2, 3]))
    assert weighted.value == pytest.approx(0.8921569, abs=1e-7)
    assert weighted.se == pytest.approx(0.03535151, abs=1e-8)
    linear = cohen_table(table, weight_matrix("linear", [1, 2, 3]))
    # Linear weights by hand: p_a = .89 + .5 * (7 + 4) / 100 = .945.
    assert linear.observed == pytest.approx(0.945)


def test_weights_match_irrcac_for_three_categories():
    """irrCAC weighting vignette: for categories 1:3, linear (.5 off the diagonal),
    quadratic (.75), ordinal (.6666667) and 0 for the farthest pair."""
    assert weight_matrix("linear", [1, 2, 3])[0].tolist() == [1.0, 0.5, 0.0]
    assert weight_matrix("quadratic", [1, 2, 3])[0].tolist() == [1.0, 0.75, 0.0]
    assert weight_matrix("ordinal", [1, 2, 3])[0] == pytest.approx([1.0, 2 / 3, 0.0])
    # Ratio by hand for 1, 2, 3: ((1-2)/(1+2))^2 = 1/9 over the widest ((3-1)/(3+1))^2 = 1/4.
    assert weight_matrix("ratio", [1, 2, 3])[0] == pytest.approx([1.0, 1 - 4 / 9, 0.0])


def test_fleiss_1971_category_kappas():
    """Fleiss (1971), p. 381: the 30 patients of his example give per-category kappas
    Depression .245, Personality disorder .245, Schizophrenia .520, Neurosis .471,
    Other .566 (as also printed by R's irr::kappam.fleiss(diagnoses, detail = TRUE))."""
    patients = (
        "444444 222555 233335 555555 222444 113333 333355 113334 114444 555555 "
        "144444 124444 222333 144444 224445 333335 111455 111112 224444 133555 "
        "555555 244444 224555 114444 144445 222224 111155 224444 133333 555555"
    )
    ratings = np.array([[int(c) for c in row] for row in patients.split()], dtype=float)
    counts = np.stack([(ratings == k).sum(axis=1) for k in range(1, 6)], axis=1)
    kappas = [k.value for k in category_kappas(counts)]
    assert kappas == pytest.approx([0.245, 0.245, 0.520, 0.471, 0.566], abs=5e-4)
    assert [k.value for k in coefficients(ratings).category_kappas] == pytest.approx(kappas)


def test_light_is_the_mean_of_pairwise_cohen_by_hand():
    """Light (1971): three coders on six units. Pairs AB and AC each disagree on one unit
    of six; BC on two. Cohen per pair from its own 2 x 2 table, then the mean."""
    a = [1, 1, 1, 2, 2, 2]
    b = [1, 1, 2, 2, 2, 2]
    c = [1, 1, 1, 2, 2, 1]
    data = np.array([a, b, c], dtype=float).T
    # AB: both 1: 2, A-only 1: 1, both 2: 3 -> p_o 5/6, p_e (.5*.333+.5*.667) = .5, k = 2/3.
    # AC: p_o 5/6, A (3/6 ones), C (4/6 ones): p_e = .5*.667 + .5*.333 = .5, k = 2/3.
    # BC: p_o 4/6, B 2/6 ones, C 4/6 ones: p_e = 2/9 + 2/9 = 4/9, k = (2/3 - 4/9)/(5/9) = .4.
    assert light(data, [1, 2]).value == pytest.approx((2 / 3 + 2 / 3 + 0.4) / 3)


def test_family_multiplicity_equals_repeated_rows():
    counts = np.array([[2, 0], [1, 1], [0, 3], [1, 0]], dtype=float)
    repeat = np.array([3, 1, 2, 5])
    once = family(counts, multiplicity=repeat)
    expanded = family(np.repeat(counts, repeat, axis=0))
    for name in ("percent_agreement", "fleiss_kappa", "brennan_prediger", "gwet_ac"):
        a, b = getattr(once, name), getattr(expanded, name)
        assert (a.value, a.se, a.ci_low) == pytest.approx((b.value, b.se, b.ci_low))
