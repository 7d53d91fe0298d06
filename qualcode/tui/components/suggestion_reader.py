"""Reads (and, the first time a transcript opens, generates) the coder's pending suggestions.

Generating takes spaCy a second or two; it runs in a thread worker and never blocks the UI.
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widget import Widget

from qualcode.domain.suggestion import SuggestionView
from qualcode.errors import QualcodeError
from qualcode.services import blind, suggestions
from qualcode.services.project import Project
from qualcode.services.suggestion_queue import transcript_suggestions
from qualcode.tui.components.messages import Failed


class SuggestionReader(Widget):
    """Posts `Generating` before generating, then `Read` with the pending suggestions."""

    DEFAULT_CSS = "SuggestionReader { display: none; }"

    class Generating(Message):
        def __init__(self, transcript_id: int) -> None:
            super().__init__()
            self.transcript_id = transcript_id

    class Read(Message):
        """Pending suggestions per segment id, best first, and whether blind mode is on."""

        def __init__(
            self, transcript_id: int, found: dict[int, list[SuggestionView]], blind_on: bool
        ) -> None:
            super().__init__()
            self.transcript_id, self.found, self.blind = transcript_id, found, blind_on

    def __init__(self) -> None:
        super().__init__()
        self._generated: set[int] = set()  # transcripts suggested for in this session

    def read_once_generated(self, project: Project, coder: str, transcript_id: int) -> None:
        """Read the suggestions, generating them first if this is the first read this
        session and there are none."""
        generate = transcript_id not in self._generated
        self._generated.add(transcript_id)
        self.read(project, coder, transcript_id, generate=generate)

    @work(thread=True, group="suggestions", exit_on_error=False)
    def read(self, project: Project, coder: str, transcript_id: int, *, generate: bool) -> None:
        try:
            blind_on = blind.blind_mode(project)
            found = transcript_suggestions(project, transcript_id, coder)
            if generate and not found:
                self.post_message(self.Generating(transcript_id))
                suggestions.suggest_for_transcript(project, transcript_id, coder)
                found = transcript_suggestions(project, transcript_id, coder)
        except QualcodeError as error:
            self.post_message(Failed(error))
            return
        self.post_message(self.Read(transcript_id, found, blind_on))
