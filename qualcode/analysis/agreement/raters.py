"""Coefficients with rater-specific marginals: Cohen's (weighted) kappa for two coders,
Conger's kappa and Light's kappa for several.

- Cohen (1960, 1968): p_a = sum_kl w_kl p_kl over the units both coders coded, p_e =
  sum_kl w_kl p_k. p_.l; variance of Fleiss, Cohen & Everitt (1969) as irrCAC's
  `kappa2.table` computes it.
- Conger (1980): Fleiss' p_a with p_e = sum_kl w_kl (pbar_k pbar_l - s_kl / r), pbar_k the
  mean over coders of their share of category k and s_kl the covariance of those shares
  across coders, i.e. the mean over coder pairs of the pairwise chance agreement. This is
  Hubert's (1977) kappa for pairwise agreement (Warrens 2010). Variance as Gwet (2014,
  ch. 5) and irrCAC's `conger.kappa.raw`.
- Light (1971): the mean of the pairwise Cohen's kappas (each over the units both coders
  of the pair coded).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.multirater import ChanceCorrected, t_interval

_UNDEFINED_MARGIN = 1e-12


def _positions(matrix: npt.NDArray[np.float64], domain: npt.NDArray[np.float64]) -> npt.NDArray:
    """Category index of every cell, -1 where missing."""
    order = np.argsort(domain, kind="stable")
    at = np.searchsorted(
        domain[order], np.nan_to_num(matrix, nan=domain.min() if len(domain) else 0)
    )
    at = order[at.clip(max=max(len(domain) - 1, 0))]
    return np.where(np.isnan(matrix), -1, at)


def cohen(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    domain: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    confidence: float | None = 0.95,
    multiplicity: npt.ArrayLike | None = None,
) -> ChanceCorrected:
    """Cohen's kappa (weighted with `weights`) over the units both coders coded; with
    `multiplicity`, each row stands for that many identical units."""
    values = np.asarray(domain, dtype=np.float64)
    q = len(values)
    pair = np.column_stack([np.asarray(a, np.float64), np.asarray(b, np.float64)])
    both = ~np.isnan(pair).any(axis=1)
    pair = pair[both]
    if not len(pair) or q == 0:
        return ChanceCorrected(None, None, None, 0)
    at = _positions(pair, values)
    mult = None if multiplicity is None else np.asarray(multiplicity, np.float64)[both]
    table = np.bincount(at[:, 0] * q + at[:, 1], weights=mult, minlength=q * q).reshape(q, q)
    return cohen_table(table, weights, confidence)


def cohen_table(
    table: npt.ArrayLike, weights: npt.ArrayLike | None = None, confidence: float | None = 0.95
) -> ChanceCorrected:
    """Cohen's kappa of a q x q contingency table of counts (rows: coder A)."""
    counts = np.asarray(table, dtype=np.float64)
    n = int(counts.sum())
    q = len(counts)
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    if n == 0:
        return ChanceCorrected(None, None, None, 0)
    p = counts / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    pa = float((w * p).sum())
    pe = float(rows @ w @ cols)
    if 1.0 - pe < _UNDEFINED_MARGIN:
        return ChanceCorrected(None, pa, pe, n)
    kappa = (pa - pe) / (1.0 - pe)
    row_w = w @ cols  # sum_l w_kl p_.l, per k
    col_w = w.T @ rows  # sum_k w_kl p_k., per l
    spread = (w - (1.0 - kappa) * (row_w[:, None] + col_w[None, :])) ** 2
    variance = ((p * spread).sum() - (pa - 2.0 * (1.0 - kappa) * pe) ** 2) / (n * (1 - pe) ** 2)
    se = float(np.sqrt(max(variance, 0.0)))
    low, high = t_interval(kappa, se, n, confidence)
    return ChanceCorrected(kappa, pa, pe, n, se, low, high)


