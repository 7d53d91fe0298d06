"""The coefficients of `coefficients()` for binary presence data, from pattern counts.

Presence data (did each coder apply the code to the unit?) has few distinct unit patterns:
a unit is described by r, the number of coders who coded it, and p, how many of them
applied the code (and, for two coders, which one). Counting units per (r, p) once, the
patterns are the rows of a counts table with a multiplicity each, and the coefficients
and their standard errors come from the same `multirater.family` as `coefficients(matrix)`,
in microseconds instead of a pass over a 100,000 x m matrix per code; pooling codes is
adding their counts. Krippendorff's alpha still comes from the `krippendorff` package
(`nominal.alpha_from_counts` over the disagreeing units plus one pooled row per category
for the unanimous ones). Tests check equality with
`coefficients()` on random matrices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement._counts import CategoryCounts
from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.multirater import family, specific_agreement
from qualcode.analysis.agreement.nominal import (
    AgreementResult,
    PercentAgreement,
    PresenceCounts,
    alpha_from_counts,
    presence_kappa,
)
from qualcode.analysis.agreement.raters import conger, light, light_interval


@dataclass(frozen=True)
class PresencePatterns:
    """`weights[r, p]`: units that r coders coded and p of them marked present; `pair`:
    the 2 x 2 table of the first two coders over units both coded (used for Cohen's kappa
    when there are exactly two coders)."""

    weights: npt.NDArray[np.int64]
    pair: PresenceCounts
    raters: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] = (
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
    )
    """Which coder did what, for the coefficients with rater-specific marginals (Conger's,
    Light's): (pattern, units) where a pattern gives coder g's state s_g (0 no value,
    1 not coded, 2 coded) as sum s_g 3^g. Empty beyond `MAX_RATERS` coders."""

    @property
    def n_coders(self) -> int:
        return int(self.weights.shape[0]) - 1

    def __add__(self, other: PresencePatterns) -> PresencePatterns:
        a, b = self.pair, other.pair
        pair = PresenceCounts(
            a.both + b.both, a.a_only + b.a_only, a.b_only + b.b_only, a.neither + b.neither
        )
        keys = np.concatenate([self.raters[0], other.raters[0]])
        units = np.concatenate([self.raters[1], other.raters[1]])
        patterns, at = np.unique(keys, return_inverse=True)
        summed = np.bincount(at, weights=units, minlength=len(patterns)).astype(np.int64)
        return PresencePatterns(self.weights + other.weights, pair, (patterns, summed))

    def rater_matrix(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The distinct units x coders presence rows (NaN no value, 0 not coded, 1 coded)
        and how many units each stands for."""
        patterns, units = self.raters
        states = (patterns[:, None] // 3 ** np.arange(self.n_coders)) % 3
        matrix = np.where(states == 0, np.nan, states - 1.0)
        return matrix, units.astype(np.float64)


MAX_RATERS = 39
"""3^39 < 2^63: the most coders whose patterns fit an int64."""


def presence_patterns(
    present: npt.NDArray[np.bool_], covered: npt.NDArray[np.bool_]
) -> PresencePatterns:
    """Count the patterns of a units x coders presence matrix; `covered` marks the cells
    that hold a value (the rest are missing)."""
    m = covered.shape[1]
    hit = present & covered
    r = covered.sum(axis=1)
    p = hit.sum(axis=1)
    weights = np.bincount(r * (m + 1) + p, minlength=(m + 1) ** 2).reshape(m + 1, m + 1)
    both_coded = covered[:, 0] & covered[:, 1]
    a, b = hit[both_coded, 0], hit[both_coded, 1]
    n_both = int(np.count_nonzero(a & b))
    n_a, n_b = int(np.count_nonzero(a)), int(np.count_nonzero(b))
    pair = PresenceCounts(n_both, n_a - n_both, n_b - n_both, len(a) - n_a - n_b + n_both)
    if m > MAX_RATERS:
        return PresencePatterns(weights.astype(np.int64), pair)
    state = covered.astype(np.int64) + hit
    code = state @ (3 ** np.arange(m, dtype=np.int64))
    if 3**m <= 6561:
        tally = np.bincount(code, minlength=3**m)
        patterns = np.flatnonzero(tally)
        units = tally[patterns]
    else:
        patterns, units = np.unique(code, return_counts=True)
    raters = (patterns.astype(np.int64), units.astype(np.int64))
    return PresencePatterns(weights.astype(np.int64), pair, raters)


def pattern_coefficients(
    patterns: PresencePatterns, bootstrap: Bootstrap | None = None
) -> AgreementResult:
    """Every coefficient `coefficients()` reports for the presence matrix behind `patterns`
    (with `bootstrap`, with their intervals)."""
    m = patterns.n_coders
    r, p = np.meshgrid(np.arange(m + 1), np.arange(m + 1), indexing="ij")
    valid = (p <= r) & (patterns.weights > 0)
    w = patterns.weights[valid].astype(np.float64)
    counts = np.column_stack([(r - p)[valid], p[valid]]).astype(np.float64)
    confidence = 0.95 if bootstrap is not None else None
    absent, present = specific_agreement(counts, multiplicity=w, confidence=confidence)
    # Categories as category_counts finds them: the values that occur, 0 before 1.
    observed = [k for k in (0, 1) if float(w @ counts[:, k]) > 0]
    counts = counts[:, observed]
    result = family(counts, multiplicity=w, confidence=confidence)
    conger_kappa = light_kappa = None
    if m >= 3 and len(patterns.raters[0]):
        matrix, units = patterns.rater_matrix()
        domain = np.array(observed, dtype=np.float64)
        conger_kappa = conger(matrix, domain, confidence=confidence, multiplicity=units)
        light_kappa = light(matrix, domain, multiplicity=units)
        if bootstrap is not None and light_kappa.value is not None:
            low, high = light_interval(
                matrix, domain, bootstrap.resamples, bootstrap.seed, multiplicity=units
            )
            light_kappa = replace(light_kappa, ci_low=low, ci_high=high)
    percent = result.percent_agreement
    n_units = percent.n_units
    table = CategoryCounts(
        counts=_pooled(counts, w), domain=np.array(observed, dtype=np.float64), n_coders=m
    )
    return AgreementResult(
        n_units=n_units,
        n_coders=m,
        percent_agreement=PercentAgreement(percent.value, n_units, percent.ci_low, percent.ci_high),
        krippendorff_alpha=alpha_from_counts(table, "nominal", bootstrap),
        cohen_kappa=presence_kappa(patterns.pair, confidence) if m == 2 else None,
        fleiss_kappa=result.fleiss_kappa,
        brennan_prediger=result.brennan_prediger,
        gwet_ac1=result.gwet_ac,
        conger_kappa=conger_kappa,
        light_kappa=light_kappa,
        specific_agreement=(absent, present),
        bootstrap=bootstrap,
    )


def _pooled(counts: npt.NDArray[np.float64], w: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Value counts for `nominal.alpha_from_counts`: every disagreeing pairable unit as a
    row, and each unanimous pattern pooled into one row (which leaves the coincidences
    unchanged)."""
    paired = counts.sum(axis=1) >= 2
    counts, w = counts[paired], w[paired]
    unanimous = np.count_nonzero(counts, axis=1) <= 1
    split = np.repeat(counts[~unanimous], w[~unanimous].astype(np.int64), axis=0)
    return np.vstack([split, counts[unanimous] * w[unanimous, None]])
