"""Messages more than one coding-screen part posts."""

from __future__ import annotations

from textual.message import Message


class Failed(Message):
    """A read or write failed with an error the user can act on; the screen shows it."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
