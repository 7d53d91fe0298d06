"""Code x group comparison: coded turns, shares with intervals, and tests a reader can trust.

Two units, each named in the tables:

- **the turn**: per code, a 2 x k test of turns with the code against participant turns
  without it (`qualcode.analysis.code_tests`), Holm-adjusted over the codes shown, and the
  adjusted residuals behind the highlights;
- **the focus group** (transcript): per code, the per-transcript shares compared with a
  permutation test (`qualcode.analysis.clusters`), since turns of one focus group are not
  independent.

The codes x groups chi-square (the omnibus test) counts code applications, not turns: a turn
with two codes counts twice. It is computed only when asked for, and labelled so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qualcode.analysis.clusters import ClusterTest, cluster_tests, power_note
from qualcode.analysis.code_tests import (
    SMALL_EXPECTED,
    CodeTest,
    Highlights,
    compare_code,
    highlights,
    with_holm,
)
from qualcode.analysis.contingency import ChiSquareResult, chi_square, wilson_interval
from qualcode.analysis.frequency import TOTAL, Grouping, cells, denominators, label
from qualcode.domain.counts import CodedTurns, TurnTotals
from qualcode.domain.table import ResultTable, Style
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError

TRANSCRIPT_DIMENSIONS = ("department", "group-kind")  # a transcript belongs to one group
OMNIBUS_LABEL = "Omnibus chi-square (counts code applications, not turns)"


@dataclass(frozen=True)
class Comparison:
    """Coded turns per code (rows) and group (columns), with the tests per code."""

    dimension: str
    codes: list[tuple[int, str, str]]
    groups: list[str]
    counts: list[list[int]]
    group_turns: list[int]
    tests: list[CodeTest]
    marks: Highlights
    clusters: list[ClusterTest] | None = None
    cluster_note: str | None = None
    omnibus: ChiSquareResult | None = None
    omnibus_problem: str | None = None
    participants: bool = True  # False when moderators' turns are counted too

    @property
    def turns(self) -> int:
        """N: the turns in scope (each counted once), by default participant turns."""
        return sum(self.group_turns)

    @property
    def counted(self) -> str:
        """What the denominators count, for labels: "participant turns" or "turns"."""
        return "participant turns" if self.participants else "turns"

    def residual(self, row: int, column: int) -> float | None:
        """The adjusted residual of a cell in its code's 2 x k table."""
        return self.tests[row].residual(column)

    def expected(self, row: int, column: int) -> float | None:
        return self.tests[row].expected_of(column)

    def testable(self, row: int, column: int) -> bool:
        """True when the cell's expected counts (with and without the code) are at least 5."""
        expected = self.expected(row, column)
        turns = self.group_turns[column]
        return expected is not None and min(expected, turns - expected) >= SMALL_EXPECTED

    def style(self, row: int, column: int) -> Style:
        return self.marks.styles.get((row, column))

    def differing(self) -> list[str]:
        """Keys of the codes whose Holm-adjusted p-value is below 5 %."""
        return [
            key
            for (_, key, _), test in zip(self.codes, self.tests, strict=True)
            if test.p_holm is not None and test.p_holm < 0.05
        ]


def compare_groups(
    codes: Sequence[tuple[int, str, str]],
    grouping: Grouping,
    rows: Sequence[CodedTurns],
    totals: Sequence[TurnTotals],
    *,
    omnibus: bool = False,
    participants: bool = True,
) -> Comparison:
    """Count coded turns per code and group, test each code, and (where transcripts nest in
    the groups) compare the focus groups. `participants` is False when the totals include
    moderators' turns (the labels then say "turns", not "participant turns")."""
    dimension = ", ".join(grouping.dimensions)  # "card, department": the pairs are groups
    groups = grouping.groups(totals)
    found = cells(grouping, rows)
    bases = denominators(grouping, totals)
    counts = [
        [found[(code_id, group)].turns if (code_id, group) in found else 0 for group in groups]
        for code_id, _, _ in codes
    ]
    group_turns = [bases[group].turns for group in groups]
    tests = with_holm([compare_code(row, group_turns) for row in counts])
    names = [label(group) for group in groups]
    clusters = note = None
    if all(d in TRANSCRIPT_DIMENSIONS for d in grouping.dimensions):
        clusters = _cluster_tests(codes, grouping, groups, rows, totals)
        note = power_note(clusters, dimension.replace("-", " "))
    test, problem = None, None
    if omnibus:
        try:
            test = chi_square(counts, row_labels=[key for _, key, _ in codes], column_labels=names)
        except QualcodeError as error:
            problem = str(error)
    return Comparison(
        dimension=dimension,
        codes=list(codes),
        groups=names,
        counts=counts,
        group_turns=group_turns,
        tests=tests,
        marks=highlights(tests, group_turns),
        clusters=clusters,
        cluster_note=note,
        omnibus=test,
        omnibus_problem=problem,
        participants=participants,
    )


