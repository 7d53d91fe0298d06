"""A one-line question in a modal: returns the typed text, or None when cancelled."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from qualcode.tui.modals.base import Dialog


class TextPrompt(Dialog):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]  # noqa: RUF012

    def __init__(
        self,
        question: str,
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "Enter to accept · Esc to cancel",
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, select_on_focus=False)
            yield Label(self.hint, classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.answer(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.answer(None)
