"""The cursor turn's pending suggestions: score, code and why (matched terms or "learned")."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcode.domain.suggestion import SuggestionView


class SuggestionsPanel(Static):
    """Shows suggestions best first; the first one is what `a` accepts and `r` rejects."""

    DEFAULT_CSS = "SuggestionsPanel { padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggestions: list[SuggestionView] = []

    @property
    def top(self) -> SuggestionView | None:
        return self.suggestions[0] if self.suggestions else None

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