def _cluster_tests(
    codes: Sequence[tuple[int, str, str]],
    grouping: Grouping,
    groups: list[tuple[str, ...]],
    rows: Sequence[CodedTurns],
    totals: Sequence[TurnTotals],
) -> list[ClusterTest]:
    """Per code, the transcript-level permutation test over the per-transcript shares."""
    turns: dict[int, int] = defaultdict(int)
    for total in totals:
        turns[total.transcript_id] += total.turns
    coded: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        coded[(row.code_id, row.transcript_id)] += row.turns
    members: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for transcript_id in sorted(turns):
        if turns[transcript_id]:
            members[grouping.turn_key(transcript_id, None)].append(transcript_id)
    return cluster_tests(
        [
            [[coded[(code_id, t)] / turns[t] for t in members.get(group, [])] for group in groups]
            for code_id, _, _ in codes
        ]
    )


# ------------------------------------------------------------------ tables
def comparison_tables(comparison: Comparison) -> list[ResultTable]:
    """Counts (highlighted), shares with intervals, the tests per code, residuals, expected
    counts, the focus-group comparison and, when asked for, the omnibus test."""
    tables = [
        _counts_table(comparison),
        _shares_table(comparison),
        _tests_table(comparison),
        _cell_table(comparison, "Adjusted residuals", comparison.residual, _residual_notes),
        _cell_table(comparison, "Expected coded turns", comparison.expected, _expected_notes),
    ]
    if comparison.clusters is not None:
        tables.append(_clusters_table(comparison, comparison.clusters))
    if comparison.omnibus is not None or comparison.omnibus_problem is not None:
        tables.append(_omnibus_table(comparison))
    return tables


def unit_note(comparison: Comparison) -> str:
    n = counted(comparison.turns, "turn")
    return f"Unit: the turn; N = {n} in scope, each counted once per code."


def _counts_table(comparison: Comparison) -> ResultTable:
    rows, styles = [], []
    for r, (_, key, name) in enumerate(comparison.codes):
        counts = comparison.counts[r]
        rows.append([key, name, *counts, sum(counts)])
        styles.append([None, None, *(comparison.style(r, c) for c in range(len(counts))), None])
    turns = comparison.group_turns
    group_row = [None, f"{comparison.counted.capitalize()} in group", *turns, sum(turns)]
    return ResultTable(
        title=f"Coded turns by {comparison.dimension}",
        columns=["Code", "Name", *comparison.groups, TOTAL],
        rows=[*rows, group_row],
        styles=[*styles, [None] * len(group_row)],
        notes=[unit_note(comparison), comparison.marks.note, _verdict(comparison)],
    )


def _verdict(comparison: Comparison) -> str:
    tested = sum(1 for test in comparison.tests if test.p_value is not None)
    differing = comparison.differing()
    if not tested:
        return "No code could be tested (see the tests per code)."
    found = ", ".join(differing) if differing else "none"
    return (
        f"Codes whose share of turns differs between groups at 5 % after Holm's adjustment "
        f"over the {counted(tested, 'code')} tested: {found}."
    )


def _shares_table(comparison: Comparison) -> ResultTable:
    rows = []
    for r, (_, key, name) in enumerate(comparison.codes):
        for c, group in enumerate(comparison.groups):
            coded, turns = comparison.counts[r][c], comparison.group_turns[c]
            low, high = wilson_interval(coded, turns) if turns else (None, None)
            share = coded / turns if turns else None
            rows.append([key, name, group, coded, turns, share, low, high])
    return ResultTable(
        title=f"Share of {comparison.counted} by {comparison.dimension}",
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
        notes=[
            f"Share: coded turns / the group's {comparison.counted} in scope; 95 % Wilson "
            "score interval. The interval treats turns as independent, so it is too narrow where "
            "turns of one focus group resemble each other."
        ],
    )


def _tests_table(comparison: Comparison) -> ResultTable:
    rows: list[list[str | int | float | None]] = []
    for (_, key, name), test in zip(comparison.codes, comparison.tests, strict=True):
        rows.append(
            [
                key,
                name,
                test.statistic,
                test.dof if test.p_value is not None else None,
                test.p_value,
                test.p_holm,
                test.method or None,
                test.min_expected if test.columns else None,
                test.problem,
            ]
        )
    return ResultTable(
        title=f"Tests per code by {comparison.dimension} (unit: turn)",
        columns=[
            "Code",
            "Name",
            "Chi-square",
            "df",
            "p",
            "p (Holm)",
            "p from",
            "Smallest expected",
            "Not tested because",
        ],
        rows=rows,
        notes=[
            "Per code, a 2 x k table of the turns in scope with and without the code per "
            "group. p from Pearson's chi-square when every expected count is at least 5, "
            "else Fisher's exact test (2 x 2) or a Monte-Carlo test with the same margins; "
            "Holm's adjustment over the codes tested (Holm 1979).",
            unit_note(comparison),
        ],
    )


