"""The base of the workbench's modals: each answers once with a string, or None."""

from __future__ import annotations

from textual.screen import ModalScreen


class Dialog(ModalScreen[str | None]):
    def __init__(self) -> None:
        super().__init__()
        self.answered = False

    def answer(self, result: str | None) -> None:
        """Dismiss once: a second Enter that arrives while closing must not close twice."""
        if not self.answered:
            self.answered = True
            self.dismiss(result)
