"""The coding screen's edits: apply, remove, accept, reject, undo, redo, open codes, memos,
split and join, and card sections.

Every edit is one service call run by the app's Saver (in order, off the UI thread, retried
while the database is busy). A new coding is reported at once with a temporary (negative)
id and swapped for the saved one when the write completes, or taken back if it fails: the
screen never waits for the disk. Every edit but the memo and a rejection goes through the
CodingHistory, so undo and redo replay it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.widget import Widget

from qualcode.domain.coding import CodingView
from qualcode.domain.corpus import CodebookInfo, SegmentView
from qualcode.domain.suggestion import SuggestionView
from qualcode.errors import QualcodeError
from qualcode.services import codebooks, memos, suggestions
from qualcode.services.history import Change, CodingHistory
from qualcode.services.project import Project
from qualcode.tui.components.messages import Failed
from qualcode.tui.modals.code_picker import Choice, CodePicker
from qualcode.tui.saver import Saver


class CodingEditor(Widget):
    """Runs the coder's edits; posts `Changed`, `Replayed`, `TurnsChanged`, `MemoSaved`,
    `CodebookChanged`, `SuggestionReturned` and `Failed`."""

    DEFAULT_CSS = "CodingEditor { display: none; }"

    class Changed(Message):
        """Codings appeared or went: redraw the turns they belong to."""

        def __init__(self, change: Change) -> None:
            super().__init__()
            self.change = change

    class Replayed(Message):
        """An undo or redo ran (`change` None: there was nothing to replay)."""

        def __init__(self, change: Change | None, verb: str) -> None:
            super().__init__()
            self.change, self.verb = change, verb

    class TurnsChanged(Message):
        """The turns themselves changed (split, join): read them again, the cursor on
        `segment_id` if given."""

        def __init__(self, segment_id: int | None = None) -> None:
            super().__init__()
            self.segment_id = segment_id

    class SectionsChanged(Message):
        """The card sections changed: read the turns again."""

    class MemoSaved(Message):
        def __init__(self, segment_id: int, text: str) -> None:
            super().__init__()
            self.segment_id, self.text = segment_id, text

    class CodebookChanged(Message):
        def __init__(self, book: CodebookInfo) -> None:
            super().__init__()
            self.book = book

    class SuggestionReturned(Message):
        """Accepting or rejecting this suggestion failed: it is pending again."""

        def __init__(self, suggestion: SuggestionView) -> None:
            super().__init__()
            self.suggestion = suggestion

    def __init__(self) -> None:
        super().__init__()
        self.history: CodingHistory | None = None
        self._saver: Saver | None = None
        self._project: Project | None = None
        self._coder = ""
        self._temporary_ids = 0

    def begin(self, project: Project, coder: str, saver: Saver) -> None:
        """Start a new history of edits (a transcript was opened)."""
        self.history = CodingHistory(project, coder)
        self._project, self._coder, self._saver = project, coder, saver

    # -- codings -----------------------------------------------------------------------------

    def apply(self, turn: SegmentView, key: str, span: tuple[int, int] | None) -> None:
        """Apply `key` to the span (transcript offsets) of the turn, or to the whole turn."""
        history, saver = self.history, self._saver
        if history is None or saver is None:
            return
        start, end = (None, None) if span in (None, (turn.start_char, turn.end_char)) else span
        if any((c.code_key, c.start_char, c.end_char) == (key, start, end) for c in turn.codings):
            self.notify(f"{key} is already there.", timeout=2)
            return
        shown = self._shown(turn.id, key, start_char=start, end_char=end)

        def saved(change: Change) -> None:
            self.post_message(self.Changed(_swap(change, shown)))
            if not change:  # it was saved before (by another program): show the stored state
                self.post_message(self.TurnsChanged())

        def failed(error: QualcodeError) -> None:
            self.post_message(self.Changed(Change("", removed=(shown,))))
            self.post_message(Failed(error))

        saver.submit(lambda: history.apply(turn.id, key, span=span), saved, failed=failed)

    def remove_coding(self, turn: SegmentView, book: CodebookInfo | None) -> None:
        """Remove one of the turn's codings, asking which when it has several."""
        if not turn.codings:
            self.notify("This turn has no codes of yours to remove.", timeout=3)
            return
        if len(turn.codings) == 1:
            self._remove(turn, str(turn.codings[0].id))
            return
        choices = [
            Choice(str(c.id), _coding_label(turn, c, book), _colour(book, c.code_key))
            for c in turn.codings
        ]
        picker = CodePicker("Remove which code?", choices)
        self.app.push_screen(picker, lambda chosen: self._remove(turn, chosen))

    def _remove(self, turn: SegmentView, coding_id: str | None) -> None:
        history, saver = self.history, self._saver
        chosen = next((c for c in turn.codings if str(c.id) == coding_id), None)
        if chosen is None or history is None or saver is None:
            return
        if chosen.start_char is None or chosen.end_char is None:
            span = (turn.start_char, turn.end_char)  # only the whole-turn coding
        else:
            span = (chosen.start_char, chosen.end_char)
        saver.submit(
            lambda: history.remove(turn.id, chosen.code_key, span=span),
            lambda change: self.post_message(self.Changed(change)),
        )

    # -- suggestions -------------------------------------------------------------------------

    def accept(self, item: SuggestionView) -> None:
        history, saver = self.history, self._saver
        if history is None or saver is None:
            return
        shown = self._shown(item.segment_id, item.code_key, origin="suggestion")

        def failed(error: QualcodeError) -> None:
            self.post_message(self.Changed(Change("", removed=(shown,))))
            self.post_message(self.SuggestionReturned(item))
            self.post_message(Failed(error))

        saver.submit(
            lambda: history.accept(item.segment_id, item.id),
            lambda change: self.post_message(self.Changed(_swap(change, shown))),
            failed=failed,
        )

    def reject(self, item: SuggestionView) -> None:
        project, saver, coder = self._project, self._saver, self._coder
        if project is None or saver is None:
            return

        def failed(error: QualcodeError) -> None:
            self.post_message(self.SuggestionReturned(item))
            self.post_message(Failed(error))

        saver.submit(lambda: suggestions.reject_suggestion(project, item.id, coder), failed=failed)

    # -- history -----------------------------------------------------------------------------

    def undo(self) -> None:
        self._replay("undo")

    def redo(self) -> None:
        self._replay("redo")

    def _replay(self, verb: str) -> None:
        history, saver = self.history, self._saver
        if history is not None and saver is not None:
            saver.submit(
                history.undo if verb == "undo" else history.redo,
                lambda change: self.post_message(self.Replayed(change, verb)),
            )

    # -- open codes, memos, split and join ---------------------------------------------------

    def create_open_code(self, turn: SegmentView, name: str, span: tuple[int, int] | None) -> None:
        """Add an open code named `name` to the codebook and apply it."""
        history, saver, project, coder = self.history, self._saver, self._project, self._coder
        if history is None or saver is None or project is None:
            return

        def create() -> tuple[CodebookInfo, Change]:
            code = codebooks.create_open_code(project, name, coder)
            change = history.apply(turn.id, code.key, span=span)
            return codebooks.codebook_info(project), change

        def done(result: tuple[CodebookInfo, Change]) -> None:
            self.post_message(self.CodebookChanged(result[0]))
            self.post_message(self.Changed(result[1]))

        saver.submit(create, done)

    def add_memo(self, turn: SegmentView, text: str) -> None:
        project, saver, coder = self._project, self._saver, self._coder
        if project is not None and saver is not None and text:
            saver.submit(
                lambda: memos.add_memo(project, text, coder, segment_id=turn.id),
                lambda _memo: self.post_message(self.MemoSaved(turn.id, text)),
            )

    def split(self, turn: SegmentView, at: int) -> None:
        """Split the turn at transcript offset `at`."""
        history, saver = self.history, self._saver
        if history is not None and saver is not None:
            saver.submit(
                lambda: history.split(turn.id, at),
                lambda _: self.post_message(self.TurnsChanged()),
            )

    def join(self, turn: SegmentView) -> None:
        """Join the turn with the next one."""
        history, saver = self.history, self._saver
        if history is not None and saver is not None:
            saver.submit(
                lambda: history.join(turn.id), lambda _: self.post_message(self.TurnsChanged())
            )

    # -- card sections -----------------------------------------------------------------------

    def open_section(self, turn: SegmentView, card_key: str | None) -> None:
        """The turn opens a section of the card (None: it opens none)."""
        self._sections(lambda history: history.open_section(turn.id, card_key))

    def assign_turns(self, first: SegmentView, last: SegmentView, card_key: str | None) -> None:
        """The turns from `first` to `last` form a section of the card (None: no card)."""
        self._sections(lambda history: history.assign_turns(first.id, last.id, card_key))

    def move_section(self, turn: SegmentView, step: int) -> None:
        """Move the start of the section holding the turn by `step` turns."""
        self._sections(lambda history: history.move_section(turn.id, step))

    def _sections(self, edit: Callable[[CodingHistory], Change]) -> None:
        history, saver = self.history, self._saver
        if history is not None and saver is not None:

            def done(change: Change) -> None:
                self.post_message(self.SectionsChanged())
                self.notify(change.label.capitalize(), timeout=2)

            saver.submit(lambda: edit(history), done)

    def _shown(
        self,
        segment_id: int,
        key: str,
        *,
        start_char: int | None = None,
        end_char: int | None = None,
        origin: str = "manual",
    ) -> CodingView:
        """Report a coding at once, with a temporary id, before it is saved."""
        self._temporary_ids -= 1
        shown = CodingView(
            id=self._temporary_ids,
            code_key=key,
            coder=self._coder,
            segment_id=segment_id,
            start_char=start_char,
            end_char=end_char,
            origin=origin,
        )
        self.post_message(self.Changed(Change("", added=(shown,))))
        return shown


def _swap(change: Change, shown: CodingView) -> Change:
    """The saved change, taking the place of the coding shown before it was saved."""
    return Change(change.label, added=change.added, removed=(shown,))


def _colour(book: CodebookInfo | None, key: str) -> str:
    code = book.get(key) if book else None
    return code.color if code else ""


def _coding_label(turn: SegmentView, view: CodingView, book: CodebookInfo | None) -> str:
    code = book.get(view.code_key) if book else None
    name = code.name if code else view.code_key
    if view.start_char is None or view.end_char is None:
        return f"{name}  (whole turn)"
    excerpt = turn.text[view.start_char - turn.start_char : view.end_char - turn.start_char]
    return f"{name}  “{excerpt[:40]}”"
