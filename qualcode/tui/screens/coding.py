"""Coding screen: read a transcript turn by turn and code it from the keyboard.

Layout: the transcript (a virtual list of turns) with an inline prompt under it; beside it
the codebook tree, the selected code's definition, memos on the cursor turn, and the
suggestions panel. The screen composes parts from `tui/components/` and routes their
messages: the TurnReader and SuggestionReader read in thread workers, the CodingEditor
saves edits through the app's Saver; the screen owns the key bindings and the cursor turn.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Tree

from qualcode.domain.cards import CardInfo
from qualcode.domain.corpus import CodebookInfo
from qualcode.services import cards
from qualcode.services.history import Change
from qualcode.tui.coder_memory import remember_place
from qualcode.tui.components.coding_editor import CodingEditor
from qualcode.tui.components.messages import Failed
from qualcode.tui.components.suggestion_reader import SuggestionReader
from qualcode.tui.components.suggestions_panel import SuggestionsPanel
from qualcode.tui.components.turn_reader import Book, ReadRequest, TurnReader
from qualcode.tui.modals.code_picker import Choice, CodePicker
from qualcode.tui.modals.memo_editor import MemoEditor
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.screens.coding_keys import BINDINGS, MARKING, SELECTING, SELECTION_ACTIONS
from qualcode.tui.text_motion import first_sentence_break
from qualcode.tui.widgets.code_detail import CodeDetail
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.inline_prompt import InlinePrompt
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.memo_panel import MemoPanel
from qualcode.tui.widgets.status_bar import StatusBar
from qualcode.tui.widgets.transcript_view import TranscriptView

PLACE_DELAY = 1.0  # seconds the cursor rests on a turn before it is remembered
AROUND = 100  # turns either side of the cursor whose suggestions are read (and made)
MARGIN = 30  # a cursor this near the edge of that window reads the window around it
NO_CARD = "-"  # the card picker's choice for "no card"


class CodingScreen(WorkbenchScreen):
    AUTO_FOCUS = "#transcript"
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.transcript_id: int | None = None
        self.stale = False
        self.partial = False
        self.generation = 0  # counts local changes, to notice a read that missed one
        self.stamp: tuple[object, ...] | None = None  # see reading.change_stamp
        self.book: CodebookInfo | None = None
        self.blind = False
        self.target: int | None = None  # a turn to put the cursor on once it is read
        self.reading: ReadRequest | None = None  # the latest read asked of the TurnReader
        self._place: tuple[int, int] | None = None  # (transcript, segment) not yet remembered
        self._place_timer: Timer | None = None
        self.mark: int | None = None  # segment id where a run of marked turns begins
        self.window: tuple[int, int] | None = None  # turn indices whose suggestions are read

    def compose(self) -> ComposeResult:
        with Horizontal(id="coding-body"):
            with Vertical(id="reader"):
                yield TranscriptView(id="transcript")
                yield InlinePrompt(id="inline-prompt")
            with Vertical(id="side"):
                yield CodeTree(id="code-tree")
                yield CodeDetail(id="code-detail")
                yield MemoPanel(id="memos")
                with Vertical(id="suggestions-slot", classes="-shown"):
                    yield SuggestionsPanel(id="suggestions")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")
        yield TurnReader()
        yield SuggestionReader()
        yield CodingEditor()

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def code_tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    @property
    def panel(self) -> SuggestionsPanel:
        return self.query_one(SuggestionsPanel)

    @property
    def editor(self) -> CodingEditor:
        return self.query_one(CodingEditor)

    def on_screen_suspend(self) -> None:
        self.stale = True  # other screens may change codings or the codebook meanwhile

    def on_screen_resume(self) -> None:
        self.sync()
        # A newly built screen is laid out at size 0 first, which blurs the view; refocus it.
        self.call_after_refresh(self._focus_view)

    def _focus_view(self) -> None:
        if self.focused is None or not self.query_one(InlinePrompt).display:
            self.view.focus()

    # -- reading -----------------------------------------------------------------------------

    def sync(self) -> None:
        """Show the app's open transcript: load a new one, or refresh the one shown."""
        wanted = self.workbench.transcript
        if wanted is None or not self.is_mounted:
            return  # a screen still being built syncs when it is first shown
        if wanted.id != self.transcript_id:
            self.transcript_id = wanted.id
            self.query_one(SuggestionReader).cancel()  # it reads for the transcript before
            self.window = None
            self.panel.set_pending({})
            self.editor.begin(self.project, self.coder, self.saver)
            self.load(wanted.id)
        elif self.stale and self.saver.pending == 0:
            self.load(wanted.id, self.view.cursor, refresh=True)
        self.stale = False

    def load(self, transcript_id: int, cursor: int = 0, *, refresh: bool = False) -> None:
        """Read the turns (see TurnReader); a `refresh` reads them only if they changed."""
        request = ReadRequest(
            self.project, self.coder, transcript_id, cursor, self.generation, refresh, self.stamp
        )
        self.reading = request
        self.query_one(TurnReader).read(request)

    def on_turn_reader_loaded(self, message: TurnReader.Loaded) -> None:
        if message.request is not self.reading:
            # A read a later one replaced: its thread could not be stopped, and its turns
            # (and its cursor) would undo the later read's (a reopen's turn went back to 0).
            message.painted.set()
            return
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
            turn = self.view.current
            if message.complete and turn is not None:
                # Kept on leaving (see on_unmount), also when the cursor moved while only the
                # first screenful was read, which a cursor move does not remember.
                self._place = (turn.transcript_id, turn.id)
        self.call_after_refresh(message.painted.set)
        if message.complete:  # after every complete read, read the suggestions (and blind mode)
            self.read_suggestions()

    def read_suggestions(self, *, generate: bool = True) -> None:
        """Read (and with `generate`, make) the suggestions of the turns around the cursor."""
        turns = self.view.turns
        if self.transcript_id is None or not turns:
            return
        cursor = self.view.cursor
        self.window = max(cursor - AROUND, 0), min(cursor + AROUND, len(turns) - 1)
        span = turns[self.window[0]].ordinal, turns[self.window[1]].ordinal
        reader = self.query_one(SuggestionReader)
        reader.read(self.project, self.coder, self.transcript_id, span, generate=generate)

    def _near_window_edge(self) -> bool:
        if self.window is None or self.partial:
            return False
        low, high = self.window
        cursor, last = self.view.cursor, len(self.view.turns) - 1
        return (low > 0 and cursor < low + MARGIN) or (high < last and cursor > high - MARGIN)

    def on_suggestion_reader_generating(self, message: SuggestionReader.Generating) -> None:
        if message.transcript_id == self.transcript_id:
            self.panel.set_working()

    def on_suggestion_reader_read(self, message: SuggestionReader.Read) -> None:
        if message.transcript_id == self.transcript_id:
            self.blind = message.blind
            self.panel.set_pending(message.found)
            self.update_status()

    def show_codebook(self, book: Book) -> None:
        """Show the codebook with the coder's own number of codings per code."""
        self.book, counts = book
        self.code_tree.show_codebook(self.book, counts)
        self.view.set_codes({code.key: (code.name, code.color) for code in self.book.codes})

    def on_failed(self, message: Failed) -> None:
        self.notify(str(message.error), severity="error", timeout=6)

    # -- navigation --------------------------------------------------------------------------

    def show_segment(self, segment_id: int) -> None:
        """Put the cursor on this turn now, or as soon as the transcript holding it is read."""
        self.target = segment_id
        if self.is_mounted:  # else the first read of the screen being built goes there
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
        elif message.purpose == "open_code" and message.value and self.view.current:
            turn, span = self.view.current, self.view.selected_span()
            self.editor.create_open_code(turn, message.value, span)
            self._end_selection()

    # -- selecting part of a turn ------------------------------------------------------------

    def action_select(self) -> None:
        """`v`: select from the start of the turn (or stop selecting)."""
        self.view.toggle_selection()
        self.refresh_bindings()
        self.update_status()

    def action_caret(self, step: int) -> None:
        self.view.move_caret(step)

    def action_extend(self, step: int) -> None:
        self.view.move_caret(step, extend=True)

    def action_word(self, step: int) -> None:
        self.view.move_caret(step, by_word=True)

    def action_extend_word(self, step: int) -> None:
        self.view.move_caret(step, extend=True, by_word=True)

    def _end_selection(self) -> None:
        if self.view.selection is not None:
            self.view.set_selection(None)
            self.refresh_bindings()
            self.update_status()

    def action_escape(self) -> None:
        if self.mark is not None:
            self._set_mark(None)
        elif self.view.selection is not None:
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
            searching = bool(views) and bool(views.first().search)
            return selecting or searching or self.mark is not None
        return True

    # -- edits -------------------------------------------------------------------------------

    def _selection_holds_a_word(self) -> bool:
        """False (and says so) while selecting only spaces or punctuation: there is nothing
        to code, and coding the whole turn instead would surprise."""
        if self.view.selection is None or self.view.selected_span() is not None:
            return True
        self.notify("The selection holds no word: move the caret onto a word (w) first.")
        return False

    def apply(self, key: str) -> None:
        """Apply `key` to the selection (snapped to whole words), or to the whole cursor turn."""
        turn = self.view.current
        if turn is not None and self._selection_holds_a_word():
            span = self.view.selected_span()
            self._end_selection()
            self.editor.apply(turn, key, span)

    def action_favourite(self, number: int) -> None:
        favourites = self.book.favourites if self.book else []
        if number > len(favourites):
            self.notify(f"The codebook has {len(favourites)} favourites; use c to pick a code.")
            return
        self.apply(favourites[number - 1])

    def action_pick_code(self) -> None:
        if self.book is None or not self._selection_holds_a_word():
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
        if self.view.current is not None:
            self.editor.remove_coding(self.view.current, self.book)

    def action_undo(self) -> None:
        self.editor.undo()

    def action_redo(self) -> None:
        self.editor.redo()

    def action_open_code(self) -> None:
        if self.view.current is not None and self._selection_holds_a_word():
            prompt = self.query_one(InlinePrompt)
            prompt.ask("open_code", "name of a new open code; Enter applies it")

    def action_memo(self) -> None:
        turn = self.view.current
        if turn is not None:
            title = f"Memo on turn {turn.ordinal + 1} ({turn.speaker or 'no speaker'})"
            self.app.push_screen(
                MemoEditor(title), lambda text: self.editor.add_memo(turn, text or "")
            )

    def action_split(self) -> None:
        turn = self.view.current
        if turn is None:
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
        self._end_selection()
        self.editor.split(turn, turn.start_char + offset)

    def action_join(self) -> None:
        turn = self.view.current
        if turn is None:
            return
        if self.view.cursor + 1 >= len(self.view.turns):
            self.notify("This is the last turn; there is no next turn to join.", timeout=3)
            return
        self.editor.join(turn)

    # -- card sections -----------------------------------------------------------------------

    def action_card(self, step: int) -> None:
        """`]` / `[`: the cursor to the next (previous) turn where a card section starts."""
        starts = self.view.section_starts()
        cursor = self.view.cursor
        found = [i for i in starts if i > cursor] if step > 0 else [i for i in starts if i < cursor]
        if not found:
            where = "after" if step > 0 else "before"
            self.notify(f"No card section starts {where} this turn.", timeout=2)
            return
        self.view.move_cursor(found[0] if step > 0 else found[-1])

    def action_mark_turns(self) -> None:
        """`V`: start marking turns from the cursor turn (or stop marking)."""
        turn = self.view.current
        self._set_mark(None if self.mark is not None or turn is None else turn.id)

    def _set_mark(self, segment_id: int | None) -> None:
        self.mark = segment_id
        self._show_mark()
        self.refresh_bindings()
        self.update_status()

    def _show_mark(self) -> None:
        index = self.view.index_of(self.mark) if self.mark is not None else None
        if index is None:
            self.mark = None
            self.view.set_marked(None)
            return
        low, high = sorted((index, self.view.cursor))
        self.view.set_marked(range(low, high + 1))

    def action_assign_card(self) -> None:
        """`K`: choose the card the cursor turn opens, or that the marked turns form."""
        if self.view.current is not None:
            self._pick_card()

    @work(thread=True, exclusive=True, group="coding-cards")
    def _pick_card(self) -> None:
        deck = cards.list_cards(self.project)
        self.app.call_from_thread(self._ask_card, deck)

    def _ask_card(self, deck: list[CardInfo]) -> None:
        if not deck:
            self.notify("The study has no statement cards; add them with `qualcode cards add`.")
            return
        language = self.workbench.transcript.language if self.workbench.transcript else "en"
        choices = [Choice(card.key, f"{card.key}  {card.text(language)}", "") for card in deck]
        marked = self.mark is not None
        choices.append(
            Choice(
                NO_CARD,
                "(no card: the turns join the section before)"
                if marked
                else "(no card: this turn opens no section)",
                "",
            )
        )
        title = "Card for the marked turns" if marked else "Card read in this turn"
        self.app.push_screen(CodePicker(title, choices), self._card_picked)

    def _card_picked(self, key: str | None) -> None:
        turn = self.view.current
        if key is None or turn is None:
            return
        card_key = None if key == NO_CARD else key
        index = self.view.index_of(self.mark) if self.mark is not None else None
        if index is not None:
            self.editor.assign_turns(self.view.turns[index], turn, card_key)
            self._set_mark(None)
        else:
            self.editor.open_section(turn, card_key)

    def action_move_section(self, step: int) -> None:
        """`{` / `}`: the section holding the cursor turn starts a turn earlier (later)."""
        if self.view.current is not None:
            self.editor.move_section(self.view.current, step)

    def on_coding_editor_sections_changed(self, _message: CodingEditor.SectionsChanged) -> None:
        self._reload()

    def action_accept_suggestion(self) -> None:
        top = self.panel.take_top() if self.editor.history is not None else None
        if top is None:
            self.notify("No suggestion for this turn.", timeout=2)
        else:
            self.editor.accept(top)

    def action_reject_suggestion(self) -> None:
        top = self.panel.take_top()
        if top is None:
            self.notify("No suggestion for this turn.", timeout=2)
        else:
            self.editor.reject(top)

    def action_toggle_suggestions(self) -> None:
        self.query_one("#suggestions-slot", Vertical).toggle_class("-shown")

    # -- what the editor reports -------------------------------------------------------------

    def on_coding_editor_changed(self, message: CodingEditor.Changed) -> None:
        self.show_change(message.change)

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
        self.panel.show_turn(self.view.current)
        self.update_status()

    def on_coding_editor_replayed(self, message: CodingEditor.Replayed) -> None:
        change = message.change
        if change is None:
            self.notify(f"Nothing to {message.verb}.", timeout=2)
            return
        if change.turns:
            self._reload(change.turns[0])
        elif change.sections:
            self._reload()
        else:
            self.show_change(change)
        self.notify(change.label.capitalize(), timeout=2)
        if change.suggestions or change.turns:
            self.panel.taken.clear()  # undone: pending again
            self.read_suggestions(generate=False)

    def on_coding_editor_turns_changed(self, message: CodingEditor.TurnsChanged) -> None:
        self._reload(message.segment_id)

    def _reload(self, segment_id: int | None = None) -> None:
        """Read the transcript again (after a split or join), the cursor on `segment_id` if
        given, else where it is."""
        if self.transcript_id is not None:
            if segment_id is not None:
                self.show_segment(segment_id)
            self.load(self.transcript_id, self.view.cursor)

    def on_coding_editor_memo_saved(self, message: CodingEditor.MemoSaved) -> None:
        self.generation += 1
        index = self.view.index_of(message.segment_id)
        if index is not None:
            current = self.view.turns[index]
            memos = [*current.memos, message.text]
            self.view.replace_turn(index, current.model_copy(update={"memos": memos}))
            self.query_one(MemoPanel).show(self.view.current.memos if self.view.current else [])
        self.notify("Memo saved.", timeout=2)

    def on_coding_editor_codebook_changed(self, message: CodingEditor.CodebookChanged) -> None:
        self.show_codebook((message.book, self.code_tree.counts))

    def on_coding_editor_suggestion_returned(
        self, message: CodingEditor.SuggestionReturned
    ) -> None:
        self.panel.put_back(message.suggestion)

    # -- events ------------------------------------------------------------------------------

    def on_transcript_view_cursor_moved(self, _message: TranscriptView.CursorMoved) -> None:
        if self.mark is not None:
            self._show_mark()
        turn = self.view.current
        self.query_one(MemoPanel).show(turn.memos if turn else [])
        self.panel.show_turn(turn)
        self.update_status()
        if self._near_window_edge():
            self.read_suggestions()
        if turn is not None and not self.partial:
            self._place = (turn.transcript_id, turn.id)
            if self._place_timer is not None:
                self._place_timer.stop()
            self._place_timer = self.set_timer(PLACE_DELAY, self.remember_place)

    def remember_place(self) -> None:
        """Keep the cursor turn, so that the workbench reopens here for this coder."""
        self._place_timer = None
        if self._place is not None and self.coder:
            remember_place(self.project.name, self.coder, *self._place)
        self._place = None

    def on_unmount(self) -> None:
        self.remember_place()  # a turn the cursor rested on for less than PLACE_DELAY

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
            position=(turns[self.view.cursor].ordinal + 1, len(turns)) if turns else None,
            coded=(self.view.coded, len(turns)) if turns else None,
            saving=self.saver.pending,
            loading=self.partial,
            hint=SELECTING
            if self.view.selection is not None
            else MARKING
            if self.mark is not None
            else "",
            blind=self.blind,
        )
