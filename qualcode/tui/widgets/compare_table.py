"""The Compare screen's table: codes by groups, cells marked where a group over- or
under-uses a code (▲ ▼ and colour, so the marks read without colour too)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from qualcode.tui.screens.compare_data import UNTESTABLE, CompareView, format_value
from qualcode.tui.widgets.bar_chart import MARKS

NAME_WIDTH = 18
FIRST_GROUP = 2  # columns: code, name, the groups, total


class CompareTable(DataTable[Text]):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *DataTable.COMPONENT_CLASSES,
        "compare-table--over",
        "compare-table--under",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Quotes", id="compare.quotes"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        # The code column stays in view while the groups scroll sideways.
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True, fixed_columns=1)

    def show(self, view: CompareView) -> None:
        """Fill the table with `view`, keeping the cursor where it was."""
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        self.add_column("Code")
        self.add_column("Name")
        for group in view.groups:
            self.add_column(Text(group, justify="right"))
        self.add_column(Text("Total", justify="right"))
        for r, (_, key, name) in enumerate(view.codes):
            cells = [self._cell(view, r, c, value) for c, value in enumerate(view.values[r])]
            short = name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"
            self.add_row(Text(key), Text(short), *cells, key=key)
        if view.codes:
            self.cursor_coordinate = Coordinate(
                min(cursor.row, len(view.codes) - 1),
                min(max(cursor.column, FIRST_GROUP), len(view.groups) + FIRST_GROUP),
            )

    def _cell(self, view: CompareView, row: int, column: int, value: int | float | None) -> Text:
        grouped = column < len(view.groups)
        mark = view.style(row, column) if grouped else None
        text = format_value(value) + MARKS[mark]
        if grouped and not view.testable(row, column):
            text += UNTESTABLE
        if mark is None:
            return Text(text, justify="right")
        style = self.get_component_rich_style(f"compare-table--{mark}", partial=True)
        return Text(text, style=style, justify="right")