def _residual_notes(comparison: Comparison) -> list[str]:
    columns = range(len(comparison.groups))
    untestable = sum(
        1
        for r in range(len(comparison.codes))
        for c in columns
        if comparison.expected(r, c) is not None and not comparison.testable(r, c)
    )
    notes = [
        "Each code's own 2 x k table (turns with and without the code); adjusted residual "
        "(O - E) / sqrt(E (1 - row share) (1 - column share)) (Agresti 2013, 2.4.5).",
        comparison.marks.note,
    ]
    if untestable:
        notes.append(
            f"{counted(untestable, 'cell')} {'has' if untestable == 1 else 'have'} an expected "
            f"count below {SMALL_EXPECTED:g} with or without the code: "
            f"{'its residual is' if untestable == 1 else 'their residuals are'} shown but not "
            "judged."
        )
    return notes


def _expected_notes(comparison: Comparison) -> list[str]:
    unit = comparison.counted
    return [
        f"Coded turns each group would hold if the code's share of {unit} were the same in "
        f"every group: the code's coded turns x the group's {unit} / N (N = "
        f"{comparison.turns}); each code's own 2 x k table. Highlighting as in the adjusted "
        "residuals.",
        comparison.marks.note,
    ]


def _cell_table(
    comparison: Comparison,
    title: str,
    value: Callable[[int, int], float | None],
    notes: Callable[[Comparison], list[str]],
) -> ResultTable:
    rows, styles = [], []
    columns = range(len(comparison.groups))
    for r, (_, key, name) in enumerate(comparison.codes):
        rows.append([key, name, *(value(r, c) for c in columns)])
        styles.append([None, None, *(comparison.style(r, c) for c in columns)])
    return ResultTable(
        title=f"{title} by {comparison.dimension}",
        columns=["Code", "Name", *comparison.groups],
        rows=rows,
        styles=styles,
        notes=notes(comparison),
    )


def _clusters_table(comparison: Comparison, clusters: list[ClusterTest]) -> ResultTable:
    from qualcode.analysis.code_tests import holm

    adjusted = holm([test.p_value for test in clusters])
    rows: list[list[str | int | float | None]] = []
    for (_, key, name), test, p_holm in zip(comparison.codes, clusters, adjusted, strict=True):
        means = [mean for mean in test.means]
        rows.append([key, name, *means, test.p_value, p_holm, test.smallest_p, test.problem])
    sizes = [len(group) for group in clusters[0].shares] if clusters else []
    header = [f"{group} (n = {size})" for group, size in zip(comparison.groups, sizes, strict=True)]
    arrangements = next((test.arrangements for test in clusters if test.p_value is not None), 0)
    exact = all(test.exact for test in clusters)
    if not arrangements:
        how = "p: none, no code could be tested (see Not tested)."
    else:
        how = (
            f"exact: all {arrangements:,} arrangements enumerated"
            if exact
            else f"Monte-Carlo over {arrangements:,} random arrangements"
        )
        how = (
            f"p: permutation test of the between-group sum of squares ({how}); Holm over the codes."
        )
    notes = [
        f"Unit: the focus group (transcript); n = {counted(sum(sizes), 'transcript')} in scope. "
        "Cells: "
        f"mean over the group's transcripts of the share of their {comparison.counted} with "
        f"the code. {how}",
    ]
    if comparison.cluster_note:
        notes.append(comparison.cluster_note)
    return ResultTable(
        title=f"Focus groups as the unit, by {comparison.dimension}",
        columns=["Code", "Name", *header, "p", "p (Holm)", "Smallest possible p", "Not tested"],
        rows=rows,
        notes=notes,
    )


def _omnibus_table(comparison: Comparison) -> ResultTable:
    test = comparison.omnibus
    if test is None:
        return ResultTable(
            title=OMNIBUS_LABEL,
            columns=["Statistic", "Value"],
            rows=[],
            notes=[comparison.omnibus_problem or ""],
        )
    from scipy.stats.contingency import association  # lazily, as in analysis.contingency

    applications = int(test.observed.sum())
    rows: list[list[str | int | float | None]] = [
        ["Chi-square (Pearson)", test.statistic],
        ["Degrees of freedom", test.dof],
        ["p-value", test.p_value],
        ["Code applications (N)", applications],
        [f"Distinct {comparison.counted}", comparison.turns],
        ["Cramér's V", float(association(test.observed, method="cramer"))],
    ]
    return ResultTable(
        title=OMNIBUS_LABEL,
        columns=["Statistic", "Value"],
        rows=rows,
        notes=[
            f"N = {applications} code applications: a turn with two codes counts twice, so the "
            "observations are not independent and the p-value is a rough guide only. Prefer "
            "the tests per code.",
            *test.notes,
        ],
    )
