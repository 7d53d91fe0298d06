"""Agreement screen: per-code agreement between two coders, each code's disagreements, and
their adjudication into the consensus layer.

Enter on a code lists the turns where the two coders differ about it; there the supervisor
takes A's or B's version, both, neither, or another code (`m` first adds a memo to the next
decision), and `u` undoes the adjudication in force on the turn. Reads run in thread
workers; adjudications go through the app's Saver, so refusals (not a supervisor) and a
busy database show as notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from qualcode.domain.agreement import (
    ALL_CODES,
    AgreementOptions,
    AgreementRow,
    Decision,
    Disagreement,
)
from qualcode.errors import QualcodeError
from qualcode.services import adjudication, agreement, codebooks, roles
from qualcode.tui.modals.code_picker import Choice, CodePicker
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.widgets.agreement_tables import (
    CODE_COLUMNS,
    DISAGREEMENT_COLUMNS,
    code_cells,
    disagreement_cells,
    disagreement_detail,
)
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.status_bar import StatusBar

ADJUDICATING = {"take_a", "take_b", "both", "neither", "recode", "memo", "undo", "back"}


def default_pair(project_coders: list[tuple[str, int]]) -> tuple[str, str] | None:
    """The two coders with most codings (ties by name), or None with fewer than two."""
    ranked = sorted(project_coders, key=lambda item: (-item[1], item[0]))
    return (ranked[0][0], ranked[1][0]) if len(ranked) >= 2 else None


class AgreementScreen(WorkbenchScreen):
    AUTO_FOCUS = "#agreement-codes"
    DEFAULT_CSS = """
    #agreement-head { height: auto; padding: 0 1; background: $surface; }
    #agreement-codes { height: 1fr; }
    #agreement-drill { display: none; height: 1fr; }
    AgreementScreen.-drilled #agreement-codes { display: none; }
    AgreementScreen.-drilled #agreement-drill { display: block; }
    #disagreements { height: 1fr; }
    #disagreement-text { height: 2fr; padding: 0 1; border-top: hkey $panel-lighten-1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "pick_coders", "Coders", id="agreement.coders"),
        Binding("ctrl+r", "reload", "Refresh", id="agreement.reload"),
        Binding("a", "take_a", "Take A", id="agreement.take_a"),
        Binding("b", "take_b", "Take B", id="agreement.take_b"),
        Binding("o", "both", "Both", id="agreement.both"),
        Binding("n", "neither", "Neither", id="agreement.neither"),
        Binding("c", "recode", "Other code", id="agreement.recode"),
        Binding("m", "memo", "Memo", id="agreement.memo"),
        Binding("u", "undo", "Undo", id="agreement.undo"),
        Binding("escape", "back", "Codes", id="agreement.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pair: tuple[str, str] | None = None
        self.rows: list[AgreementRow] = []
        self.code: str | None = None  # the code drilled into
        self.items: list[Disagreement] = []
        self.memo: str | None = None  # added to the next adjudication

    def compose(self) -> ComposeResult:
        yield Static(id="agreement-head")
        yield DataTable(
            id="agreement-codes", cursor_type="row", zebra_stripes=True, fixed_columns=1
        )
        with Vertical(id="agreement-drill"):
            yield DataTable(id="disagreements", cursor_type="row")
            with VerticalScroll(id="disagreement-text"):
                yield Static(id="disagreement-detail")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#agreement-codes", DataTable).add_columns(*CODE_COLUMNS)
        self.query_one("#disagreements", DataTable).add_columns(*DISAGREEMENT_COLUMNS)

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def drilled(self) -> bool:
        return self.code is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Adjudication keys work (and show) only on a code's disagreements."""
        return self.drilled if action in ADJUDICATING else True

    # -- reading -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="agreement-load", exit_on_error=False)
    def reload(self) -> None:
        """Read the per-code table (and the drilled code's disagreements)."""
        try:
            pair = self.pair or self._default_pair()
            if pair is None:
                message = "Agreement needs two coders who have coded; code with a second name."
                self.app.call_from_thread(self._show_head, message)
                return
            options = AgreementOptions(coders=pair)
            rows = agreement.agreement_rows(self.project, options, actor=self.coder)
            items = self._read_disagreements(pair, self.code) if self.code else []
        except QualcodeError as error:
            self.app.call_from_thread(self._show_head, str(error))
            return
        self.app.call_from_thread(self._show, pair, rows, items)

    def _default_pair(self) -> tuple[str, str] | None:
        humans = {c.name for c in roles.list_coders(self.project) if not c.is_consensus}
        counts = [
            (c.coder, c.codings) for c in agreement.coverage(self.project) if c.coder in humans
        ]
        return default_pair(counts)

    def _read_disagreements(self, pair: tuple[str, str], code: str) -> list[Disagreement]:
        return adjudication.disagreements(self.project, code=code, coders=pair, actor=self.coder)

    def _show_head(self, message: str) -> None:
        self.query_one("#agreement-head", Static).update(message)

    def _show(
        self, pair: tuple[str, str], rows: list[AgreementRow], items: list[Disagreement]
    ) -> None:
        self.pair, self.rows = pair, rows
        table = self.query_one("#agreement-codes", DataTable)
        cursor = table.cursor_row
        cells = [code_cells(row) for row in rows]
        # Columns as wide as their cells from the first frame: DataTable measures new rows
        # only when idle, and until then drew the coefficients cut to the header's width.
        table.clear(columns=True)
        for index, label in enumerate(CODE_COLUMNS):
            widths = [Text(label).cell_len, *(Text(str(c[index])).cell_len for c in cells)]
            table.add_column(label, width=max(widths))
        for row, row_cells in zip(rows, cells, strict=True):
            table.add_row(*row_cells, key=row.code)
        table.move_cursor(row=min(cursor, max(len(rows) - 1, 0)))
        if self.code is not None:
            self._show_items(items)
        self._update_head()

    def _update_head(self) -> None:
        if self.pair is None:
            return
        a, b = self.pair
        head = f"A {a}  ·  B {b}  ·  unit: turn  ·  p: other coders"
        if self.code is not None:
            open_items = sum(1 for item in self.items if item.resolution is None)
            head = (
                f"{self.code}: {len(self.items)} disagreements, {open_items} open  ·  "
                f"A {a}  ·  B {b}  ·  Esc: back to codes"
            )
            if self.memo:
                head += f"\nmemo for the next decision: {self.memo}"
        self._show_head(head)
        self.query_one(StatusBar).show(coder=self.coder or "?", title=f"Agreement: {a} vs {b}")

    def _show_items(self, items: list[Disagreement]) -> None:
        assert self.pair is not None
        self.items = items
        table = self.query_one("#disagreements", DataTable)
        cursor = table.cursor_row
        table.clear()
        for index, item in enumerate(items):
            table.add_row(*disagreement_cells(item, self.pair), key=str(index))
        table.move_cursor(row=min(cursor, max(len(items) - 1, 0)))
        self._show_detail()
        self._update_head()

    def _show_detail(self) -> None:
        item = self.current
        detail = self.query_one("#disagreement-detail", Static)
        if item is None or self.pair is None:
            detail.update("No disagreements on this code.")
        else:
            detail.update(disagreement_detail(item, self.pair))

    @property
    def current(self) -> Disagreement | None:
        row = self.query_one("#disagreements", DataTable).cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "disagreements":
            self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if event.data_table.id == "agreement-codes" and key and key != ALL_CODES:
            self.drill(key)

    # -- drilling ----------------------------------------------------------------------------

    def drill(self, code: str) -> None:
        """Show the code's disagreements."""
        self.code, self.items = code, []
        self.add_class("-drilled")
        self.query_one("#disagreements", DataTable).clear()
        self.query_one("#disagreements", DataTable).focus()
        self.refresh_bindings()
        self.reload()

    def action_back(self) -> None:
        self.code, self.items, self.memo = None, [], None
        self.remove_class("-drilled")
        self.query_one("#agreement-codes", DataTable).focus()
        self.refresh_bindings()
        self.reload()

    def action_pick_coders(self) -> None:
        names = [c.name for c in roles.list_coders(self.project) if not c.is_consensus]
        choices = [Choice(name, name) for name in names]

        def second(first: str | None) -> None:
            if first:
                rest = [choice for choice in choices if choice.value != first]

                def pair(other: str | None) -> None:
                    if other:
                        self._set_pair(first, other)

                self.app.push_screen(CodePicker("Coder B", rest), pair)

        self.app.push_screen(CodePicker("Coder A", choices), second)

    def _set_pair(self, a: str, b: str) -> None:
        self.pair = (a, b)
        self.reload()

    # -- adjudicating ------------------------------------------------------------------------

    def action_take_a(self) -> None:
        if self.pair:
            self._decide("take", coder=self.pair[0])

    def action_take_b(self) -> None:
        if self.pair:
            self._decide("take", coder=self.pair[1])

    def action_both(self) -> None:
        self._decide("both")

    def action_neither(self) -> None:
        self._decide("neither")

    def action_recode(self) -> None:
        book = codebooks.codebook_info(self.project)
        choices = [
            Choice(code.key, f"{code.name}  {code.key}", code.color)
            for code in book.codes
            if code.key != self.code and not code.retired
        ]

        def recode(key: str | None) -> None:
            if key:
                self._decide("recode", other_code=key)

        self.app.push_screen(CodePicker("Apply which code instead?", choices), recode)

    def action_memo(self) -> None:
        self.app.push_screen(
            TextPrompt("Memo for the next decision (why)", value=self.memo or ""), self._set_memo
        )

    def _set_memo(self, text: str | None) -> None:
        self.memo = text
        self._update_head()

    def _decide(
        self, decision: Decision, *, coder: str | None = None, other_code: str | None = None
    ) -> None:
        item, pair, memo = self.current, self.pair, self.memo
        if item is None or pair is None:
            return

        def write() -> object:
            return adjudication.adjudicate(
                self.project,
                item.segment_id,
                item.code_key,
                decision,
                supervisor=self.coder or None,
                coder=coder,
                other_code=other_code,
                coders=pair,
                memo=memo,
            )

        self.memo = None
        self._save(write, f"Adjudicated turn {item.ordinal + 1}: {decision}.")

    def action_undo(self) -> None:
        item = self.current
        if item is None or item.resolution is None:
            self.notify("This turn has no adjudication to undo.", timeout=3)
            return
        resolution = item.resolution
        self._save(
            lambda: adjudication.undo_adjudication(
                self.project, resolution.id, supervisor=self.coder or None
            ),
            f"Undid the adjudication of turn {item.ordinal + 1}.",
        )

    def _save(self, write: Callable[[], object], message: str) -> None:
        def done(_result: object) -> None:
            self.notify(message, timeout=3)
            self.reload()

        self.saver.submit(write, done)
