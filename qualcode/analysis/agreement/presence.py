"""The coefficients of `coefficients()` for binary presence data, from pattern counts.

Presence data (did each coder apply the code to the unit?) has few distinct unit patterns:
a unit is described by r, the number of coders who coded it, and p, how many of them
applied the code (and, for two coders, which one). Counting units per (r, p) once gives
the observed agreement and prevalences of `nominal.summarise` from the weighted patterns;
the coefficients then come from the same `nominal` functions as `coefficients(matrix)`, in
microseconds instead of a pass over a 100,000 x m matrix per code, and pooling codes is
adding their counts. Krippendorff's alpha still comes from the `krippendorff` package
(`nominal.alpha_from_counts` over the disagreeing units plus one pooled row per category
for the unanimous ones). Tests check equality with
`coefficients()` on random matrices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement._counts import CategoryCounts
from qualcode.analysis.agreement.nominal import (
    AgreementResult,
    Alpha,
    PercentAgreement,
    PresenceCounts,
    Summary,
    alpha_from_counts,
    brennan_prediger_from,
    fleiss_from,
    gwet_ac1_from,
    presence_kappa,
)


@dataclass(frozen=True)
class PresencePatterns:
    """`weights[r, p]`: units that r coders coded and p of them marked present; `pair`:
    the 2 x 2 table of the first two coders over units both coded (used for Cohen's kappa
    when there are exactly two coders)."""

    weights: npt.NDArray[np.int64]
    pair: PresenceCounts

    @property
    def n_coders(self) -> int:
        return int(self.weights.shape[0]) - 1

    def __add__(self, other: PresencePatterns) -> PresencePatterns:
        a, b = self.pair, other.pair
        pair = PresenceCounts(
            a.both + b.both, a.a_only + b.a_only, a.b_only + b.b_only, a.neither + b.neither
        )
        return PresencePatterns(self.weights + other.weights, pair)


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
    return PresencePatterns(weights.astype(np.int64), pair)


def pattern_coefficients(patterns: PresencePatterns) -> AgreementResult:
    """Every coefficient `coefficients()` reports for the presence matrix behind `patterns`."""
    m = patterns.n_coders
    r, p = np.meshgrid(np.arange(m + 1), np.arange(m + 1), indexing="ij")
    w = patterns.weights.astype(np.float64) * (p <= r)
    absent = r - p
    # Categories as category_counts finds them: the values that occur, 0 before 1.
    observed = [k for k, n in ((0, absent), (1, p)) if float((w * n).sum()) > 0]
    q = len(observed)
    paired = r >= 2
    n_units = int(w[paired].sum())
    agreement = None
    if n_units:
        share = (absent * (absent - 1) + p * (p - 1)) / np.where(paired, r * (r - 1), 1)
        agreement = float((w * share)[paired].sum() / n_units)
    rated = r >= 1
    n_rated = float(w[rated].sum())
    prevalence = (
        np.array(
            [
                float((w * (absent if k == 0 else p) / np.maximum(r, 1))[rated].sum()) / n_rated
                for k in observed
            ]
        )
        if n_rated
        else np.zeros(q)
    )
    summary = Summary(agreement, n_units, prevalence, q)
    return AgreementResult(
        n_units=n_units,
        n_coders=m,
        percent_agreement=PercentAgreement(agreement, n_units),
        krippendorff_alpha=Alpha(_pattern_alpha(w, observed), "nominal", n_units),
        cohen_kappa=presence_kappa(patterns.pair) if m == 2 else None,
        fleiss_kappa=fleiss_from(summary),
        brennan_prediger=brennan_prediger_from(summary, q),
        gwet_ac1=gwet_ac1_from(summary),
    )


def _pattern_alpha(w: npt.NDArray[np.float64], observed: list[int]) -> float | None:
    """Alpha via `nominal.alpha_from_counts`: value counts of every disagreeing unit, and each
    unanimous pattern pooled into one row (which leaves the coincidences unchanged)."""
    rows: list[npt.NDArray[np.float64]] = []
    for r in range(2, w.shape[0]):
        for p in range(r + 1):
            n = int(w[r, p])
            if not n:
                continue
            if 0 < p < r:
                rows.append(np.repeat([[r - p, p]], n, axis=0).astype(np.float64))
            else:
                rows.append(np.array([[n * (r - p), n * p]], dtype=np.float64))
    if not rows:
        return None
    counts = np.vstack(rows)[:, observed]
    table = CategoryCounts(counts=counts, domain=np.array(observed, dtype=np.float64), n_coders=0)
    return alpha_from_counts(table, "nominal").value
