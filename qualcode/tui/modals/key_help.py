"""`?`: every key of the current screen and of the app, in a scrollable list."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class KeyHelp(ModalScreen[None]):
    BINDINGS = [  # noqa: RUF012 - Textual API
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right", no_wrap=True)
        table.add_column()
        for key, description in self.keys:
            table.add_row(key, description)
        with Vertical(classes="dialog help-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll():
                yield Static(table)
            yield Label(
                "Esc closes · ctrl+p finds any action by name",
                classes="dialog-hint",
            )

    def action_close(self) -> None:
        self.dismiss(None)
