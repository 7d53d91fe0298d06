"""Reads (and makes, the first time its turns come near the cursor) the coder's pending
suggestions for a window of turns around the cursor.

Reading and making run in a thread worker and never block the UI; a new request (the
cursor moved on, another transcript opened) cancels the one before, which stops at its
next step instead of competing with the screen it no longer serves.
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from qualcode.domain.suggestion import SuggestionView
from qualcode.errors import QualcodeError
from qualcode.services import blind
from qualcode.services.project import Project
from qualcode.services.suggestion_queue import window_suggestions
from qualcode.services.suggestion_window import LazySuggestions
from qualcode.tui.components.messages import Failed

Span = tuple[int, int]  # first and last turn ordinal of a window, both included


class SuggestionReader(Widget):
    """Posts `Read` with the window's pending suggestions, then, if some of its turns had to
    be suggested for, `Generating` and `Read` again."""

    DEFAULT_CSS = "SuggestionReader { display: none; }"
    GROUP = "suggestions"

    class Generating(Message):
        def __init__(self, transcript_id: int) -> None:
            super().__init__()
            self.transcript_id = transcript_id

    class Read(Message):
        """Pending suggestions per segment id in the window, best first, and whether blind
        mode is on."""

        def __init__(
            self,
            transcript_id: int,
            span: Span,
            found: dict[int, list[SuggestionView]],
            blind_on: bool,
        ) -> None:
            super().__init__()
            self.transcript_id, self.span, self.found, self.blind = (
                transcript_id,
                span,
                found,
                blind_on,
            )

    def __init__(self) -> None:
        super().__init__()
        self.lazy: LazySuggestions | None = None  # made with the first request

    def cancel(self) -> None:
        """Stop the read under way (the transcript it reads is no longer shown)."""
        self.workers.cancel_group(self, self.GROUP)

    @work(thread=True, exclusive=True, group=GROUP, exit_on_error=False)
    def read(
        self, project: Project, coder: str, transcript_id: int, span: Span, *, generate: bool
    ) -> None:
        """Read the window's suggestions; with `generate`, then make those its turns need."""
        worker = get_current_worker()
        try:
            blind_on = blind.blind_mode(project)
            found = window_suggestions(project, transcript_id, coder, *span)
            if worker.is_cancelled:
                return
            self.post_message(self.Read(transcript_id, span, found, blind_on))
            if not generate:
                return
            if self.lazy is None:
                self.lazy = LazySuggestions(project, coder)
            made = self.lazy.generate(
                transcript_id,
                *span,
                cancelled=lambda: worker.is_cancelled,
                started=lambda: self.post_message(self.Generating(transcript_id)),
            )
            if made and not worker.is_cancelled:
                found = window_suggestions(project, transcript_id, coder, *span)
                self.post_message(self.Read(transcript_id, span, found, blind_on))
        except QualcodeError as error:
            self.post_message(Failed(error))
