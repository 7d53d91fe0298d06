"""Write a memo in a modal text area: returns the text, or None when cancelled."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from qualcode.tui.modals.base import Dialog


class MemoEditor(Dialog):
    BINDINGS = [  # noqa: RUF012 - Textual API
        Binding("ctrl+s", "save", "Save memo", id="memo.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="memo.cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(soft_wrap=True, id="memo-text")
            yield Label("ctrl+s to save · Esc to cancel", classes="dialog-hint")

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        self.answer(text or None)

    def action_cancel(self) -> None:
        self.answer(None)
