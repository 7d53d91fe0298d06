"""Chi-square, adjusted residuals, Fisher's exact test and Wilson intervals for code x group counts.

Rows are codes, columns are groups (departments, focus-group kinds, professions). All tests
come from scipy.stats; only Haberman's adjusted residuals and Cochran's rule are written out
here, because scipy offers neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qualcode.domain.table import Style
from qualcode.errors import QualcodeError

RESIDUAL_THRESHOLD = 1.96
"""|adjusted residual| above which a cell counts as over- or under-used (two-sided 5 %)."""


@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson's chi-square test of independence on the non-empty part of a table.

    ``observed``, ``expected`` and ``adjusted_residuals`` cover only the kept rows and
    columns; ``kept_rows`` and ``kept_columns`` index them in the table that was passed in.
    """

    statistic: float
    dof: int
    p_value: float
    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    adjusted_residuals: NDArray[np.float64]
    kept_rows: tuple[int, ...]
    kept_columns: tuple[int, ...]
    fisher_odds_ratio: float | None = None
    fisher_p_value: float | None = None
    notes: tuple[str, ...] = ()


def chi_square(
    table: ArrayLike,
    *,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
) -> ChiSquareResult:
    """Test a table of counts for independence; drop all-zero rows and columns with a note.

    The statistic is Pearson's X² without Yates' correction, so that it agrees with the
    adjusted residuals; for 2 x 2 tables Fisher's exact test (two-sided) is added.
    """
    counts = _counts(table)
    rows = row_labels or [f"row {index + 1}" for index in range(counts.shape[0])]
    columns = column_labels or [f"column {index + 1}" for index in range(counts.shape[1])]
    if (len(rows), len(columns)) != counts.shape:
        raise ValueError(f"labels for {len(rows)} x {len(columns)}, table is {counts.shape}")
    kept_rows = tuple(int(i) for i in np.flatnonzero(counts.sum(axis=1)))
    kept_columns = tuple(int(j) for j in np.flatnonzero(counts.sum(axis=0)))
    notes = [
        _dropped_note(kind, labels, kept)
        for kind, labels, kept in (("row", rows, kept_rows), ("column", columns, kept_columns))
        if len(kept) < len(labels)
    ]
    if len(kept_rows) < 2 or len(kept_columns) < 2:
        raise QualcodeError(
            "A chi-square test needs at least two codes and two groups with codings; "
            "widen the filters or choose more codes."
        )
    from scipy import stats  # loaded here: a second of start-up that only comparisons need

    observed = counts[np.ix_(kept_rows, kept_columns)]
    result = stats.chi2_contingency(observed, correction=False)
    expected = np.asarray(result.expected_freq, dtype=float)
    warning = small_expected_warning(expected)
    if warning:
        notes.append(warning)
    fisher_odds_ratio = fisher_p_value = None
    if observed.shape == (2, 2):
        fisher = stats.fisher_exact(observed)
        fisher_odds_ratio, fisher_p_value = float(fisher.statistic), float(fisher.pvalue)
    return ChiSquareResult(
        statistic=float(result.statistic),
        dof=int(result.dof),
        p_value=float(result.pvalue),
        observed=observed,
        expected=expected,
        adjusted_residuals=adjusted_residuals(observed),
        kept_rows=kept_rows,
        kept_columns=kept_columns,
        fisher_odds_ratio=fisher_odds_ratio,
        fisher_p_value=fisher_p_value,
        notes=tuple(notes),
    )


def adjusted_residuals(observed: ArrayLike) -> NDArray[np.float64]:
    """Haberman's adjusted residuals (O - E) / sqrt(E (1 - row/N) (1 - col/N)).

    Under independence each is approximately standard normal, so |r| > 1.96 marks a cell
    that departs from independence at the 5 % level. The table must have no empty row or
    column (``chi_square`` drops them first).
    """
    counts = np.asarray(observed, dtype=float)
    total = counts.sum()
    row_share = counts.sum(axis=1, keepdims=True) / total
    column_share = counts.sum(axis=0, keepdims=True) / total
    expected = row_share * column_share * total
    residuals: NDArray[np.float64] = (counts - expected) / np.sqrt(
        expected * (1 - row_share) * (1 - column_share)
    )
    return residuals


def small_expected_warning(expected: ArrayLike) -> str | None:
    """Cochran's rule: warn when over 20 % of expected counts are below 5 or any is below 1."""
    cells = np.asarray(expected, dtype=float)
    below_five = int((cells < 5).sum())
    below_one = int((cells < 1).sum())
    if below_five <= 0.2 * cells.size and below_one == 0:
        return None
    return (
        f"The chi-square test may be unreliable: {below_five} of {cells.size} cells have an "
        f"expected count below 5 and {below_one} below 1 (Cochran's rule allows at most 20 % "
        "below 5 and none below 1); merge sparse codes or groups, or use Fisher's exact test."
    )


def residual_styles(
    residuals: ArrayLike, threshold: float = RESIDUAL_THRESHOLD
) -> list[list[Style]]:
    """Highlight styles for a result table: "over" above +threshold, "under" below -threshold."""
    styles: list[list[Style]] = []
    for row in np.atleast_2d(np.asarray(residuals, dtype=float)):
        styles.append(
            ["over" if r > threshold else "under" if r < -threshold else None for r in row]
        )
    return styles


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval (no continuity correction) for the proportion successes / n.

    Closed form (Wilson 1927; Agresti & Coull 1998): with p = successes / n and z the normal
    quantile, centre (p + z²/2n) / (1 + z²/n) and half-width
    z sqrt(p (1 - p) / n + z² / 4n²) / (1 + z²/n).
    """
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    scale = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / scale
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
    # at 0 (or n) successes the bound is exactly 0 (1): centre and half-width are then equal,
    # and their float difference (2.78e-17 for 0 of 10) printed as a lower bound above 0
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def _counts(table: ArrayLike) -> NDArray[np.int64]:
    array = np.asarray(table)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer) or (array < 0).any():
        raise ValueError("a contingency table is a 2-D array of non-negative integer counts")
    return array.astype(np.int64)


def _dropped_note(kind: str, labels: Sequence[str], kept: tuple[int, ...]) -> str:
    dropped = [label for index, label in enumerate(labels) if index not in kept]
    plural = "s" if len(dropped) > 1 else ""
    return f"Left out {len(dropped)} {kind}{plural} without codings: {', '.join(dropped)}."
