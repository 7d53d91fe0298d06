"""Printing `qualcode suggest eval`: the summary with intervals and chance baselines, per
concept (and per code), languages, and the confusion of the first-ranked concept."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from qualcode.cli.common import console
from qualcode.domain.suggestion import EvalReport, Rate, StageEval

SPLIT_TITLES = {
    "transcript": "leave one focus group out (headline: groups the model never saw)",
    "turn": "by turn (secondary: other turns of the same groups are in training)",
}


def _rate(rate: Rate | None) -> str:
    if rate is None:
        return ""
    if rate.n == 0:  # nothing to count (a label no turn ranked first, or none applied)
        return "–"
    return f"{rate.value:.3f} [{rate.low:.2f}, {rate.high:.2f}]"


def print_report(report: EvalReport, per_code: bool) -> None:
    """Every table of one split's evaluation."""
    title = SPLIT_TITLES.get(report.split, report.split)
    console.print(
        Text(
            f"Suggestions, {report.folds} folds {title}; layer '{report.layer}', "
            f"seed {report.seed}",
            style="bold",
        )
    )
    _summary(report)
    for stage in report.stages:
        if stage.level == "concept" or per_code:
            _labels(stage)
    for stage in report.stages:
        if stage.level == "concept":
            _confusion(stage)
    _languages(report)
    console.print(
        "P@1: share of turns whose first suggestion (concept) was applied; R@3: share of the "
        "applied codes (concepts) found in the top three; [low, high]: 95 % Wilson interval "
        "(turns of one group are not independent, so read it as a lower bound on the "
        "uncertainty); chance: a random ranking of the level's labels. F1 counts a label as "
        f"predicted at score >= {report.threshold}. –: no turn to count (P@1 of a label no "
        "turn ranked first, R@3 of a label no turn was coded with).",
        highlight=False,
    )


def _summary(report: EvalReport) -> None:
    table = Table(title="Summary")
    for name in ("stage", "level", "turns", "none", "P@1", "chance", "R@3", "chance", "F1 mi/ma"):
        table.add_column(name, justify="left" if name in ("stage", "level") else "right")
    for stage in report.stages:
        table.add_row(
            stage.stage,
            stage.level,
            str(stage.n_segments),
            str(stage.n_without_suggestion),
            _rate(stage.p_at_1),
            f"{stage.chance_at_1:.3f}",
            _rate(stage.r_at_3),
            f"{stage.chance_at_3:.3f}",
            f"{stage.micro_f1:.2f}/{stage.macro_f1:.2f}",
        )
    console.print(table)


def _labels(stage: StageEval) -> None:
    table = Table(title=f"{stage.stage}, per {stage.level} ({stage.n_labels} labels)")
    for name in ("label", "turns", "P@1", "chance", "R@3", "chance", "R@3-chance", "F1"):
        table.add_column(name, justify="left" if name == "label" else "right")
    f1 = {row.label: row.f1 for row in stage.rows}
    for row in stage.labels:
        table.add_row(
            row.label,
            str(row.support),
            _rate(row.precision_at_1),
            f"{row.chance_at_1:.3f}",
            _rate(row.recall_at_3),
            f"{row.chance_at_3:.3f}",
            f"{row.recall_at_3.value - row.chance_at_3:+.3f}" if row.support else "",
            f"{f1.get(row.label, 0.0):.3f}",
        )
    console.print(table)


def _confusion(stage: StageEval) -> None:
    columns = sorted({first for row in stage.confusion.values() for first in row})
    table = Table(title=f"{stage.stage}: concept applied (rows) x concept ranked first (turns)")
    table.add_column("applied")
    for name in columns:
        table.add_column(name, justify="right")
    for label, row in stage.confusion.items():
        table.add_row(label, *(str(row.get(name, 0)) for name in columns))
    console.print(table)


def _languages(report: EvalReport) -> None:
    table = Table(title="By language")
    for name in ("stage", "level", "language", "P@1 (turns)", "R@3 (applied)"):
        table.add_column(
            name, justify="left" if name in ("stage", "level", "language") else "right"
        )
    for stage in report.stages:
        for row in stage.languages:
            table.add_row(
                stage.stage,
                stage.level,
                row.language,
                f"{_rate(row.precision_at_1)} of {row.precision_at_1.n}",
                f"{_rate(row.recall_at_3)} of {row.recall_at_3.n}",
            )
    console.print(table)
