"""The coding screen's suggestions panel and blind-mode flag.

When a transcript opens, the coder's pending suggestions for it are read in a thread; if
there are none they are generated first (spaCy, a second or two), never blocking the UI.
`a` accepts the cursor turn's best suggestion (a coding with origin `suggestion`, shown at
once like any apply; `u` takes it back and the suggestion is pending again), `r` rejects it,
`S` shows or hides the panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from qualcode.domain.corpus import CodingView
from qualcode.domain.suggestion import SuggestionView
from qualcode.errors import QualcodeError
from qualcode.services import blind, suggestions
from qualcode.services.history import Change
from qualcode.services.suggestion_queue import transcript_suggestions
from qualcode.tui.screens.coding_edits import CodingEdits
from qualcode.tui.widgets.suggestions_panel import SuggestionsPanel
from qualcode.tui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from qualcode.tui.screens.coding import CodingScreen


class CodingSuggestions(CodingEdits):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the key bar (the panel names them); `?` and the palette list them.
        Binding(
            "a", "accept_suggestion", "Accept suggestion", show=False, id="coding.accept_suggestion"
        ),
        Binding(
            "r", "reject_suggestion", "Reject suggestion", show=False, id="coding.reject_suggestion"
        ),
        Binding(
            "S", "toggle_suggestions", "Suggestions panel", show=False, id="coding.suggestions"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.suggestions: dict[int, list[SuggestionView]] = {}
        self.blind = False
        self._generated: set[int] = set()  # transcripts suggested for in this session

    @property
    def panel(self) -> SuggestionsPanel:
        return self.query_one(SuggestionsPanel)

    def on_mount(self) -> None:
        slot = self.query_one("#suggestions-slot", Vertical)
        slot.mount(SuggestionsPanel(id="suggestions"))
        slot.add_class("-shown")

    def on_coding_screen_loaded(self, message: CodingScreen.Loaded) -> None:
        """After every complete read of the turns, read the suggestions (and blind mode)."""
        if message.complete and message.transcript_id == self.transcript_id:
            generate = message.transcript_id not in self._generated
            self._generated.add(message.transcript_id)
            self.read_suggestions(message.transcript_id, generate=generate)

    @work(thread=True, group="suggestions", exit_on_error=False)
    def read_suggestions(self, transcript_id: int, *, generate: bool) -> None:
        """Read the transcript's pending suggestions; generate them first if there are none."""
        try:
            blind_on = blind.blind_mode(self.project)
            found = transcript_suggestions(self.project, transcript_id, self.coder)
            if generate and not found:
                self.app.call_from_thread(self.panel.show, [], working=True)
                suggestions.suggest_for_transcript(self.project, transcript_id, self.coder)
                found = transcript_suggestions(self.project, transcript_id, self.coder)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.app.call_from_thread(self._suggestions_read, transcript_id, found, blind_on)

    def _suggestions_read(
        self, transcript_id: int, found: dict[int, list[SuggestionView]], blind_on: bool
    ) -> None:
        if transcript_id != self.transcript_id:
            return
        self.suggestions, self.blind = found, blind_on
        self.show_suggestions()
        self.update_status()

    def show_suggestions(self) -> None:
        """Show the cursor turn's suggestions, leaving out codes the turn already has."""
        turn = self.view.current
        if turn is None:
            self.panel.show([])
            return
        applied = {coding.code_key for coding in turn.codings}
        self.panel.show([s for s in self.suggestions.get(turn.id, []) if s.code_key not in applied])

    def on_transcript_view_cursor_moved(self, _message: TranscriptView.CursorMoved) -> None:
        self.show_suggestions()

    def show_change(self, change: Change) -> None:
        super().show_change(change)
        self.show_suggestions()

    def _replayed(self, change: Change | None, verb: str) -> None:
        super()._replayed(change, verb)
        if change is not None and (change.suggestions or change.turns) and self.transcript_id:
            self.read_suggestions(self.transcript_id, generate=False)

    # -- actions -----------------------------------------------------------------------------

    def _take_top(self) -> SuggestionView | None:
        """Remove the shown best suggestion from the panel and return it."""
        top = self.panel.top
        if top is None:
            self.notify("No suggestion for this turn.", timeout=2)
            return None
        self._set_pending(top.segment_id, [s for s in self._pending(top) if s.id != top.id])
        return top

    def _pending(self, item: SuggestionView) -> list[SuggestionView]:
        return self.suggestions.get(item.segment_id, [])

    def _set_pending(self, segment_id: int, items: list[SuggestionView]) -> None:
        self.suggestions[segment_id] = items
        self.show_suggestions()

    def _put_back(self, item: SuggestionView) -> None:
        items = sorted([*self._pending(item), item], key=lambda s: (-s.score, s.code_key))
        self._set_pending(item.segment_id, items)

    def action_accept_suggestion(self) -> None:
        history = self.history
        top = self._take_top() if history is not None else None
        if history is None or top is None:
            return
        self.pending_ids -= 1
        shown = CodingView(
            id=self.pending_ids,
            code_key=top.code_key,
            coder=self.coder,
            segment_id=top.segment_id,
            origin="suggestion",
        )
        self.show_change(Change("", added=(shown,)))

        def saved(change: Change) -> None:
            self.show_change(Change(change.label, added=change.added, removed=(shown,)))

        def failed(error: QualcodeError) -> None:
            self.show_change(Change("", removed=(shown,)))
            self._put_back(top)
            self.notify(str(error), severity="error", timeout=6)

        self.saver.submit(lambda: history.accept(top.segment_id, top.id), saved, failed=failed)

    def action_reject_suggestion(self) -> None:
        top = self._take_top()
        if top is None:
            return

        def failed(error: QualcodeError) -> None:
            self._put_back(top)
            self.notify(str(error), severity="error", timeout=6)

        self.saver.submit(
            lambda: suggestions.reject_suggestion(self.project, top.id, self.coder),
            failed=failed,
        )

    def action_toggle_suggestions(self) -> None:
        self.query_one("#suggestions-slot", Vertical).toggle_class("-shown")
