"""Pick one item by typing a few letters (fuzzy match); returns its value or None."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualcode.tui.modals.base import Dialog

TERMS_WEIGHT = 0.8  # a hit in a code's matcher terms ranks below a hit in its key or name


@dataclass(frozen=True)
class Choice:
    """One pickable item: `label` is shown and matched, each of `terms` is matched too."""

    value: str
    label: str
    colour: str = ""
    terms: tuple[str, ...] = ()


class CodePicker(Dialog):
    """A fuzzy picker over codes (or any choices): type to narrow, Enter to pick."""

    BINDINGS = [  # noqa: RUF012 - Textual API
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="type part of a key, name or term")
            yield OptionList()
            yield Label("↑↓ to move · Enter to pick · Esc to cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        matcher = Matcher(query.strip()) if query.strip() else None
        ranked: list[tuple[float, int, Choice]] = []
        for order, choice in enumerate(self.choices):
            score = 1.0
            if matcher is not None:
                # Terms are matched one by one: Textual's fuzzy search tries every way of
                # placing the query in the candidate, which explodes on one long string.
                term = max((matcher.match(term) for term in choice.terms), default=0.0)
                score = max(matcher.match(choice.label), TERMS_WEIGHT * term)
            if score > 0:
                ranked.append((-score, order, choice))
        ranked.sort(key=lambda item: item[:2])
        options.add_options(
            Option(self._prompt(choice, matcher), id=choice.value) for _, _, choice in ranked
        )
        if ranked:
            options.highlighted = 0

    @staticmethod
    def _prompt(choice: Choice, matcher: Matcher | None) -> Content:
        label = matcher.highlight(choice.label) if matcher else Content(choice.label)
        swatch: tuple[str, str] = ("■ ", choice.colour) if choice.colour else ("  ", "")
        return Content.assemble(swatch, label)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(current + step, options.option_count - 1))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        option = options.highlighted_option
        if option is not None:
            self.answer(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answer(event.option.id)

    def action_cancel(self) -> None:
        self.answer(None)
