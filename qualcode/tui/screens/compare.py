"""Compare screen: codes across departments, group kinds or roles, with the chi-square test.

Pick the dimension, the measure and the coder layer (the selects, or d m l to step through
them); the table marks cells a group over- or under-uses; the chart shows the code under the
cursor per group. Enter on a cell lists its quotes; Enter on a quote opens its turn.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from qualcode.domain.layer import ALL
from qualcode.domain.quote import Quote
from qualcode.domain.scope import TurnScope
from qualcode.errors import QualcodeError
from qualcode.services import quotes
from qualcode.services.analysis import MEASURES, NONE_LABEL
from qualcode.services.quotes import QuoteQuery
from qualcode.tui.modals.quotes import QuotesDialog
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.screens.compare_data import (
    DIMENSION_LABELS,
    Choice,
    CompareView,
    dimension_options,
    format_value,
    layer_options,
    measure_options,
    read_view,
)
from qualcode.tui.widgets.bar_chart import Bar, BarChart
from qualcode.tui.widgets.compare_table import FIRST_GROUP, CompareTable
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.status_bar import StatusBar

PICKERS = {"by": "#compare-by", "measure": "#compare-measure", "layer": "#compare-layer"}


class CompareScreen(WorkbenchScreen):
    AUTO_FOCUS = "#compare-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "step('by')", "Dimension", id="compare.dimension"),
        Binding("m", "step('measure')", "Measure", id="compare.measure"),
        Binding("l", "step('layer')", "Layer", id="compare.layer"),
        Binding("ctrl+r", "reload", "Refresh", id="compare.reload"),
    ]

    class Loaded(Message):
        def __init__(self, view: CompareView) -> None:
            super().__init__()
            self.view = view

    class Layers(Message):
        def __init__(self, options: list[tuple[str, str]]) -> None:
            super().__init__()
            self.options = options

    class Quotes(Message):
        def __init__(self, title: str, quotes: list[Quote]) -> None:
            super().__init__()
            self.title, self.quotes = title, quotes

    def __init__(self) -> None:
        super().__init__()
        self.choice = Choice()
        self.view: CompareView | None = None
        self.quotes: dict[str, Quote] = {}
        self.options = {
            "by": dimension_options(),
            "measure": measure_options(),
            "layer": [("all coders", ALL)],
        }

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-controls"):
            for name, selector in PICKERS.items():
                yield Select(
                    self.options[name],
                    value=getattr(self.choice, name),
                    allow_blank=False,
                    compact=True,
                    id=selector[1:],
                )
        with Horizontal(id="compare-body"):
            with Vertical(id="compare-main"):
                yield CompareTable(id="compare-table")
                # Scrolls, with its bar showing, when the warnings do not fit (80x24).
                with VerticalScroll(id="compare-notes"):
                    yield Static(id="compare-test")
            yield BarChart(id="compare-chart")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    @property
    def table(self) -> CompareTable:
        return self.query_one(CompareTable)

    def on_screen_resume(self) -> None:
        self.read_layers()  # codings, coders and blind mode may have changed meanwhile
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    # -- reading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="compare-layers")
    def read_layers(self) -> None:
        try:
            options = layer_options(self.project, self.coder)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.post_message(self.Layers(options))

    def on_compare_screen_layers(self, message: Layers) -> None:
        picker: Select[str] = self.query_one("#compare-layer", Select)
        values = [value for _, value in message.options]
        if message.options == self.options["layer"]:
            return
        self.options["layer"] = message.options
        with picker.prevent(Select.Changed):
            picker.set_options(message.options)
            picker.value = self.choice.layer if self.choice.layer in values else values[0]
        if picker.value != self.choice.layer:
            self._choose("layer", str(picker.value))

    def reload(self) -> None:
        self._status(loading=True)
        self.read(self.choice)

    @work(thread=True, exclusive=True, group="compare-read")
    def read(self, choice: Choice) -> None:
        try:
            view = read_view(self.project, choice, self.coder or None)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.post_message(self.Loaded(view))

    def on_compare_screen_loaded(self, message: Loaded) -> None:
        if message.view.choice != self.choice:
            return  # an answer to an earlier choice
        self.view = message.view
        self.table.show(self.view)
        lines = [self.view.test_line(), *(f"⚠ {warning}" for warning in self.view.warnings())]
        self.query_one("#compare-test", Static).update("\n".join(lines))
        self._chart()
        self._status()

    # -- choosing ----------------------------------------------------------------------------

    def action_step(self, picker: str) -> None:
        """Choose the next option of a picker (wrapping round)."""
        select: Select[str] = self.query_one(PICKERS[picker], Select)
        values = [value for _, value in self.options[picker]]
        at = values.index(select.value) if select.value in values else -1
        select.value = values[(at + 1) % len(values)]

    def on_select_changed(self, event: Select.Changed) -> None:
        name = next((n for n, selector in PICKERS.items() if event.select.id == selector[1:]), None)
        if name is not None and isinstance(event.value, str):
            self._choose(name, event.value)

    def _choose(self, name: str, value: str) -> None:
        if getattr(self.choice, name) == value:
            return
        self.choice = replace(self.choice, **{name: value})
        self.reload()

    # -- chart and quotes --------------------------------------------------------------------

    def on_data_table_cell_highlighted(self, _event: DataTable.CellHighlighted) -> None:
        self._chart()

    def _chart(self) -> None:
        view, chart = self.view, self.query_one(BarChart)
        row = self.table.cursor_row
        if view is None or not view.codes or row >= len(view.codes):
            chart.show("No codes to compare yet.", [])
            return
        name = view.codes[row][2]
        values = view.values[row]
        bars = [
            Bar(group, values[c], format_value(values[c]), view.style(row, c))
            for c, group in enumerate(view.groups)
        ]
        chart.show(f"{name} · {MEASURES[view.choice.measure]}", bars)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        view = self.view
        if view is None or event.coordinate.row >= len(view.codes):
            return
        _, key, _name = view.codes[event.coordinate.row]
        column = event.coordinate.column - FIRST_GROUP
        group = view.groups[column] if 0 <= column < len(view.groups) else None
        if group == NONE_LABEL:
            label = DIMENSION_LABELS[view.choice.by].lower()
            self.notify(f"Turns without a {label} have no quotes here; choose another cell.")
            return
        self.read_quotes(view.choice, key, group)

    @work(thread=True, exclusive=True, group="compare-quotes")
    def read_quotes(self, choice: Choice, key: str, group: str | None) -> None:
        scope = TurnScope()
        if group is not None:
            scope = quotes.scope_for_group(scope, choice.by, group)
        query = QuoteQuery(code=key, layer=choice.layer_choice, scope=scope)
        try:
            found = quotes.quotes(self.project, query, actor=self.coder or None).quotes
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        where = f" in {group}" if group is not None else ""
        first = "the first " if len(found) == query.limit else ""
        self.post_message(self.Quotes(f"Quotes for {key}{where}: {first}{len(found)}", found))

    def on_compare_screen_quotes(self, message: Quotes) -> None:
        if not message.quotes:
            self.notify("No coded turns here to quote; choose a cell with a count.", timeout=4)
            return
        self.quotes = {str(quote.segment_id): quote for quote in message.quotes}
        self.app.push_screen(QuotesDialog(message.title, message.quotes), self._open_quote)

    def _open_quote(self, segment: str | None) -> None:
        quote = self.quotes.get(segment or "")
        if quote is not None:
            self.workbench.open_first(quote.transcript_id, quote.segment_id)

    def _status(self, *, loading: bool = False) -> None:
        layers = self.options["layer"]
        layer = next((label for label, value in layers if value == self.choice.layer), "")
        dimension = DIMENSION_LABELS[self.choice.by].lower()
        self.query_one(StatusBar).show(
            coder=self.coder or "?",
            title=f"Compare by {dimension} · {MEASURES[self.choice.measure]} · {layer}",
            loading=loading,
        )
