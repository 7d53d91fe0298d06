"""The multi-rater kappa family with weights and Gwet's variance estimators.

Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., chs. 2-5, as his irrCAC package
computes them: units are rows of a counts table (how many coders chose each category),
possibly with a different number of coders per unit. With agreement weights `w`:

- p_a averages, over units with two or more values, sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))
  with r*_ik = sum_l w_kl r_il; pi_k averages r_ik / r_i over units with one or more values.
- Fleiss' kappa: p_e = sum_kl w_kl pi_k pi_l; Brennan-Prediger: p_e = sum(w) / q^2;
  Gwet's AC1/AC2: p_e = sum(w) sum_k pi_k (1 - pi_k) / (q (q - 1)).
- Variance (linearisation, Gwet 2008, 2014 ch. 5): per-unit terms
  c_i = (n / n_2) (p_a|i - p_e [r_i >= 2]) / (1 - p_e) - 2 (1 - c) (p_e|i - p_e) / (1 - p_e),
  v = (1 - f) / (n (n - 1)) sum (c_i - c)^2 with f the sampling fraction (0 here), and the
  interval c +- t_{n-1} sqrt(v), capped at 1 (irrCAC caps only the upper end; we cap the
  lower end at -1 too, and percent agreement's, a share of pairs, at 0).

`multiplicity` gives each row a count of identical units, so the presence patterns of
`presence.py` reuse these formulas without expanding them into units.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

_UNDEFINED_MARGIN = 1e-12


@dataclass(frozen=True)
class ChanceCorrected:
    """A kappa-type coefficient (p_o - p_e) / (1 - p_e) with its parts, standard error and
    interval (None where not computed or undefined)."""

    value: float | None
    observed: float | None
    expected: float | None
    n_units: int
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


def t_interval(
    value: float | None, se: float | None, n: int, confidence: float | None = 0.95
) -> tuple[float | None, float | None]:
    """value +- t_{n-1} se, within [-1, 1]; (None, None) when undefined or not asked for."""
    if confidence is None or value is None or se is None or n < 2 or not np.isfinite(se):
        return None, None
    half = _t_quantile(0.5 + confidence / 2, n - 1) * se
    return max(-1.0, value - half), min(1.0, value + half)


@lru_cache(maxsize=1024)
def _t_quantile(probability: float, df: int) -> float:
    """Student's t quantile (cached: scipy's `ppf` costs about 0.4 ms a call, and a table
    asks for the same few degrees of freedom many times)."""
    from scipy.stats import t  # scipy is slow to import; only intervals need it

    return float(t.ppf(probability, df))


@dataclass(frozen=True)
class Family:
    """Percent agreement and the chance-corrected coefficients of one counts table."""

    percent_agreement: ChanceCorrected
    fleiss_kappa: ChanceCorrected
    brennan_prediger: ChanceCorrected
    gwet_ac: ChanceCorrected


def family(
    counts: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    *,
    multiplicity: npt.ArrayLike | None = None,
    confidence: float | None = 0.95,
) -> Family:
    """Every coefficient of the module doc for a units x categories counts table."""
    table = np.asarray(counts, dtype=np.float64)
    q = table.shape[1]
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    mult = np.ones(len(table)) if multiplicity is None else np.asarray(multiplicity, np.float64)
    raters = table.sum(axis=1)
    rated = (raters >= 1) & (mult > 0)
    table, raters, mult = table[rated], raters[rated], mult[rated]
    n = float(mult.sum())
    paired = raters >= 2
    n2 = float(mult[paired].sum())
    n_units = round(n2)
    if n2 == 0:
        empty = ChanceCorrected(None, None, None, 0)
        return Family(empty, empty, empty, empty)
    weighted = table @ w.T
    pairs = np.where(paired, raters * (raters - 1), 1.0)
    pa_i = np.where(paired, (table * (weighted - 1)).sum(axis=1) / pairs, 0.0)
    pa = float((mult * pa_i).sum() / n2)
    pi = (mult[:, None] * table / raters[:, None]).sum(axis=0) / n
    total_w = float(w.sum())

    def estimate(pe: float | None, pe_i: npt.NDArray[np.float64] | None) -> ChanceCorrected:
        if pe is None or 1.0 - pe < _UNDEFINED_MARGIN:
            return ChanceCorrected(None, pa, pe, n_units)
        value = _tidy((pa - pe) / (1.0 - pe))
        unit = (n / n2) * (pa_i - pe * paired) / (1.0 - pe)
        if pe_i is not None:
            unit = unit - 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe)
        se = _se(unit, value, mult, n)
        low, high = t_interval(value, se, round(n), confidence)
        return ChanceCorrected(value, pa, pe, n_units, se, low, high)

    percent_unit = (n / n2) * pa_i
    percent_se = _se(percent_unit, pa, mult, n)
    low, high = t_interval(pa, percent_se, round(n), confidence)
    low = None if low is None else max(low, 0.0)  # a share: as specific agreement's below
    percent = ChanceCorrected(pa, pa, None, n_units, percent_se, low, high)
    fleiss_pe = float(pi @ w @ pi)
    fleiss_i = table @ ((w @ pi + w.T @ pi) / 2) / raters
    bp_pe = total_w / q**2 if q >= 1 else None
    ac_pe = total_w * float((pi * (1 - pi)).sum()) / (q * (q - 1)) if q >= 2 else None
    ac_i = (total_w / (q * (q - 1))) * (table @ (1 - pi)) / raters if q >= 2 else None
    return Family(
        percent_agreement=percent,
        fleiss_kappa=estimate(fleiss_pe, fleiss_i),
        brennan_prediger=estimate(bp_pe, None),
        gwet_ac=estimate(ac_pe, ac_i),
    )


def _tidy(value: float) -> float:
    """0 for a value that is 0 but for floating-point noise: a mean of shares that is 1/2
    sums to 0.49999999999999994, which made a Brennan-Prediger of exactly 0 print as
    -1.11e-16 (the table shows values below 0.001 in scientific notation, for p-values).
    Other values keep every digit (exports carry them in full)."""
    return 0.0 if abs(value) < 1e-12 else value


def _se(
    unit: npt.NDArray[np.float64], value: float, mult: npt.NDArray[np.float64], n: float
) -> float | None:
    if n < 2:
        return None
    return float(np.sqrt((mult * (unit - value) ** 2).sum() / (n * (n - 1))))


def category_kappas(
    counts: npt.ArrayLike, confidence: float | None = 0.95
) -> list[ChanceCorrected]:
    """Fleiss' (1971) kappa of each category against all others: the Fleiss kappa of the
    table collapsed to (category k, any other), which for a fixed number of raters is
    Fleiss' kappa_j = 1 - sum_i x_ij (m - x_ij) / (N m (m - 1) p_j q_j)."""
    table = np.asarray(counts, dtype=np.float64)
    raters = table.sum(axis=1)
    return [
        family(
            np.column_stack([table[:, k], raters - table[:, k]]), confidence=confidence
        ).fleiss_kappa
        for k in range(table.shape[1])
    ]


