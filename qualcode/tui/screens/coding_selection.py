"""Selecting part of the cursor turn from the keyboard, to code or split just there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.domain.corpus import SegmentView
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.text_motion import next_word_start, previous_word_start, word_end
from qualcode.tui.widgets.turn_render import Selection

if TYPE_CHECKING:
    from qualcode.tui.widgets.transcript_view import TranscriptView

SELECTION_ACTIONS = {"caret", "word", "extend", "extend_word"}


class CodingSelection(WorkbenchScreen):
    """`v` starts a selection at the start of the turn; arrows, w and b move the caret,
    shift+arrows, W and B extend it (both ends included, like vim's visual mode).
    Mixed into CodingScreen, which provides `view` and `update_status`."""

    if TYPE_CHECKING:

        @property
        def view(self) -> TranscriptView: ...

        def update_status(self) -> None: ...

    def action_select(self) -> None:
        turn = self.view.current
        if turn is None or not turn.text:
            return
        if self.view.selection is None:
            self.view.set_selection(Selection(0, 0))
        else:
            self.view.set_selection(None)
        self.refresh_bindings()
        self.update_status()

    def _move(self, caret: int, *, extend: bool) -> None:
        selection, turn = self.view.selection, self.view.current
        if selection is None or turn is None:
            return
        caret = max(0, min(caret, len(turn.text) - 1))
        self.view.set_selection(Selection(selection.anchor if extend else caret, caret))

    def action_caret(self, step: int) -> None:
        if self.view.selection is not None:
            self._move(self.view.selection.caret + step, extend=False)

    def action_extend(self, step: int) -> None:
        if self.view.selection is not None:
            self._move(self.view.selection.caret + step, extend=True)

    def action_word(self, step: int) -> None:
        selection, turn = self.view.selection, self.view.current
        if selection is not None and turn is not None:
            motion = next_word_start if step > 0 else previous_word_start
            self._move(motion(turn.text, selection.caret), extend=False)

    def action_extend_word(self, step: int) -> None:
        selection, turn = self.view.selection, self.view.current
        if selection is not None and turn is not None:
            motion = word_end if step > 0 else previous_word_start
            self._move(motion(turn.text, selection.caret), extend=True)

    def _selected_span(self, turn: SegmentView) -> tuple[int, int] | None:
        if self.view.selection is None:
            return None
        start, end = self.view.selection.span
        return turn.start_char + start, turn.start_char + min(end, len(turn.text))

    def _end_selection(self) -> None:
        if self.view.selection is not None:
            self.view.set_selection(None)
            self.refresh_bindings()
            self.update_status()
