"""Bootstrap intervals for Krippendorff's alpha (Krippendorff's algorithm).

Alpha (Krippendorff 2006/2011, "Algorithm for bootstrapping a distribution of alpha";
Hayes & Krippendorff 2007, Communication Methods and Measures 1, 77-89): from the observed
coincidences o_ck (n.. pairable values), draw M pairs of values with replacement, pair
(c, k) with probability o_ck / n.. (both orders together); each resample gives
alpha* = 1 - sum delta^2 / (M D_e) with the expected disagreement per pair D_e of the
data, floored at -1. A resample with no variation is indeterminate rather than perfect:
up to round(X sum_c (o_cc / n..)^M) of the resamples at 1 are set to 0, as the algorithm
says. The interval is the 2.5 and 97.5 percentiles of X resamples. M is (m - 1) n.. / 2
(the number of pairs in the data); Krippendorff caps it at 25 times the non-zero cells as
a practical limit for drawing pairs one by one, which drawing the counts of each pair from
a multinomial does not need, so qualcode does not cap it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RESAMPLES = 1000
SEED = 20070101  # any fixed seed: intervals are reproducible run to run


@dataclass(frozen=True)
class Bootstrap:
    """How bootstrap intervals were drawn, reported beside them."""

    resamples: int = RESAMPLES
    seed: int = SEED


def coincidences(
    counts: npt.NDArray[np.float64], multiplicity: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.float64]:
    """Krippendorff's coincidence matrix o_ck from a units x values counts table."""
    raters = counts.sum(axis=1)
    paired = raters >= 2
    table = counts[paired]
    scale = 1.0 / (raters[paired] - 1)
    if multiplicity is not None:
        scale = scale * np.asarray(multiplicity, dtype=np.float64)[paired]
    matrix: npt.NDArray[np.float64] = (table * scale[:, None]).T @ table - np.diag(
        (table * scale[:, None]).sum(axis=0)
    )
    return matrix


def distances(
    level: str, domain: npt.NDArray[np.float64], margins: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """delta^2_ck of Krippendorff (2011) for the level of measurement."""
    v = np.asarray(domain, dtype=np.float64)
    if level == "nominal":
        return 1.0 - np.eye(len(v))
    if level == "interval":
        return (v[:, None] - v[None, :]) ** 2
    if level == "ratio":
        total = v[:, None] + v[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total != 0, ((v[:, None] - v[None, :]) / total) ** 2, 0.0)
    # ordinal: (sum of n_g from c to k - (n_c + n_k) / 2)^2, by rank
    cumulative = np.concatenate([[0.0], np.cumsum(margins)])
    low = np.minimum.outer(np.arange(len(v)), np.arange(len(v)))
    high = np.maximum.outer(np.arange(len(v)), np.arange(len(v)))
    between = cumulative[high + 1] - cumulative[low]
    squared: npt.NDArray[np.float64] = (between - (margins[:, None] + margins[None, :]) / 2) ** 2
    return squared


def alpha_interval(
    counts: npt.NDArray[np.float64],
    domain: npt.NDArray[np.float64],
    level: str,
    n_coders: int,
    *,
    multiplicity: npt.NDArray[np.float64] | None = None,
    bootstrap: Bootstrap = Bootstrap(),
    confidence: float = 0.95,
) -> tuple[float | None, float | None]:
    """The bootstrap interval of alpha (module doc); (None, None) where alpha is undefined."""
    observed = coincidences(counts, multiplicity)
    total = float(observed.sum())
    margins = observed.sum(axis=1)
    if total <= 1:
        return None, None
    delta = distances(level, domain, margins)
    expected = (np.outer(margins, margins) - np.diag(margins)) / (total - 1)
    disagreement = float((expected * delta).sum())
    if disagreement <= 1e-12 * total:
        return None, None
    q = len(margins)
    upper = np.triu_indices(q)
    weight = np.where(upper[0] == upper[1], 1.0, 2.0)
    p = np.clip(observed[upper] * weight / total, 0, None)
    p = p / p.sum()
    pairs = max(round((n_coders - 1) * total / 2), 1)
    rng = np.random.default_rng(bootstrap.seed)
    draws = rng.multinomial(pairs, p, size=bootstrap.resamples)
    alphas = 1.0 - (draws @ delta[upper]) / (pairs * disagreement / total)
    alphas = np.maximum(alphas, -1.0)
    at_one = np.flatnonzero(alphas >= 1.0 - 1e-12)
    flat = float(((np.diag(observed) / total) ** pairs).sum())  # P(a resample has no variation)
    indeterminate = round(bootstrap.resamples * flat)
    alphas[at_one[: min(indeterminate, len(at_one))]] = 0.0
    tail = (1 - confidence) / 2
    low, high = np.quantile(alphas, [tail, 1 - tail])
    return float(low), float(high)