def specific_agreement(
    counts: npt.ArrayLike,
    *,
    multiplicity: npt.ArrayLike | None = None,
    confidence: float | None = 0.95,
) -> list[ChanceCorrected]:
    """Agreement specific to each category of a units x categories counts table: given
    that one coder of a pair chose category k for a unit, the share of the other coders
    of the unit who chose it too, p_k = sum_i x_ik (x_ik - 1) / sum_i x_ik (r_i - 1) over
    units with two or more values (Fleiss 1971, p. 379; Uebersax's generalised proportion
    of specific agreement). For two coders and a binary code this is positive agreement
    2a / (2a + b + c) and negative agreement 2d / (2d + b + c) (Cicchetti & Feinstein
    1990). Undefined for a category nobody chose. Interval: the linearised variance of a
    ratio estimator (Cochran 1977, sec. 6.3), unit terms z_i = (a_i - p b_i) / mean(b),
    with a t interval on n - 1 degrees of freedom, as Gwet's for percent agreement."""
    table = np.asarray(counts, dtype=np.float64)
    mult = np.ones(len(table)) if multiplicity is None else np.asarray(multiplicity, np.float64)
    raters = table.sum(axis=1)
    paired = (raters >= 2) & (mult > 0)
    table, raters, mult = table[paired], raters[paired], mult[paired]
    n = float(mult.sum())
    result = []
    for k in range(table.shape[1]):
        agree = table[:, k] * (table[:, k] - 1)
        chances = table[:, k] * (raters - 1)
        total = float(mult @ chances)
        if total <= 0:
            result.append(ChanceCorrected(None, None, None, round(n)))
            continue
        value = float(mult @ agree) / total
        unit = (agree - value * chances) / (total / n)
        se = float(np.sqrt((mult * unit**2).sum() / (n * (n - 1)))) if n >= 2 else None
        low, high = t_interval(value, se, round(n), confidence)
        low = None if low is None else max(low, 0.0)
        result.append(ChanceCorrected(value, value, None, round(n), se, low, high))
    return result
