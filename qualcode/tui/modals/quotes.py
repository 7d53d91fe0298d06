"""The quotes behind a Compare cell: pick one to read it in its transcript."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qualcode.domain.quote import Quote, clock
from qualcode.tui.modals.base import Dialog


def quote_prompt(quote: Quote) -> Text:
    """Who said it, where and when, then the quoted text."""
    who = quote.speaker or "unknown speaker"
    if quote.role:
        who += f" ({quote.role})"
    where = " · ".join(part for part in (quote.transcript, clock(quote.start_time)) if part)
    return Text.assemble((who, "bold"), ("  " + where, "dim"), "\n", quote.text)


class QuotesDialog(Dialog):
    """Answers with the picked quote's segment id (as text), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="quotes.close"),
    ]

    def __init__(self, title: str, quotes: list[Quote]) -> None:
        super().__init__()
        self.title_text = title
        self.quotes = quotes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quotes-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*(Option(quote_prompt(q), id=str(q.segment_id)) for q in self.quotes))
            yield Label(
                "↑↓ move · Enter reads the turn on the coding screen · Esc closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answer(event.option.id)

    def action_cancel(self) -> None:
        self.answer(None)
