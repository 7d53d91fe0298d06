"""A one-line input that opens under the transcript for search and new open codes."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class InlinePrompt(Input):
    """Hidden until `ask`; posts Answered (value None when cancelled) and hides again."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="inline.cancel")]  # noqa: RUF012

    class Answered(Message):
        def __init__(self, purpose: str, value: str | None) -> None:
            super().__init__()
            self.purpose = purpose
            self.value = value

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, select_on_focus=False)
        self.purpose = ""
        self.display = False

    def ask(self, purpose: str, placeholder: str, value: str = "") -> None:
        self.purpose = purpose
        self.placeholder = placeholder
        self.value = value
        self.display = True
        self.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close()
        self.post_message(self.Answered(self.purpose, event.value.strip()))

    def action_cancel(self) -> None:
        self._close()
        self.post_message(self.Answered(self.purpose, None))

    def _close(self) -> None:
        self.display = False
        self.value = ""
