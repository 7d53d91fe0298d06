"""Code x group comparison: contingency table, chi-square test, residuals and proportions.

The unit is the coded turn: a cell counts the group's turns coded with the code (rolled up).
A turn may hold several codes, so the rows are not mutually exclusive categories and the
chi-square test is a descriptive guide rather than an exact test (docs/analysis.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from qualcode.analysis.contingency import (
    RESIDUAL_THRESHOLD,
    ChiSquareResult,
    chi_square,
    residual_styles,
    wilson_interval,
)
from qualcode.analysis.frequency import TOTAL, Grouping, cells, denominators, label
from qualcode.domain.counts import CodedTurns, TurnTotals
from qualcode.domain.table import Cell, ResultTable, Style
from qualcode.errors import QualcodeError

CAVEAT = (
    "A turn can hold several codes, so codes are not exclusive categories: read the test "
    "as a guide to where groups differ, not as an exact p-value."
)


@dataclass(frozen=True)
class Comparison:
    """Coded turns per code (rows) and group (columns), with the test when one is possible."""

    dimension: str
    codes: list[tuple[int, str, str]]
    groups: list[str]
    counts: list[list[int]]
    group_turns: list[int]
    test: ChiSquareResult | None
    problem: str | None = None

    def residual(self, row: int, column: int) -> float | None:
        """The adjusted residual of a cell, None where the test left the row or column out."""
        return self._tested(row, column, lambda test: test.adjusted_residuals)

    def expected(self, row: int, column: int) -> float | None:
        return self._tested(row, column, lambda test: test.expected)

    def _tested(
        self, row: int, column: int, matrix: Callable[[ChiSquareResult], NDArray[np.float64]]
    ) -> float | None:
        """A cell of one of the test's matrices (which hold only the kept rows and columns)."""
        if self.test is None:
            return None
        try:
            r = self.test.kept_rows.index(row)
            c = self.test.kept_columns.index(column)
        except ValueError:
            return None
        return float(matrix(self.test)[r, c])

    def style(self, row: int, column: int) -> Style:
        value = self.residual(row, column)
        return None if value is None else residual_styles([[value]])[0][0]


def compare_groups(
    codes: Sequence[tuple[int, str, str]],
    grouping: Grouping,
    rows: Sequence[CodedTurns],
    totals: Sequence[TurnTotals],
) -> Comparison:
    """Count coded turns per code and group, and test the table when it allows a test."""
    (dimension,) = grouping.dimensions
    groups = grouping.groups(totals)
    found = cells(grouping, rows)
    bases = denominators(grouping, totals)
    counts = [
        [found[(code_id, group)].turns if (code_id, group) in found else 0 for group in groups]
        for code_id, _, _ in codes
    ]
    names = [label(group) for group in groups]
    test, problem = None, None
    try:
        test = chi_square(
            np.array(counts, dtype=np.int64).reshape(len(codes), len(groups)),
            row_labels=[key for _, key, _ in codes],
            column_labels=names,
        )
    except QualcodeError as error:
        problem = str(error)
    return Comparison(
        dimension=dimension,
        codes=list(codes),
        groups=names,
        counts=counts,
        group_turns=[bases[group].turns for group in groups],
        test=test,
        problem=problem,
    )


def comparison_tables(comparison: Comparison) -> list[ResultTable]:
    """Counts (highlighted by residual), residuals, expected counts, shares, the test."""
    return [
        _counts_table(comparison),
        _cell_table(comparison, "Adjusted residuals", comparison.residual),
        _cell_table(comparison, "Expected coded turns", comparison.expected),
        _shares_table(comparison),
        _test_table(comparison),
    ]


