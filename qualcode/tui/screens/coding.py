"""Coding screen: read a transcript turn by turn and code it from the keyboard.

Layout: the transcript (a virtual list of turns) with an inline prompt under it; beside it
the codebook tree, the selected code's definition, memos on the cursor turn, and the
suggestions panel in `#suggestions-slot` (see coding_suggestions.py).
"""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Tree

from qualcode.domain.corpus import CodebookInfo, SegmentView
from qualcode.errors import QualcodeError
from qualcode.services import codebooks, reading
from qualcode.services.history import CodingHistory
from qualcode.tui.screens.coding_selection import SELECTION_ACTIONS
from qualcode.tui.screens.coding_suggestions import CodingSuggestions
from qualcode.tui.widgets.code_detail import CodeDetail
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.inline_prompt import InlinePrompt
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.memo_panel import MemoPanel
from qualcode.tui.widgets.status_bar import StatusBar
from qualcode.tui.widgets.transcript_view import TranscriptView

FIRST = 60  # turns shown while the rest of a long transcript is read
Book = tuple[CodebookInfo, dict[str, int]]  # the codebook and the coder's counts per code
SELECTING = "selecting: ←→ w b move · shift+→ W extend · 1-9 c n code · s split · esc"


FAVOURITES = Binding.Group("Apply a favourite code (the codebook lists them)")


def _favourite(number: int) -> Binding:
    return Binding(
        str(number),
        f"favourite({number})",
        "Favourite" if number == 1 else f"Favourite {number}",
        show=number == 1,
        key_display="1-9" if number == 1 else None,
        id=f"coding.favourite_{number}",
        group=FAVOURITES,
    )