def conger(
    data: npt.ArrayLike,
    domain: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    confidence: float | None = 0.95,
    multiplicity: npt.ArrayLike | None = None,
) -> ChanceCorrected:
    """Conger's kappa of a units x coders matrix (NaN = missing) over `domain`; with
    `multiplicity`, each row stands for that many identical units."""
    matrix = np.asarray(data, dtype=np.float64)
    values = np.asarray(domain, dtype=np.float64)
    q = len(values)
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    mult = np.ones(len(matrix)) if multiplicity is None else np.asarray(multiplicity, np.float64)
    rated = ~np.isnan(matrix).all(axis=1)
    matrix, mult = matrix[rated], mult[rated]
    rows, r = matrix.shape
    n = float(mult.sum())
    if rows == 0 or q == 0:
        return ChanceCorrected(None, None, None, 0)
    at = _positions(matrix, values)
    coded = at >= 0
    onehot = np.zeros((rows, r, q))
    unit, rater = np.nonzero(coded)
    onehot[unit, rater, at[coded]] = 1.0
    counts = onehot.sum(axis=1)  # units x categories
    raters = counts.sum(axis=1)
    paired = raters >= 2
    n2 = float(mult[paired].sum())
    if n2 == 0:
        return ChanceCorrected(None, None, None, 0)
    weighted = counts @ w.T
    pairs = np.where(paired, raters * (raters - 1), 1.0)
    pa_i = np.where(paired, (counts * (weighted - 1)).sum(axis=1) / pairs, 0.0)
    pa = float((mult * pa_i).sum() / n2)
    classified = (onehot * mult[:, None, None]).sum(axis=0)  # raters x categories
    n_g = classified.sum(axis=1)
    share = classified / np.where(n_g > 0, n_g, 1.0)[:, None]
    mean = share.mean(axis=0)
    covariance = (share.T @ share - r * np.outer(mean, mean)) / (r - 1)
    pe = float((w * (np.outer(mean, mean) - covariance / r)).sum())
    if 1.0 - pe < _UNDEFINED_MARGIN:
        return ChanceCorrected(None, pa, pe, round(n2))
    kappa = (pa - pe) / (1.0 - pe)
    # Gwet's linearisation: lambda_ig sums, over categories k and l, the rater-level terms.
    present = coded.astype(np.float64)
    scale = n / np.where(n_g > 0, n_g, 1.0)
    lam = np.zeros((rows, r))
    for k in range(q):
        term = np.zeros((rows, r))
        for m in range(q):
            delta = onehot[:, :, m]
            term += w[k, m] * (delta - (present - n_g[None, :] / n) * share[None, :, m])
        lam += term * scale[None, :] * (r * share[:, k].mean() - share[None, :, k])
    pe_i = lam.sum(axis=1) / (r * (r - 1))
    unit_kappa = (n / n2) * (pa_i - pe * paired) / (1 - pe)
    unit_kappa = unit_kappa - 2 * (1 - kappa) * (pe_i - pe) / (1 - pe)
    spread = (mult * (unit_kappa - kappa) ** 2).sum()
    se = float(np.sqrt(spread / (n * (n - 1)))) if n > 1 else None
    low, high = t_interval(kappa, se, round(n), confidence)
    return ChanceCorrected(kappa, pa, pe, round(n2), se, low, high)


def light_interval(
    data: npt.ArrayLike,
    domain: npt.ArrayLike,
    resamples: int,
    seed: int,
    confidence: float = 0.95,
    multiplicity: npt.ArrayLike | None = None,
) -> tuple[float | None, float | None]:
    """Percentile interval of Light's kappa over resamples of the units (rows), all pairs'
    contingency tables drawn at once (resample weights times one-hot cells). With
    `multiplicity` each row stands for that many units, and a resample draws units: how
    many of each row's, multinomially."""
    matrix = np.asarray(data, dtype=np.float64)
    values = np.asarray(domain, dtype=np.float64)
    rows, q = len(matrix), len(values)
    mult = np.ones(rows) if multiplicity is None else np.asarray(multiplicity, np.float64)
    n = round(float(mult.sum()))
    if n < 2 or q == 0:
        return None, None
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n, mult / n, size=resamples).astype(np.float64)
    at = _positions(matrix, values)
    kappas = []
    for i, j in combinations(range(matrix.shape[1]), 2):
        both = (at[:, i] >= 0) & (at[:, j] >= 0)
        cells = np.zeros((rows, q * q))
        cells[np.flatnonzero(both), (at[both, i] * q + at[both, j])] = 1.0
        tables = (weights @ cells).reshape(resamples, q, q)
        total = tables.sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            p = tables / total[:, None, None]
            observed = np.trace(p, axis1=1, axis2=2)
            expected = np.einsum("xk,xk->x", p.sum(axis=2), p.sum(axis=1))
            kappas.append(
                np.where(
                    1 - expected > _UNDEFINED_MARGIN, (observed - expected) / (1 - expected), np.nan
                )
            )
    means = np.mean(kappas, axis=0)
    defined = means[~np.isnan(means)]
    if len(defined) < resamples / 2:
        return None, None
    tail = (1 - confidence) / 2
    low, high = np.quantile(defined, [tail, 1 - tail])
    return float(low), float(high)


def light(
    data: npt.ArrayLike, domain: npt.ArrayLike, multiplicity: npt.ArrayLike | None = None
) -> ChanceCorrected:
    """Light's (1971) kappa: the mean of the pairwise Cohen's kappas (undefined when any
    pair's kappa is). Its interval comes from a bootstrap over units (`light_interval`).
    With `multiplicity`, each row stands for that many identical units."""
    matrix = np.asarray(data, dtype=np.float64)
    kappas = [
        cohen(matrix[:, i], matrix[:, j], domain, confidence=None, multiplicity=multiplicity)
        for i, j in combinations(range(matrix.shape[1]), 2)
    ]
    if not kappas or any(k.value is None for k in kappas):
        return ChanceCorrected(None, None, None, 0)
    values = [k.value for k in kappas if k.value is not None]
    paired = np.count_nonzero(~np.isnan(matrix), axis=1) >= 2
    mult = np.ones(len(matrix)) if multiplicity is None else np.asarray(multiplicity, np.float64)
    return ChanceCorrected(float(np.mean(values)), None, None, round(float(mult[paired].sum())))
