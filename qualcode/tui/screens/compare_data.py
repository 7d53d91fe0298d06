"""What the Compare screen shows, read in one go: the comparison and the chosen measure.

The comparison (coded turns, chi-square, residuals) comes from `analysis.compare`; the cells
show the chosen measure from `analysis.frequency` over the same codes, and keep the
comparison's residual highlight (which is always about coded turns).
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.analysis.contingency import RESIDUAL_THRESHOLD
from qualcode.domain.layer import ALL, CONSENSUS, Layer
from qualcode.domain.table import Style
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
DIMENSION_LABELS = {"department": "Department", "group-kind": "Group kind", "speaker-role": "Role"}
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

    def test_line(self) -> str:
        """The chi-square result in one line, or why there is none."""
        comparison = self.report.comparison
        test = comparison.test
        if test is None:
            return f"No chi-square test: {comparison.problem}"
        line = (
            f"χ² = {test.statistic:.2f}, df = {test.dof}, p = {test.p_value:.3g}, "
            f"N = {int(test.observed.sum())} coded turns"
        )
        if test.fisher_p_value is not None:
            line += f"; Fisher's exact p = {test.fisher_p_value:.3g}"
        return f"{line}. ▲ over-used, ▼ under-used: adjusted residual beyond ±{RESIDUAL_THRESHOLD}."

    def warnings(self) -> list[str]:
        """The test's notes: left-out rows or columns, too-small expected counts."""
        test = self.report.comparison.test
        return list(test.notes) if test is not None else []


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
