"""Per-code tests of a group difference, with the turn as the unit.

For each code, a 2 x k table: the participant turns in scope *with* the code and those
*without* it, per group. Each turn counts once in one cell, so the table is a proper
contingency table (a codes x groups table is not: a turn with two codes counts twice).

- The p-value is Pearson's chi-square when every expected count is at least 5 (Cochran's
  rule); otherwise Fisher's exact test for a 2 x 2 table, and for 2 x k a Monte-Carlo
  p-value from tables drawn with the same margins (scipy's ``random_table``).
- Holm's step-down adjustment (Holm 1979) over the codes shown controls the chance of any
  false "difference" at 5 % however many codes are tested.
- Adjusted residuals (Agresti, *Categorical Data Analysis*, 3rd ed., 2013, section 2.4.5):
  (O - E) / sqrt(E (1 - row share) (1 - column share)), approximately standard normal
  under independence. A cell is highlighted only when both its expected counts (with and
  without the code) are at least 5, and its two-sided p-value survives Holm's adjustment
  over all such cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist

from qualcode.domain.table import Style

ALPHA = 0.05
SMALL_EXPECTED = 5.0
MONTE_CARLO_TABLES = 9999
SEED = 14  # Monte-Carlo p-values are reproducible: the same tables give the same p

CHI_SQUARE = "chi-square"
FISHER = "Fisher's exact"
MONTE_CARLO = f"Monte-Carlo ({MONTE_CARLO_TABLES:,} tables)"


@dataclass(frozen=True)
class CodeTest:
    """One code's 2 x k test over the groups that have turns in scope.

    `columns` index the groups passed in; `expected` and `residuals` are of the cells *with*
    the code, one per kept group.
    """

    columns: tuple[int, ...]
    expected: tuple[float, ...]
    residuals: tuple[float, ...]
    min_expected: float
    statistic: float | None = None
    dof: int = 0
    p_value: float | None = None
    method: str = ""
    p_holm: float | None = None
    problem: str | None = None

    def residual(self, column: int) -> float | None:
        return self.residuals[self.columns.index(column)] if column in self.columns else None

    def expected_of(self, column: int) -> float | None:
        return self.expected[self.columns.index(column)] if column in self.columns else None


def compare_code(coded: Sequence[int], turns: Sequence[int]) -> CodeTest:
    """Test whether the share of turns with a code is the same in every group.

    `coded[g]` of `turns[g]` turns of group g hold the code; groups without turns are left out.
    """
    columns = tuple(g for g, n in enumerate(turns) if n > 0)
    with_code = [coded[g] for g in columns]
    sizes = [turns[g] for g in columns]
    total, hits = sum(sizes), sum(with_code)
    if total == 0:
        return CodeTest((), (), (), 0.0, problem="no turns in scope")
    expected = [n * hits / total for n in sizes]
    lowest = min(min(e, n - e) for e, n in zip(expected, sizes, strict=True))
    residuals = tuple(
        _adjusted_residual(o, e, hits / total, n / total)
        for o, e, n in zip(with_code, expected, sizes, strict=True)
    )
    base = CodeTest(columns, tuple(expected), residuals, lowest)
    if len(columns) < 2:
        return replace(base, problem="fewer than two groups with turns")
    if hits in (0, total):
        return replace(base, problem="no turn holds it" if hits == 0 else "every turn holds it")
    return _p_value(base, [with_code, [n - o for n, o in zip(sizes, with_code, strict=True)]])


def _p_value(base: CodeTest, table: list[list[int]]) -> CodeTest:
    from scipy import stats  # loaded here: a second of start-up that only comparisons need

    plain = stats.chi2_contingency(table, correction=False)
    statistic, dof = float(plain.statistic), int(plain.dof)
    if base.min_expected >= SMALL_EXPECTED:
        return replace(base, statistic=statistic, dof=dof, p_value=float(plain.pvalue),
                       method=CHI_SQUARE)  # fmt: skip
    if len(table[0]) == 2:
        fisher = stats.fisher_exact(table)
        return replace(base, statistic=statistic, dof=dof, p_value=float(fisher.pvalue),
                       method=FISHER)  # fmt: skip
    import numpy as np

    method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(SEED))
    resampled = stats.chi2_contingency(table, correction=False, method=method)
    return replace(base, statistic=statistic, dof=dof, p_value=float(resampled.pvalue),
                   method=MONTE_CARLO)  # fmt: skip


def _adjusted_residual(observed: int, expected: float, row: float, column: float) -> float:
    spread = expected * (1 - row) * (1 - column)
    return (observed - expected) / spread**0.5 if spread > 0 else 0.0


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (Holm 1979); None stays None and is not counted.

    The i-th smallest of m p-values becomes max over j <= i of min(1, (m - j + 1) p_(j)).
    """
    ranked = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(ranked)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for step, (p, index) in enumerate(ranked):
        running = max(running, min(1.0, (m - step) * p))
        adjusted[index] = running
    return adjusted


def with_holm(tests: Sequence[CodeTest]) -> list[CodeTest]:
    """The tests with Holm-adjusted p-values over those that have a p-value."""
    adjusted = holm([test.p_value for test in tests])
    return [replace(test, p_holm=p) for test, p in zip(tests, adjusted, strict=True)]


@dataclass(frozen=True)
class Highlights:
    """Which cells (code row, group column) stand out, and the sentence that says why."""

    styles: dict[tuple[int, int], Style]
    note: str


def highlights(tests: Sequence[CodeTest], turns: Sequence[int]) -> Highlights:
    """Cells whose adjusted residual survives Holm over every cell whose expected counts,
    with and without the code, are at least 5."""
    eligible: list[tuple[int, int, float]] = []
    for row, test in enumerate(tests):
        for column, expected, residual in zip(
            test.columns, test.expected, test.residuals, strict=True
        ):
            if min(expected, turns[column] - expected) >= SMALL_EXPECTED:
                eligible.append((row, column, residual))
    cells = sum(len(test.columns) for test in tests)
    if not eligible:
        return Highlights(
            {},
            f"No cell is highlighted: none of the {cells} cells has expected counts of at "
            f"least {SMALL_EXPECTED:g} turns with and without the code, which the adjusted "
            "residual needs to be read as a normal deviate.",
        )
    normal = NormalDist()
    p_values = [2 * (1 - normal.cdf(abs(residual))) for _, _, residual in eligible]
    adjusted = holm(p_values)
    styles: dict[tuple[int, int], Style] = {}
    for (row, column, residual), p in zip(eligible, adjusted, strict=True):
        if p is not None and p < ALPHA:
            styles[(row, column)] = "over" if residual > 0 else "under"
    first = normal.inv_cdf(1 - ALPHA / (2 * len(eligible)))
    left_out = cells - len(eligible)
    why = (
        f"; {left_out} cell{'s' if left_out != 1 else ''} with an expected count below "
        f"{SMALL_EXPECTED:g} cannot be judged and {'are' if left_out != 1 else 'is'} never "
        "highlighted"
        if left_out
        else ""
    )
    return Highlights(
        styles,
        f"Highlighted: adjusted residual significant at 5 % after Holm's adjustment over the "
        f"{len(eligible)} cells with expected counts of at least {SMALL_EXPECTED:g} "
        f"(the largest needs |r| > {first:.2f}); over-used above 0, under-used below{why}.",
    )
