"""A horizontal bar chart in text: one labelled bar per group, in eighths of a cell.

Hand-written rather than textual-plotext: plotext drew wrong bar lengths for a few groups in
the eight or so lines the chart has at 80x24. Text bars stay exact at any height, and mark
over- and under-use with ▲ ▼ as well as colour, so they read without colour (NO_COLOR).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from qualcode.domain.table import Style

EIGHTHS = " ▏▎▍▌▋▊▉█"
MARKS = {"over": " ▲", "under": " ▼", None: "  "}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    mark: Style = None


def bar(value: float, largest: float, width: int) -> str:
    """`value` as a bar of up to `width` cells, the largest value filling them all."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = round(value / largest * width * 8)
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return text[: max(width - 1, 0)] + "…"


class BarChart(Widget):
    COMPONENT_CLASSES = {  # noqa: RUF012 - Textual API
        "bar-chart--title",
        "bar-chart--bar",
        "bar-chart--over",
        "bar-chart--under",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = ""
        self.bars: list[Bar] = []

    def show(self, title: str, bars: list[Bar]) -> None:
        self.title, self.bars = title, bars
        self.refresh(layout=True)

    def render(self) -> Text:
        width = max(self.content_region.width, 20)
        lines = Text(no_wrap=True, overflow="crop")
        lines.append(self.title, self.get_component_rich_style("bar-chart--title", partial=True))
        if not self.bars:
            return lines
        label_width = min(max(cell_len(b.label) for b in self.bars), width // 3)
        text_width = max(cell_len(b.text) for b in self.bars)
        bar_width = max(width - label_width - text_width - 5, 1)
        largest = max((b.value or 0 for b in self.bars), default=0)
        for item in self.bars:
            style = self.get_component_rich_style(f"bar-chart--{item.mark or 'bar'}", partial=True)
            drawn = bar(item.value or 0, largest, bar_width)
            lines.append("\n" + _fit(item.label, label_width) + " ")
            lines.append(drawn, style)
            lines.append(" " * (bar_width - cell_len(drawn)) + " " + item.text.rjust(text_width))
            lines.append(MARKS[item.mark], style)
        return lines
