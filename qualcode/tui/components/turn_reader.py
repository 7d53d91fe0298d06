"""Reads a transcript's turns and the codebook for the coding screen, off the UI thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from qualcode.domain.corpus import CodebookInfo, SegmentView
from qualcode.errors import QualcodeError
from qualcode.services import codebooks, reading
from qualcode.services.project import Project
from qualcode.tui.components.messages import Failed

FIRST = 60  # turns shown while the rest of a long transcript is read
Book = tuple[CodebookInfo, dict[str, int]]  # the codebook and the coder's counts per code


@dataclass(frozen=True)
class ReadRequest:
    """What to read: a transcript for a coder, the cursor to keep, and for a `refresh` the
    change stamp of the turns shown (they are read again only if it changed)."""

    project: Project
    coder: str
    transcript_id: int
    cursor: int = 0
    generation: int = 0  # the screen's count of local edits when the read started
    refresh: bool = False
    stamp: tuple[object, ...] | None = None


class TurnReader(Widget):
    """Posts `Loaded` for each read; a new transcript first shows `FIRST` turns."""

    DEFAULT_CSS = "TurnReader { display: none; }"

    class Loaded(Message):
        """Turns read (None: unchanged since the last read); `complete` is False for the
        first screenful of a new transcript."""

        def __init__(
            self, request: ReadRequest, turns: list[SegmentView] | None, book: Book
        ) -> None:
            super().__init__()
            self.request = request
            self.transcript_id, self.turns, self.book = request.transcript_id, turns, book
            self.cursor, self.generation = request.cursor, request.generation
            self.complete = True
            self.painted = threading.Event()
            self.stamp: tuple[object, ...] | None = None  # set on complete reads

    @work(thread=True, exclusive=True, group="coding-load")
    def read(self, request: ReadRequest) -> None:
        project, coder, transcript_id = request.project, request.coder, request.transcript_id
        worker = get_current_worker()
        try:
            book = (codebooks.codebook_info(project), reading.code_counts(project, coder))
            if request.refresh:
                stamp = reading.change_stamp(project, transcript_id, coder)
                if stamp == request.stamp:
                    self.post_message(self.Loaded(request, None, book))
                    return
            elif request.cursor == 0:
                first = reading.coder_turns(project, transcript_id, coder, first=FIRST)
                shown = self.Loaded(request, first, book)
                shown.complete = False
                self.post_message(shown)
                # Read the rest once the first screenful is painted, not competing with it,
                # unless another read replaced this one meanwhile (a transcript left at once).
                shown.painted.wait(timeout=2)
                if worker.is_cancelled:
                    return
            if not request.refresh:  # taken before the turns are read, as for a refresh
                stamp = reading.change_stamp(project, transcript_id, coder)
            turns = reading.coder_turns(
                project, transcript_id, coder, stop=lambda: worker.is_cancelled
            )
        except QualcodeError as error:
            self.post_message(Failed(error))
            return
        if worker.is_cancelled:
            return  # replaced by a later read: its turns are not wanted
        loaded = self.Loaded(request, turns, book)
        loaded.stamp = stamp
        self.post_message(loaded)
