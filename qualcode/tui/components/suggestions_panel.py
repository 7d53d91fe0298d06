"""The coder's pending suggestions, and those of the cursor turn on show: score, code, why."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcode.domain.corpus import SegmentView
from qualcode.domain.suggestion import SuggestionView


class SuggestionsPanel(Static):
    """Shows the turn's suggestions best first; the first one is what `a` accepts and `r`
    rejects. `pending` holds the suggestions of the turns around the cursor by segment id."""

    DEFAULT_CSS = "SuggestionsPanel { padding: 0 1; }"  # lines wrap: reasons are read whole

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pending: dict[int, list[SuggestionView]] = {}
        self.suggestions: list[SuggestionView] = []  # shown, for the turn in `turn`
        self.turn: SegmentView | None = None
        self.taken: set[int] = set()  # ids accepted or rejected here, perhaps not yet saved
        self.working = False  # suggestions are being made for the turns around the cursor

    @property
    def top(self) -> SuggestionView | None:
        return self.suggestions[0] if self.suggestions else None

    def set_pending(self, pending: dict[int, list[SuggestionView]]) -> None:
        """Hold these pending suggestions (a read may still hold those just taken)."""
        self.pending = {
            segment_id: [s for s in items if s.id not in self.taken]
            for segment_id, items in pending.items()
        }
        self.working = False
        self.show_turn(self.turn)

    def set_working(self) -> None:
        self.working = True
        self.show_turn(self.turn)

    def show_turn(self, turn: SegmentView | None) -> None:
        """Show this turn's suggestions, leaving out codes the turn already has."""
        self.turn = turn
        if turn is None:
            self.show([])
            return
        applied = {coding.code_key for coding in turn.codings}
        shown = [s for s in self.pending.get(turn.id, []) if s.code_key not in applied]
        self.show(shown, working=self.working and not shown)

    def take_top(self) -> SuggestionView | None:
        """Remove the shown best suggestion from the pending ones and return it."""
        top = self.top
        if top is not None:
            self.taken.add(top.id)
            items = self.pending.get(top.segment_id, [])
            self.pending[top.segment_id] = [s for s in items if s.id != top.id]
            self.show_turn(self.turn)
        return top

    def put_back(self, item: SuggestionView) -> None:
        """Make a suggestion pending again (its accept or reject failed)."""
        self.taken.discard(item.id)
        items = [*self.pending.get(item.segment_id, []), item]
        self.pending[item.segment_id] = sorted(items, key=lambda s: (-s.score, s.code_key))
        self.show_turn(self.turn)

    def show(self, suggestions: list[SuggestionView], *, working: bool = False) -> None:
        self.suggestions = suggestions
        text = Text.assemble(("Suggestions", "bold"), ("  a accept · r reject", "dim"))
        if working:
            text.append("\nfinding suggestions…", "italic")
        elif not suggestions:
            text.append("\nnone for this turn", "dim")
        for index, item in enumerate(suggestions):
            mark = "▸ " if index == 0 else "  "
            text.append(f"\n{mark}{item.score:.2f} ", "bold" if index == 0 else "")
            text.append(item.code_name, "bold" if index == 0 else "")
            text.append(f"  {item.reason}", "dim italic")
        self.update(text)