def _counts_table(comparison: Comparison) -> ResultTable:
    rows: list[list[Cell]] = []
    styles: list[list[Style]] = []
    for r, (_, key, name) in enumerate(comparison.codes):
        counts = comparison.counts[r]
        rows.append([key, name, *counts, sum(counts)])
        styles.append([None, None, *(comparison.style(r, c) for c in range(len(counts))), None])
    group_row: list[Cell] = [
        None,
        "Turns in group",
        *comparison.group_turns,
        sum(comparison.group_turns),
    ]
    return ResultTable(
        title=f"Coded turns by {comparison.dimension}",
        columns=["Code", "Name", *comparison.groups, TOTAL],
        rows=[*rows, group_row],
        styles=[*styles, [None] * len(group_row)],
        notes=_test_notes(comparison),
    )


def _cell_table(
    comparison: Comparison, title: str, value: Callable[[int, int], float | None]
) -> ResultTable:
    rows: list[list[Cell]] = []
    styles: list[list[Style]] = []
    for r, (_, key, name) in enumerate(comparison.codes):
        columns = range(len(comparison.groups))
        rows.append([key, name, *(value(r, c) for c in columns)])
        styles.append([None, None, *(comparison.style(r, c) for c in columns)])
    return ResultTable(
        title=f"{title} by {comparison.dimension}",
        columns=["Code", "Name", *comparison.groups],
        rows=rows,
        styles=styles if comparison.test else None,
        notes=[] if comparison.test else [comparison.problem or ""],
    )


def _shares_table(comparison: Comparison) -> ResultTable:
    rows: list[list[Cell]] = []
    for r, (_, key, name) in enumerate(comparison.codes):
        for c, group in enumerate(comparison.groups):
            coded, turns = comparison.counts[r][c], comparison.group_turns[c]
            low, high = wilson_interval(coded, turns) if turns else (None, None)
            share = coded / turns if turns else None
            rows.append([key, name, group, coded, turns, share, low, high])
    return ResultTable(
        title=f"Share of turns by {comparison.dimension}",
        columns=[
            "Code",
            "Name",
            comparison.dimension.replace("-", " ").capitalize(),
            "Coded turns",
            "Turns",
            "Share",
            "95% CI low",
            "95% CI high",
        ],
        rows=rows,
        notes=["Share: coded turns / all the group's turns; 95 % Wilson score interval."],
    )


def _test_table(comparison: Comparison) -> ResultTable:
    test = comparison.test
    if test is None:
        return ResultTable(
            title="Chi-square test",
            columns=["Statistic", "Value"],
            rows=[],
            notes=[comparison.problem or ""],
        )
    from scipy.stats.contingency import association  # lazily, as in analysis.contingency

    rows: list[list[str | int | float | None]] = [
        ["Chi-square (Pearson)", test.statistic],
        ["Degrees of freedom", test.dof],
        ["p-value", test.p_value],
        ["Coded turns (N)", int(test.observed.sum())],
        ["Cramér's V", float(association(test.observed, method="cramer"))],
    ]
    if test.fisher_p_value is not None:
        rows += [
            ["Fisher's exact test p (2 x 2)", test.fisher_p_value],
            ["Odds ratio (Fisher)", test.fisher_odds_ratio],
        ]
    return ResultTable(
        title="Chi-square test", columns=["Statistic", "Value"], rows=rows, notes=[*test.notes]
    )


def _test_notes(comparison: Comparison) -> list[str]:
    test = comparison.test
    if test is None:
        return [f"No chi-square test: {comparison.problem}"]
    summary = (
        f"Chi-square test of independence: X² = {test.statistic:.2f}, df = {test.dof}, "
        f"p = {test.p_value:.3g}, N = {int(test.observed.sum())} coded turns."
    )
    marks = (
        f"Highlighted: adjusted residual above {RESIDUAL_THRESHOLD} (used more than expected) "
        f"or below -{RESIDUAL_THRESHOLD} (used less than expected)."
    )
    fisher = []
    if test.fisher_p_value is not None:
        fisher = [f"Fisher's exact test (2 x 2): p = {test.fisher_p_value:.3g}."]
    return [summary, *fisher, marks, *test.notes, CAVEAT]