class CodingScreen(CodingSuggestions):
    AUTO_FOCUS = "#transcript"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Next turn", show=False, id="coding.next"),
        Binding("k,up", "cursor(-1)", "Previous turn", show=False, id="coding.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="coding.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="coding.page_up"),
        Binding("g,home", "first", "First turn", show=False, id="coding.first"),
        Binding("G,end", "last", "Last turn", show=False, id="coding.last"),
        Binding("slash", "search", "Search", id="coding.search"),
        Binding("c", "pick_code", "Code", id="coding.pick"),
        *(_favourite(number) for number in range(1, 10)),
        Binding("x", "remove_code", "Uncode", id="coding.remove"),
        Binding("u", "undo", "Undo", id="coding.undo"),
        Binding("U", "redo", "Redo", id="coding.redo"),
        Binding("n", "open_code", "Open code", id="coding.open_code"),
        Binding("v", "select", "Select", id="coding.select"),
        Binding("s", "split", "Split", id="coding.split"),
        Binding("J", "join", "Join", id="coding.join"),
        Binding("m", "memo", "Memo", id="coding.memo"),
        Binding(
            "left,h", "caret(-1)", "Caret left (selecting)", show=False, id="coding.caret_left"
        ),
        Binding(
            "right,l", "caret(1)", "Caret right (selecting)", show=False, id="coding.caret_right"
        ),
        Binding("w", "word(1)", "Next word (selecting)", show=False, id="coding.word_next"),
        Binding("b", "word(-1)", "Word back (selecting)", show=False, id="coding.word_back"),
        Binding("shift+right", "extend(1)", "Extend", id="coding.extend_right"),
        Binding("shift+left", "extend(-1)", "Shrink", show=False, id="coding.extend_left"),
        Binding("W,e", "extend_word(1)", "Extend by a word", show=False, id="coding.extend_word"),
        Binding("B", "extend_word(-1)", "Shrink by a word", show=False, id="coding.extend_back"),
        Binding("escape", "escape", "Done", id="coding.escape"),
    ]

    class Loaded(Message):
        """Turns read by `load` (None: unchanged); `complete` is False for the first screen."""

        def __init__(
            self, transcript_id: int, turns: list[SegmentView] | None, book: Book, **state: int
        ) -> None:
            super().__init__()
            self.transcript_id, self.turns, self.book = transcript_id, turns, book
            self.cursor, self.generation = state["cursor"], state["generation"]
            self.complete = bool(state["complete"])
            self.painted = threading.Event()
            self.stamp: tuple[object, ...] | None = None  # set on complete reads

    def __init__(self) -> None:
        super().__init__()
        self.transcript_id: int | None = None
        self.stale = False
        self.partial = False
        self.generation = 0  # counts local changes, to notice a read that missed one
        self.stamp: tuple[object, ...] | None = None  # see reading.change_stamp
        self.book: CodebookInfo | None = None
        self.history: CodingHistory | None = None
        self.target: int | None = None  # a turn to put the cursor on once it is read

    def compose(self) -> ComposeResult:
        with Horizontal(id="coding-body"):
            with Vertical(id="reader"):
                yield TranscriptView(id="transcript")
                yield InlinePrompt(id="inline-prompt")
            with Vertical(id="side"):
                yield CodeTree(id="code-tree")
                yield CodeDetail(id="code-detail")
                yield MemoPanel(id="memos")
                yield Vertical(id="suggestions-slot")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def code_tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    def on_screen_suspend(self) -> None:
        self.stale = True  # other screens may change codings or the codebook meanwhile

    def on_screen_resume(self) -> None:
        self.sync()
        # A newly built screen is laid out at size 0 first, which blurs the view; refocus it.
        self.call_after_refresh(self._focus_view)

    def _focus_view(self) -> None:
        if self.focused is None or not self.query_one(InlinePrompt).display:
            self.view.focus()

    def sync(self) -> None:
        """Show the app's open transcript: load a new one, or refresh the one shown."""
        wanted = self.workbench.transcript
        if wanted is None:
            return
        if wanted.id != self.transcript_id:
            self.transcript_id = wanted.id
            self.history = CodingHistory(self.project, self.coder)
            self.load(wanted.id)
        elif self.stale and self.saver.pending == 0:
            self.load(wanted.id, self.view.cursor, refresh=True)
        self.stale = False

    @work(thread=True, exclusive=True, group="coding-load")
    def load(self, transcript_id: int, cursor: int = 0, *, refresh: bool = False) -> None:
        """Read the turns; a new transcript shows its first screenful before the rest, and a
        `refresh` reads them only if they changed since the last read."""
        state = {"cursor": cursor, "generation": self.generation}
        try:
            book = (
                codebooks.codebook_info(self.project),
                reading.code_counts(self.project, self.coder),
            )
            stamp = reading.change_stamp(self.project, transcript_id, self.coder)
            if refresh and stamp == self.stamp:
                self.post_message(self.Loaded(transcript_id, None, book, **state, complete=1))
                return
            if not refresh and cursor == 0:
                first = reading.coder_turns(self.project, transcript_id, self.coder, first=FIRST)
                shown = self.Loaded(transcript_id, first, book, **state, complete=0)
                self.post_message(shown)
                # Read the rest once the first screenful is painted, not competing with it.
                shown.painted.wait(timeout=2)
            turns = reading.coder_turns(self.project, transcript_id, self.coder)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        loaded = self.Loaded(transcript_id, turns, book, **state, complete=1)
        loaded.stamp = stamp
        self.post_message(loaded)

    def on_coding_screen_loaded(self, message: Loaded) -> None:
        if message.transcript_id != self.transcript_id:
            return  # a slower load of the transcript shown before
        self.partial = not message.complete
        if message.complete and message.generation != self.generation:
            self.load(message.transcript_id, self.view.cursor, refresh=True)  # missed an edit
        if not message.complete or (self.book, self.code_tree.counts) != message.book:
            self.show_codebook(message.book)
        if message.turns is not None:
            self.stamp = message.stamp
            cursor = self.view.cursor if message.complete and self.view.turns else message.cursor
            self.view.show(message.turns, cursor)
            self._go_to_target(final=message.complete)
        self.call_after_refresh(message.painted.set)

    def show_codebook(self, book: Book) -> None:
        """Show the codebook with the coder's own number of codings per code."""
        self.book, counts = book
        self.code_tree.show_codebook(self.book, counts)
        self.view.set_codes({code.key: (code.name, code.color) for code in self.book.codes})

    # -- navigation --------------------------------------------------------------------------

    def show_segment(self, segment_id: int) -> None:
        """Put the cursor on this turn now, or as soon as the transcript holding it is read."""
        self.target = segment_id
        self._go_to_target(final=False)

    def _go_to_target(self, *, final: bool) -> None:
        index = self.view.index_of(self.target) if self.target is not None else None
        if index is not None:
            self.view.move_cursor(index)
        if index is not None or final:
            self.target = None

    def action_cursor(self, step: int) -> None:
        self.view.move_cursor(self.view.cursor + step)

    def action_page(self, direction: int) -> None:
        self.view.page(direction)

    def action_first(self) -> None:
        self.view.move_cursor(0)

    def action_last(self) -> None:
        self.view.move_cursor(len(self.view.turns) - 1)

    def action_search(self) -> None:
        self.query_one(InlinePrompt).ask(
            "search", "search this transcript; Enter finds the next turn", self.view.search
        )

    def search_next(self, term: str) -> None:
        turns, start = self.view.turns, self.view.cursor
        needle = term.casefold()
        for step in range(1, len(turns) + 1):
            index = (start + step) % len(turns)
            if needle in turns[index].text.casefold():
                self.view.move_cursor(index)
                return
        self.notify(f"No turn contains “{term}”.", timeout=3)

    def on_inline_prompt_answered(self, message: InlinePrompt.Answered) -> None:
        self.view.focus()
        if message.purpose == "search":
            self.view.set_search(message.value or "")
            if message.value:
                self.search_next(message.value)
        elif message.purpose == "open_code" and message.value:
            self.create_open_code(message.value)

    def action_escape(self) -> None:
        if self.view.selection is not None:
            self.view.set_selection(None)
        elif self.view.search:
            self.view.set_search("")
        self.refresh_bindings()
        self.update_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Selection keys work only while selecting (None: listed in the help, but off);
        Esc shows only when there is a selection or search to end."""
        views = self.query(TranscriptView)
        selecting = bool(views) and views.first().selection is not None
        if action in SELECTION_ACTIONS:
            return True if selecting else None
        if action == "escape":
            return selecting or (bool(views) and bool(views.first().search))
        return True

    # -- events ------------------------------------------------------------------------------

    def on_transcript_view_cursor_moved(self, message: TranscriptView.CursorMoved) -> None:
        turn = self.view.current
        self.query_one(MemoPanel).show(turn.memos if turn else [])
        self.update_status()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if self.book is not None and event.node.data:
            self.query_one(CodeDetail).show(self.book.get(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.apply(event.node.data)

    def update_status(self) -> None:
        turns = self.view.turns
        self.query_one(StatusBar).show(
            coder=self.coder,
            title=self.workbench.transcript.title if self.workbench.transcript else "",
            position=(self.view.cursor + 1, len(turns)) if turns else None,
            coded=(self.view.coded, len(turns)) if turns else None,
            saving=self.saver.pending,
            loading=self.partial,
            hint=SELECTING if self.view.selection is not None else "",
            blind=self.blind,
        )
