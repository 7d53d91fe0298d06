"""Krippendorff's alpha_U for unitizing a continuum (Krippendorff 1995, "On the reliability of
unitizing continuous data", Sociological Methodology 25, 47-76; Content Analysis, 2nd ed.,
2004, pp. 251-256), per category and aggregated over categories.

For one category c, each coder's units of c and the gaps between them tile the continuum
[0, L). Two overlapping sections g (coder i) and h (coder j) differ by
- both units: (b_g - b_h)^2 + (e_g - e_h)^2 (squared differences of their starts and ends);
- a unit inside the other coder's gap: its length squared;
- otherwise 0.
D_o = 2 / (m (m - 1) L^2) * sum over coder pairs and overlapping sections of the difference;
D_e = (2 / L) * sum over units u of c [ (N_c - 1) (2 l_u^3 - 3 l_u^2 + l_u) / 3
      + l_u^2 * sum over gaps g (of every coder) with l_g >= l_u of (l_g - l_u + 1) ]
      / (m L (m L - 1) - sum over units l_u (l_u - 1)),
with N_c the number of units of c of all coders. alpha_U(c) = 1 - D_o / D_e; aggregated,
alpha_U = 1 - mean_c D_o(c) / mean_c D_e(c). Verified against Krippendorff's (2004, p. 254)
two-coder example as DKPro Statistics reproduces it (D_o = .0144, D_e = .0532, alpha .7286
for c; alpha_U .8591 overall from the disagreements rounded to four places, .8587 unrounded).

Unlike the 2016 family in `unitized`, alpha_U compares coders' units by their boundaries
(how far apart their starts and ends are), not character by character.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qualcode.errors import QualcodeError

Spans = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""One coder's units of one category as (starts, ends) arrays."""


@dataclass(frozen=True)
class AlphaU:
    """alpha_U per category and aggregated, with the disagreements behind them."""

    value: float | None
    by_category: Mapping[str, float | None]
    observed: Mapping[str, float]
    expected: Mapping[str, float]


def _tiling(
    length: int, starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Sections (start, end, is_unit) tiling [0, length) around sorted, disjoint units."""
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    if len(s) and (np.any(s[1:] < e[:-1]) or s[0] < 0 or e[-1] > length or np.any(s >= e)):
        raise QualcodeError(
            "alpha_U needs each coder's units of one category to lie in the continuum "
            "without overlapping; merge or split them first."
        )
    bounds = np.concatenate([[0], np.column_stack([s, e]).ravel(), [length]])
    sec_start, sec_end = bounds[:-1], bounds[1:]
    unit = np.zeros(len(sec_start), dtype=bool)
    unit[1::2] = True  # sections alternate gap, unit, gap, ...
    keep = sec_end > sec_start
    return sec_start[keep], sec_end[keep], unit[keep]


def distinct(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Sorted distinct values (`np.unique` without its hash table, which is slow here)."""
    ordered = np.sort(values, kind="stable")
    return (
        ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered
    )


def pair_terms(
    length: int, first: tuple[npt.NDArray, npt.NDArray, npt.NDArray], second: tuple
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The difference of every overlapping pair of sections of two coders, with the start
    of the first coder's section of each pair."""
    (s1, e1, u1), (s2, e2, u2) = first, second
    # Cut at every section start of either coder (all below length); at each cut, i and j
    # are the sections of each coder holding it: the number of its starts up to the cut,
    # less one, read off the merged sort (two sorted runs, so merging is linear).
    merged = np.concatenate([s1, s2])
    order = np.argsort(merged, kind="stable")
    ordered = merged[order]
    firsts = np.cumsum(order < len(s1))
    last = np.concatenate([ordered[1:] != ordered[:-1], [True]]) if len(ordered) else ordered > 0
    i = firsts[last] - 1
    j = np.arange(1, len(ordered) + 1)[last] - firsts[last] - 1
    # i and j only grow along the cuts: each overlapping pair is a run of equal (i, j).
    starts = np.concatenate([[True], (i[1:] != i[:-1]) | (j[1:] != j[:-1])])
    i, j = i[starts], j[starts]
    b1, b2, f1, f2 = s1[i], s2[j], e1[i], e2[j]
    both = u1[i] & u2[j]
    inside1 = u1[i] & ~u2[j] & (b2 <= b1) & (f1 <= f2)
    inside2 = ~u1[i] & u2[j] & (b1 <= b2) & (f2 <= f1)
    difference = np.where(both, (b1 - b2) ** 2 + (f1 - f2) ** 2, 0)
    difference = difference + np.where(inside1, (f1 - b1) ** 2, 0)
    difference = difference + np.where(inside2, (f2 - b2) ** 2, 0)
    return b1, difference


def _pair_difference(
    length: int, first: tuple[npt.NDArray, npt.NDArray, npt.NDArray], second: tuple
) -> float:
    """Sum of the differences of every overlapping pair of sections of two coders."""
    return float(pair_terms(length, first, second)[1].sum())


def disagreements(length: int, coders: Sequence[Spans]) -> tuple[float, float]:
    """(D_o, D_e) of one category, each coder's units as disjoint (starts, ends)."""
    m = len(coders)
    tilings = [_tiling(length, *spans) for spans in coders]
    observed = sum(
        _pair_difference(length, tilings[a], tilings[b]) for a in range(m) for b in range(a + 1, m)
    )
    d_o = 2.0 * observed / (m * (m - 1) * float(length) ** 2)
    units = np.concatenate([(e - s)[u] for s, e, u in tilings]).astype(np.float64)
    gaps = np.sort(np.concatenate([(e - s)[~u] for s, e, u in tilings]).astype(np.float64))
    n_c = len(units)
    # sum over gaps g >= l of (g - l + 1), for every unit length l, from suffix sums.
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    at = np.searchsorted(gaps, units, side="left")
    count = len(gaps) - at
    fits = suffix[at] - (units - 1) * count
    total = float(((n_c - 1) * (2 * units**3 - 3 * units**2 + units) / 3 + units**2 * fits).sum())
    mL = float(m * length)
    d_e = (2.0 / length) * total / (mL * (mL - 1) - float((units * (units - 1)).sum()))
    return d_o, d_e


def alpha_u(length: int, coders: Sequence[Mapping[str, Spans]]) -> AlphaU:
    """alpha_U of m coders over a continuum of `length`: each coder maps a category to its
    units (starts, ends). Categories are those any coder used; undefined (None) where the
    expected disagreement is 0."""
    if len(coders) < 2:
        raise QualcodeError(f"alpha_U needs at least two coders, got {len(coders)}.")
    if length <= 0:
        raise QualcodeError(f"The continuum must be at least one character long, got {length}.")
    empty: Spans = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    categories = sorted({c for coder in coders for c in coder})
    observed: dict[str, float] = {}
    expected: dict[str, float] = {}
    by_category: dict[str, float | None] = {}
    for category in categories:
        spans = [coder.get(category, empty) for coder in coders]
        arrays = [(np.asarray(s, dtype=np.int64), np.asarray(e, dtype=np.int64)) for s, e in spans]
        d_o, d_e = disagreements(length, arrays)
        observed[category], expected[category] = d_o, d_e
        by_category[category] = 1.0 - d_o / d_e if d_e > 0 else None
    mean_e = float(np.mean(list(expected.values()))) if expected else 0.0
    mean_o = float(np.mean(list(observed.values()))) if observed else 0.0
    value = 1.0 - mean_o / mean_e if mean_e > 0 else None
    return AlphaU(value, by_category, observed, expected)
