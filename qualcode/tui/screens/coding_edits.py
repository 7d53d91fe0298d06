"""The coding screen's edits: apply, remove, undo, redo, open codes, spans, split, join, memo.

Every edit is one service call run by the app's Saver (in order, off the UI thread, retried
while the database is busy); the screen redraws only the turns the change touched, or reads
the transcript again after a split or join. Every edit but the memo goes through the
screen's CodingHistory, so `u` and `U` undo and redo it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.domain.corpus import CodebookInfo, CodingView, SegmentView
from qualcode.errors import QualcodeError
from qualcode.services import codebooks, coding
from qualcode.services.history import Change, CodingHistory
from qualcode.tui.modals.code_picker import Choice, CodePicker
from qualcode.tui.modals.memo_editor import MemoEditor
from qualcode.tui.screens.coding_selection import CodingSelection
from qualcode.tui.text_motion import first_sentence_break
from qualcode.tui.widgets.inline_prompt import InlinePrompt
from qualcode.tui.widgets.memo_panel import MemoPanel

if TYPE_CHECKING:
    from qualcode.tui.widgets.code_tree import CodeTree


class CodingEdits(CodingSelection):
    """Actions that change codings or segments; CodingScreen adds the widgets and loading
    (`view`, `code_tree`, `load`, `show_codebook`, `update_status`)."""

    history: CodingHistory | None
    book: CodebookInfo | None
    generation: int
    pending_ids = 0  # temporary (negative) ids of codings shown before they are saved
    transcript_id: int | None

    if TYPE_CHECKING:

        @property
        def code_tree(self) -> CodeTree: ...

        def show_codebook(self, book: tuple[CodebookInfo, dict[str, int]]) -> None: ...

        def show_segment(self, segment_id: int) -> None: ...

        def load(self, transcript_id: int, cursor: int = 0, *, refresh: bool = False) -> object: ...

    # -- applying and removing codes ---------------------------------------------------------

    def apply(self, key: str) -> None:
        """Apply `key` to the selection, or to the whole cursor turn.

        The coding shows at once (with a temporary id) and is swapped for the saved one when
        the write completes, or taken back if it fails: the screen never waits for the disk.
        """
        turn, history = self.view.current, self.history
        if turn is None or history is None:
            return
        span = self._selected_span(turn)
        self._end_selection()
        start, end = (None, None) if span in (None, (turn.start_char, turn.end_char)) else span
        if any((c.code_key, c.start_char, c.end_char) == (key, start, end) for c in turn.codings):
            self.notify(f"{key} is already there.", timeout=2)
            return
        self.pending_ids -= 1
        shown = CodingView(
            id=self.pending_ids,
            code_key=key,
            coder=self.coder,
            segment_id=turn.id,
            start_char=start,
            end_char=end,
        )
        self.show_change(Change("", added=(shown,)))

        def saved(change: Change) -> None:
            self.show_change(Change(change.label, added=change.added, removed=(shown,)))
            if not change:  # it was saved before (by another program): show the stored state
                self._reload()

        def failed(error: QualcodeError) -> None:
            self.show_change(Change("", removed=(shown,)))
            self.notify(str(error), severity="error", timeout=6)

        self.saver.submit(lambda: history.apply(turn.id, key, span=span), saved, failed=failed)

    def action_favourite(self, number: int) -> None:
        favourites = self.book.favourites if self.book else []
        if number > len(favourites):
            self.notify(f"The codebook has {len(favourites)} favourites; use c to pick a code.")
            return
        self.apply(favourites[number - 1])

    def action_pick_code(self) -> None:
        if self.book is None:
            return
        choices = [
            Choice(
                code.key,
                f"{code.name}  {code.key}",
                code.color,
                tuple(term for terms in code.terms.values() for term in terms),
            )
            for code in self.book.codes
            if not code.retired
        ]
        title = "Code the selection" if self.view.selection else "Code this turn"
        self.app.push_screen(CodePicker(title, choices), self._picked)

    def _picked(self, key: str | None) -> None:
        if key:
            self.apply(key)

    def action_remove_code(self) -> None:
        turn, history = self.view.current, self.history
        if turn is None or history is None:
            return
        if not turn.codings:
            self.notify("This turn has no codes of yours to remove.", timeout=3)
            return

        def remove(coding_id: str | None) -> None:
            chosen = next((c for c in turn.codings if str(c.id) == coding_id), None)
            if chosen is not None:
                if chosen.start_char is None or chosen.end_char is None:
                    span = (turn.start_char, turn.end_char)  # only the whole-turn coding
                else:
                    span = (chosen.start_char, chosen.end_char)
                self.saver.submit(
                    lambda: history.remove(turn.id, chosen.code_key, span=span), self.show_change
                )

        if len(turn.codings) == 1:
            remove(str(turn.codings[0].id))
            return
        choices = [
            Choice(str(c.id), self._coding_label(turn, c), self._colour(c.code_key))
            for c in turn.codings
        ]
        self.app.push_screen(CodePicker("Remove which code?", choices), remove)

    def action_undo(self) -> None:
        if self.history is not None:
            self.saver.submit(self.history.undo, lambda change: self._replayed(change, "undo"))

    def action_redo(self) -> None:
        if self.history is not None:
            self.saver.submit(self.history.redo, lambda change: self._replayed(change, "redo"))

    def _replayed(self, change: Change | None, verb: str) -> None:
        if change is None:
            self.notify(f"Nothing to {verb}.", timeout=2)
            return
        if change.turns:
            self._reload(change.turns[0])
        else:
            self.show_change(change)
        self.notify(change.label.capitalize(), timeout=2)

    def show_change(self, change: Change) -> None:
        """Redraw the turns a change touched and update the code counts."""
        self.generation += 1
        gone = {view.id for view in change.removed}
        for segment_id in change.segment_ids:
            index = self.view.index_of(segment_id)
            if index is None:
                continue
            turn = self.view.turns[index]
            kept = [c for c in turn.codings if c.id not in gone]
            kept += [v for v in change.added if v.segment_id == segment_id]
            self.view.replace_turn(index, turn.model_copy(update={"codings": kept}))
        for view in change.removed:
            self.code_tree.bump(view.code_key, -1)
        for view in change.added:
            self.code_tree.bump(view.code_key, 1)
        if change.added:
            self.code_tree.select_key(change.added[-1].code_key)
        self.update_status()

    # -- open codes and memos ----------------------------------------------------------------

    def action_open_code(self) -> None:
        if self.view.current is not None:
            prompt = self.query_one(InlinePrompt)
            prompt.ask("open_code", "name of a new open code; Enter applies it")

    def create_open_code(self, name: str) -> None:
        turn, history = self.view.current, self.history
        if turn is None or history is None:
            return
        span = self._selected_span(turn)

        def work() -> tuple[CodebookInfo, Change]:
            code = codebooks.create_open_code(self.project, name, self.coder)
            return codebooks.codebook_info(self.project), history.apply(
                turn.id, code.key, span=span
            )

        def done(result: tuple[CodebookInfo, Change]) -> None:
            self.show_codebook((result[0], self.code_tree.counts))
            self.show_change(result[1])

        self.saver.submit(work, done)
        self._end_selection()

    def action_memo(self) -> None:
        turn = self.view.current
        if turn is not None:
            title = f"Memo on turn {self.view.cursor + 1} ({turn.speaker or 'no speaker'})"
            self.app.push_screen(MemoEditor(title), lambda text: self._save_memo(turn, text))

    def _save_memo(self, turn: SegmentView, text: str | None) -> None:
        if not text:
            return

        def done(_memo: object) -> None:
            self.generation += 1
            index = self.view.index_of(turn.id)
            if index is not None:
                current = self.view.turns[index]
                memos = [*current.memos, text]
                self.view.replace_turn(index, current.model_copy(update={"memos": memos}))
                self.query_one(MemoPanel).show(self.view.current.memos if self.view.current else [])
            self.notify("Memo saved.", timeout=2)

        self.saver.submit(
            lambda: coding.add_memo(self.project, text, self.coder, segment_id=turn.id), done
        )

    # -- split and join ----------------------------------------------------------------------

    def action_split(self) -> None:
        turn, history = self.view.current, self.history
        if turn is None or history is None:
            return
        if self.view.selection is not None:
            offset: int | None = self.view.selection.caret
        else:
            offset = first_sentence_break(turn.text)
        if not offset:
            self.notify(
                "No sentence boundary here: press v, move to where the split goes, then s.",
                timeout=4,
            )
            return
        at = turn.start_char + offset
        self._end_selection()
        self.saver.submit(lambda: history.split(turn.id, at), lambda _: self._reload())

    def action_join(self) -> None:
        turn, history = self.view.current, self.history
        if turn is None or history is None:
            return
        if self.view.cursor + 1 >= len(self.view.turns):
            self.notify("This is the last turn; there is no next turn to join.", timeout=3)
            return
        self.saver.submit(lambda: history.join(turn.id), lambda _: self._reload())

    def _reload(self, segment_id: int | None = None) -> None:
        """Read the transcript again (after a split or join), the cursor on `segment_id` if
        given, else where it is."""
        if self.transcript_id is not None:
            if segment_id is not None:
                self.show_segment(segment_id)
            self.load(self.transcript_id, self.view.cursor)

    # -- labels ------------------------------------------------------------------------------

    def _colour(self, key: str) -> str:
        code = self.book.get(key) if self.book else None
        return code.color if code else ""

    def _coding_label(self, turn: SegmentView, view: CodingView) -> str:
        code = self.book.get(view.code_key) if self.book else None
        name = code.name if code else view.code_key
        if view.start_char is None or view.end_char is None:
            return f"{name}  (whole turn)"
        excerpt = turn.text[view.start_char - turn.start_char : view.end_char - turn.start_char]
        return f"{name}  “{excerpt[:40]}”"
