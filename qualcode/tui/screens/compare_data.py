"""What the Compare screen shows, read in one go: the comparison and the chosen measure.

The comparison (coded turns, tests per code, residuals) comes from `analysis.compare`; the
cells show the chosen measure from `analysis.frequency` over the same codes, and keep the
comparison's residual highlight (which is always about coded turns) and its mark for cells
whose expected counts are too small to judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.domain.layer import ALL, CONSENSUS, Layer
from qualcode.domain.table import Style
from qualcode.domain.wording import counted
from qualcode.services import analysis, blind
from qualcode.services.analysis import (
    COMPARE_DIMENSIONS,
    MEASURES,
    CompareQuery,
    ComparisonReport,
    FrequencyQuery,
)
from qualcode.services.project import Project

LEVEL = 1  # rows are the top-level codes, each with its children rolled up
UNTESTABLE = "°"  # marks a cell whose expected counts are too small to judge
DIMENSION_LABELS = {
    "department": "Department",
    "group-kind": "Group kind",
    "speaker-role": "Role",
    "card": "Card",
}
Number = int | float | None


@dataclass(frozen=True)
class Choice:
    """The screen's three pickers: dimension, measure and coder layer."""

    by: str = COMPARE_DIMENSIONS[0]
    measure: str = "turns"
    layer: str = ALL

    @property
    def layer_choice(self) -> Layer:
        return Layer.parse(self.layer)


def layer_options(project: Project, coder: str) -> list[tuple[str, str]]:
    """(label, value) of each layer the coder may look at (the services' visibility rule)."""
    visible = blind.visible_layers(project, coder or None)
    options = [("all coders", ALL)] if visible.every else []
    if visible.consensus:
        options.append(("consensus", CONSENSUS))
    return options + [(Layer.coder(name).label, name) for name in visible.coders]


@dataclass(frozen=True)
class CompareView:
    """Rows of codes; per row the measure in each group, then the total."""

    choice: Choice
    report: ComparisonReport
    values: list[list[Number]]

    @property
    def codes(self) -> list[tuple[int, str, str]]:
        return self.report.comparison.codes

    @property
    def groups(self) -> list[str]:
        return self.report.comparison.groups

    def style(self, row: int, column: int) -> Style:
        return self.report.comparison.style(row, column)

    def testable(self, row: int, column: int) -> bool:
        return self.report.comparison.testable(row, column)

    def test_line(self) -> str:
        """Scope, unit and N, and which codes differ, in two lines."""
        comparison = self.report.comparison
        scope = f"Scope: {self.report.scope}. Unit: turn; N = {counted(comparison.turns, 'turn')}."
        differing = comparison.differing()
        tested = sum(1 for test in comparison.tests if test.p_value is not None)
        verdict = (
            f"Differ at 5 % (Holm, {counted(tested, 'code')} tested): "
            f"{', '.join(differing) or 'none'}."
            if tested
            else "No code could be tested."
        )
        return (
            f"{scope}\n{verdict} ▲ over-used, ▼ under-used (Holm over the cells); "
            f"{UNTESTABLE} expected count below 5: not judged."
        )

    def warnings(self) -> list[str]:
        """Why no cell is highlighted, and what the focus-group test can show."""
        comparison = self.report.comparison
        notes = [] if comparison.marks.styles else [comparison.marks.note]
        if comparison.cluster_note:
            notes.append(comparison.cluster_note)
        return notes


def read_view(project: Project, choice: Choice, actor: str | None) -> CompareView:
    """Run the comparison and the frequency query for the same codes and layer."""
    layer = choice.layer_choice
    query = CompareQuery(by=choice.by, layer=layer, level=LEVEL)
    report = analysis.compare(project, query, actor=actor)
    keys = tuple(key for _, key, _ in report.comparison.codes)
    if not keys:
        return CompareView(choice, report, [])
    result = analysis.frequency(
        project,
        FrequencyQuery(
            by=(choice.by,), measure=choice.measure, layer=layer, codes=keys, depth=LEVEL
        ),
        actor=actor,
    )
    table = result.tables[0]
    by_key = {row[0]: row for row in table.rows}
    columns = [*report.comparison.groups, table.columns[-1]]
    at = [table.columns.index(column) if column in table.columns else None for column in columns]
    values: list[list[Number]] = []
    for key in keys:
        row = by_key.get(key)
        values.append([_number(row[i]) if row is not None and i is not None else None for i in at])
    return CompareView(choice, report, values)


def _number(cell: object) -> Number:
    return cell if isinstance(cell, int | float) else None


def format_value(value: Number) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def measure_options() -> list[tuple[str, str]]:
    return [(label, measure) for measure, label in MEASURES.items()]


def dimension_options() -> list[tuple[str, str]]:
    return [(f"by {DIMENSION_LABELS[d].lower()}", d) for d in COMPARE_DIMENSIONS]
