"""The transcript as a virtual column of turns: only the lines on screen are drawn.

A Line API widget (ScrollView + render_line): every turn is laid out once to know its
height, its lines are drawn when first shown and cached, and a change to one turn
redraws only that turn. Mounting one widget per turn is too slow for 3,000 turns.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from rich.style import Style
from textual import events
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.domain.corpus import SegmentView
from qualcode.domain.spans import snap_to_words
from qualcode.tui.text_motion import next_word_start, previous_word_start, word_end
from qualcode.tui.widgets.turn_render import (
    CodeLook,
    Selection,
    TurnLayout,
    TurnStyles,
    layout_turn,
    render_turn,
)


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """Turns with speaker, time, text, coded spans and code chips; a cursor turn.

    It has no key bindings of its own (not even ScrollView's): the coding screen moves the
    cursor turn by turn, and the view scrolls to keep the cursor turn in sight.
    """

    COMPONENT_CLASSES = {  # noqa: RUF012 - Textual API
        "transcript--cursor",
        "transcript--bar",
        "transcript--speaker",
        "transcript--meta",
        "transcript--selection",
        "transcript--caret",
        "transcript--match",
        "transcript--card",
    }

    class CursorMoved(Message):
        """The cursor moved to another turn (or the turn under it changed)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.turns: list[SegmentView] = []
        self._index: dict[int, int] = {}
        self.coded = 0  # turns with at least one coding
        self.cursor = 0
        self.selection: Selection | None = None
        self.search = ""
        self.marked: range | None = None  # turns marked to give to a card (indices)
        self._codes: dict[str, tuple[str, str]] = {}
        self._looks: dict[str, CodeLook] = {}
        self._styles: TurnStyles | None = None
        self._layouts: list[TurnLayout] = []
        self._starts: list[int] = [0]
        self._turn_strips: dict[int, list[Strip]] = {}
        self._layout_width = 0

    # -- data -----------------------------------------------------------------------------

    @property
    def current(self) -> SegmentView | None:
        return self.turns[self.cursor] if self.turns else None

    def show(self, turns: list[SegmentView], cursor: int = 0) -> None:
        """Show these turns with the cursor on turn `cursor`."""
        self.turns = turns
        self._index = {turn.id: index for index, turn in enumerate(turns)}
        self.coded = sum(1 for turn in turns if turn.codings)
        self.cursor = max(0, min(cursor, len(turns) - 1))
        self.selection = None
        self._relayout()
        self._scroll_to_cursor()
        self.post_message(self.CursorMoved(self.cursor))

    def set_codes(self, codes: dict[str, tuple[str, str]]) -> None:
        """Code key -> (display name, hex colour), for chips and span highlights."""
        renamed = {k: name for k, (name, _) in codes.items()} != {
            k: name for k, (name, _) in self._codes.items()
        }
        self._codes = codes
        self._looks = {}
        if renamed:  # chip widths depend on names, so the turns are laid out again
            self._relayout()
        else:
            self._turn_strips.clear()
            self.refresh()

    def replace_turn(self, index: int, turn: SegmentView) -> None:
        """Redraw one changed turn; the turns after it move if its height changed."""
        self.coded += bool(turn.codings) - bool(self.turns[index].codings)
        self.turns[index] = turn
        self._turn_strips.pop(index, None)
        if self._layout_width:
            old = self._layouts[index].height
            self._layouts[index] = layout_turn(turn, self._layout_width, self._get_looks())
            shift = self._layouts[index].height - old
            if shift:
                starts = self._starts
                for later in range(index + 1, len(starts)):
                    starts[later] += shift
                self.virtual_size = Size(self._layout_width, starts[-1])
        self.refresh()
        if index == self.cursor:
            self.post_message(self.CursorMoved(index))

    def index_of(self, segment_id: int) -> int | None:
        return self._index.get(segment_id)

    def set_marked(self, marked: range | None) -> None:
        """Mark a run of turns (by index) with a bar in the gutter, or none."""
        self.marked = marked
        self._turn_strips.clear()
        self.refresh()

    def section_starts(self) -> list[int]:
        """Indices of the turns that open a card section (not the opening)."""
        return [
            index
            for index, turn in enumerate(self.turns)
            if turn.section is not None and turn.section.card_key is not None
        ]

    def set_search(self, term: str) -> None:
        self.search = term
        self._turn_strips.clear()
        self.refresh()

    # -- cursor and selection -------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        if not self.turns:
            return
        index = max(0, min(index, len(self.turns) - 1))
        if index != self.cursor:
            self._turn_strips.pop(self.cursor, None)
            self._turn_strips.pop(index, None)
            self.cursor = index
            self.selection = None
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(index))

    def page(self, direction: int) -> None:
        """Move the cursor about one screen up (-1) or down (1)."""
        if self.turns:
            line = self._starts[self.cursor] + direction * self.scrollable_content_region.height
            self.move_cursor(self.turn_at_line(max(line, 0)))

    def turn_at_line(self, line: int) -> int:
        return max(0, min(bisect_right(self._starts, line) - 1, len(self.turns) - 1))

    def set_selection(self, selection: Selection | None) -> None:
        self.selection = selection
        self._turn_strips.pop(self.cursor, None)
        self.refresh()

    def toggle_selection(self) -> None:
        """Start a selection at the start of the cursor turn, or end the one there is."""
        turn = self.current
        if self.selection is not None:
            self.set_selection(None)
        elif turn is not None and turn.text:
            self.set_selection(Selection(0, 0))

    def move_caret(self, step: int, *, extend: bool = False, by_word: bool = False) -> None:
        """Move the caret `step` characters (or one word, by its sign); `extend` keeps the
        anchor, like vim's visual mode (both ends included)."""
        selection, turn = self.selection, self.current
        if selection is None or turn is None:
            return
        if by_word:
            forward = word_end if extend else next_word_start
            caret = (forward if step > 0 else previous_word_start)(turn.text, selection.caret)
        else:
            caret = selection.caret + step
        caret = max(0, min(caret, len(turn.text) - 1))
        self.set_selection(Selection(selection.anchor if extend else caret, caret))

    def selected_span(self) -> tuple[int, int] | None:
        """The selection snapped to whole words, as transcript offsets (half-open); None when
        nothing is selected or the selection holds no word."""
        turn = self.current
        if self.selection is None or turn is None:
            return None
        snapped = snap_to_words(turn.text, *self.selection.span)
        if snapped is None:
            return None
        return turn.start_char + snapped[0], turn.start_char + snapped[1]

    # -- layout and drawing ---------------------------------------------------------------

    def _get_styles(self) -> TurnStyles:
        if self._styles is None:
            style = self._component_style
            self._styles = TurnStyles(
                text=self.rich_style,
                cursor=style("transcript--cursor"),
                bar=style("transcript--bar"),
                speaker=style("transcript--speaker"),
                meta=style("transcript--meta"),
                selection=style("transcript--selection"),
                caret=style("transcript--caret"),
                match=style("transcript--match"),
                card=style("transcript--card"),
            )
        return self._styles

    def _component_style(self, name: str) -> Style:
        """A component class's style, its translucent colours blended over the background
        (a Rich style cannot carry transparency, so `$boost` would otherwise turn white)."""
        styles = self.get_component_styles(name)
        background = self._background()
        bgcolor = background + styles.background if styles.has_rule("background") else None
        color = (bgcolor or background) + styles.color if styles.has_rule("color") else None
        return (
            Style(
                color=color.rich_color if color else None,
                bgcolor=bgcolor.rich_color if bgcolor else None,
            )
            + styles.text_style
        )

    def _background(self) -> Color:
        background = self.background_colors[1]
        return background if background.a else Color(0, 0, 0)

    def _get_looks(self) -> dict[str, CodeLook]:
        if not self._looks and self._codes:
            background = self._background()
            self._looks = {
                key: CodeLook.make(name, colour, background)
                for key, (name, colour) in self._codes.items()
            }
        return self._looks

    def _relayout(self) -> None:
        self._layout_width = self.scrollable_content_region.width
        self._turn_strips.clear()
        if not self._layout_width:
            return
        looks = self._get_looks()
        self._layouts = [layout_turn(turn, self._layout_width, looks) for turn in self.turns]
        self._restack()
        self.refresh()

    def _restack(self) -> None:
        self._starts = [0, *accumulate(layout.height for layout in self._layouts)]
        self.virtual_size = Size(self._layout_width, self._starts[-1])

    def _scroll_to_cursor(self) -> None:
        if not self._layouts or self.cursor >= len(self._layouts):
            return
        top, height = self._starts[self.cursor], self._layouts[self.cursor].height
        self.scroll_to_region(
            Region(0, top, self._layout_width, min(height, self.scrollable_content_region.height)),
            animate=False,
            immediate=True,
        )

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not self.turns or line >= self._starts[-1] or width != self._layout_width:
            return Strip.blank(width, self.rich_style)
        index = self.turn_at_line(line)
        strips = self._turn_strips.get(index)
        if strips is None:
            strips = render_turn(
                self.turns[index],
                self.turns[index].ordinal + 1,
                self._layouts[index],
                self._layout_width,
                self._get_styles(),
                self._get_looks(),
                cursor=index == self.cursor,
                selection=self.selection if index == self.cursor else None,
                search=self.search,
                marked=self.marked is not None and index in self.marked,
            )
            self._turn_strips[index] = strips
        return strips[line - self._starts[index]]

    def on_resize(self, _event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._layout_width:
            self._relayout()
            self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._looks = {}
        self._turn_strips.clear()

    def on_click(self, event: events.Click) -> None:
        if self.turns:
            self.move_cursor(self.turn_at_line(self.scroll_offset.y + event.y))
