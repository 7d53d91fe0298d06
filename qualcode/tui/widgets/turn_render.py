"""Lay out and draw one turn of a transcript as terminal lines (pure functions, no widgets).

The transcript view asks for a turn's layout (how its text wraps, where its code chips go)
for every turn, to know the height of the whole transcript, and draws only the turns on
screen. Wrapping is hand-written instead of using rich's Text.wrap because the view needs
the character offsets of every line (to place coded spans and the selection caret) and
because it must lay out 3,000 turns in a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from qualcode.domain.coding import CodingView
from qualcode.domain.corpus import SectionStart, SegmentView
from qualcode.domain.spans import snap_to_words
from qualcode.domain.text import without_controls
from qualcode.domain.turns import clock

GUTTER = 3  # cursor bar, then two spaces before the text
_WORD = re.compile(r"\S+\s*|\s+")
_EXCERPT = 18


@dataclass(frozen=True)
class TurnStyles:
    """Rich styles the view takes from its component classes (so themes apply)."""

    text: Style
    cursor: Style
    bar: Style
    speaker: Style
    meta: Style
    selection: Style
    caret: Style
    match: Style
    card: Style = field(default_factory=Style)


@dataclass(frozen=True)
class CodeLook:
    """How one code is drawn: its display name, chip style and span highlight style."""

    name: str
    chip: Style
    span: Style

    @classmethod
    def make(cls, name: str, colour: str, background: Color) -> CodeLook:
        code = Color.parse(colour)
        chip = Style(color=code.get_contrast_text(1.0).rich_color, bgcolor=code.rich_color)
        tint = background.blend(code, 0.45)
        span = Style(bgcolor=tint.rich_color, color=tint.get_contrast_text(1.0).rich_color)
        return cls(name, chip, span + Style(underline=True))


@dataclass
class TurnLayout:
    lines: list[tuple[int, int]]
    chips: list[list[tuple[str, CodingView]]] = field(default_factory=list)
    section: bool = False  # a card header line above the turn: it opens a card section

    @property
    def height(self) -> int:
        return self.section + 1 + len(self.lines) + len(self.chips) + 1


@dataclass(frozen=True)
class Selection:
    """A selection inside the cursor turn, as offsets into the turn's text."""

    anchor: int
    caret: int

    @property
    def span(self) -> tuple[int, int]:
        """Half-open offsets; like vim's visual mode, both ends are included."""
        return min(self.anchor, self.caret), max(self.anchor, self.caret) + 1


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: (start, end) offsets of each line; a line keeps its trailing space."""
    lines: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, offset, max(width, 4)))
        offset += len(paragraph) + 1
    return lines


@lru_cache(maxsize=16)
def _line_pattern(width: int) -> re.Pattern[str]:
    """Up to `width` characters ending at a space (or the end), else a cut word, else the
    spaces before a word too long to share a line with them."""
    return re.compile(rf"(?:.{{1,{width}}}(?:\s+|$))|(?:\S{{1,{width}}}\s*)|\s+")


def _wrap_paragraph(text: str, offset: int, width: int) -> list[tuple[int, int]]:
    if not text:
        return [(offset, offset)]
    if text.isascii() or cell_len(text) == len(text):
        # One cell per character: a regular expression does the greedy wrap in C.
        return [(offset + m.start(), offset + m.end()) for m in _line_pattern(width).finditer(text)]
    return _wrap_wide(text, offset, width)


def _wrap_wide(text: str, offset: int, width: int) -> list[tuple[int, int]]:
    """The same greedy wrap for text with wide (two-cell) characters."""
    measure = cell_len
    lines: list[tuple[int, int]] = []
    start = column = 0
    for match in _WORD.finditer(text):
        word_start = match.start()
        visible = measure(match.group().rstrip())
        if column and column + visible > width:
            lines.append((offset + start, offset + word_start))
            start, column = word_start, 0
        while visible > width:  # a word longer than a line is cut
            cut = word_start + 1
            while measure(text[word_start : cut + 1]) <= width:
                cut += 1
            lines.append((offset + word_start, offset + cut))
            visible -= measure(text[word_start:cut])
            start = word_start = cut
        column += measure(text[word_start : match.end()])
    lines.append((offset + start, offset + len(text)))
    return lines


def layout_turn(turn: SegmentView, width: int, looks: dict[str, CodeLook]) -> TurnLayout:
    inner = max(width - GUTTER, 4)
    rows: list[list[tuple[str, CodingView]]] = []
    column = 0
    for coding in turn.codings:
        label = chip_label(turn, coding, looks, inner - 1)
        size = cell_len(label) + 1
        if not rows or (column and column + size > inner):
            rows.append([])
            column = 0
        rows[-1].append((label, coding))
        column += size
    return TurnLayout(wrap(turn.text, inner), rows, section=turn.section is not None)


def chip_label(turn: SegmentView, coding: CodingView, looks: dict[str, CodeLook], room: int) -> str:
    """A chip's text: the code's name and, for a span, the start of the coded text. The name
    is whole unless the chip would be wider than a line (`room` cells): then both are
    shortened (never cut off) to fit; a chip that does not fit beside the others goes on
    the next line."""
    look = looks.get(coding.code_key)
    name = look.name if look else coding.code_key
    if coding.start_char is None or coding.end_char is None:
        return f" {_shorten(name, room - 2) or name[:1]} "
    excerpt = turn.text[coding.start_char - turn.start_char : coding.end_char - turn.start_char]
    # " name “excerpt” " takes five cells besides the two texts; the excerpt keeps a few.
    name = _shorten(name, room - 5 - min(cell_len(excerpt), 4)) or name[:1]
    excerpt = _shorten(excerpt, min(_EXCERPT, room - 5 - cell_len(name))) or "…"
    return f" {name} “{excerpt}” "


def render_turn(
    turn: SegmentView,
    number: int,
    layout: TurnLayout,
    width: int,
    styles: TurnStyles,
    looks: dict[str, CodeLook],
    *,
    cursor: bool = False,
    selection: Selection | None = None,
    search: str = "",
    marked: bool = False,
) -> list[Strip]:
    """The turn's lines: the card header where a card section starts, the turn's header,
    wrapped text with coded spans, chips, a blank line. `marked`: the turn is in a run of
    turns marked to give to a card."""
    base = styles.text + styles.cursor if cursor else styles.text
    bar = Segment("▌  " if cursor else "┃  " if marked else "   ", base + styles.bar)
    strips = []
    if layout.section and turn.section is not None:
        label = section_label(turn.section, width - 1)
        strips.append(_line([Segment(" " + label, styles.card)], width, styles.card))
    strips.append(_line([bar, *_header(turn, number, width, base, styles)], width, base))
    marks = _marks(turn, looks, styles, selection, search)
    for start, end in layout.lines:
        strips.append(_line([bar, *_styled(turn.text, start, end, base, marks)], width, base))
    for row in layout.chips:
        pieces = [bar]
        for label, coding in row:
            look = looks.get(coding.code_key)
            pieces += [Segment(label, look.chip if look else base), Segment(" ", base)]
        strips.append(_line(pieces, width, base))
    strips.append(Strip.blank(width, styles.text))
    return strips


def section_label(section: SectionStart, room: int) -> str:
    """The card header: `▶ card planning: The opportunity for ... · by hand`, shortened to
    `room` cells (the key always shows)."""
    if section.card_key is None:
        return _shorten("▶ opening (before the first card)", room)
    how = " · by hand" if section.origin == "manual" else ""
    head = f"▶ card {section.card_key}"
    statement = _shorten(f": {section.statement}", room - cell_len(head + how))
    return _shorten(head + statement + how, room)


def _header(
    turn: SegmentView, number: int, width: int, base: Style, styles: TurnStyles
) -> list[Segment]:
    """Number, speaker, role, time and memo marker; on a narrow screen the role and then the
    speaker are shortened, so the time and the memo marker always show."""
    tail = f"  {clock(turn.start_time)}" if turn.start_time is not None else ""
    memo = f"  ✎ {len(turn.memos)}" if turn.memos else ""
    head = f"{number} "
    room = max(width - GUTTER - cell_len(head + tail + memo), 1)
    speaker = _shorten(turn.speaker or "(no speaker)", room)
    role = _shorten(f" · {turn.role}", room - cell_len(speaker)) if turn.role else ""
    pieces = [Segment(head, base + styles.meta), Segment(speaker, base + styles.speaker)]
    if role:
        pieces.append(Segment(role, base + styles.meta))
    if tail:
        pieces.append(Segment(tail, base + styles.meta))
    if memo:
        pieces.append(Segment(memo, base + styles.speaker))
    return pieces


def _shorten(text: str, room: int) -> str:
    """`text` cut to `room` cells, ending in an ellipsis when cut ("" when too short for one
    character and the ellipsis)."""
    if cell_len(text) <= room:
        return text
    if room < 3:
        return ""
    while cell_len(text) > room - 1:
        text = text[:-1]
    return text.rstrip(" ·") + "…"


def _marks(
    turn: SegmentView,
    looks: dict[str, CodeLook],
    styles: TurnStyles,
    selection: Selection | None,
    search: str,
) -> list[tuple[int, int, Style]]:
    """Styled ranges of the turn's text, later ones drawn over earlier ones."""
    marks: list[tuple[int, int, Style]] = []
    for coding in turn.codings:
        look = looks.get(coding.code_key)
        if coding.start_char is not None and coding.end_char is not None and look:
            start = coding.start_char - turn.start_char
            marks.append((start, coding.end_char - turn.start_char, look.span))
    if search:
        folded, needle = turn.text.casefold(), search.casefold()
        position = folded.find(needle)
        while position >= 0:
            marks.append((position, position + len(needle), styles.match))
            position = folded.find(needle, position + len(needle))
    if selection is not None:
        snapped = snap_to_words(turn.text, *selection.span)  # what coding it would code
        if snapped is not None:
            marks.append((*snapped, styles.selection))
        marks.append((selection.caret, selection.caret + 1, styles.caret))
    return marks


def _styled(
    text: str, start: int, end: int, base: Style, marks: list[tuple[int, int, Style]]
) -> list[Segment]:
    cuts = {start, end}
    for mark_start, mark_end, _ in marks:
        cuts.update(cut for cut in (mark_start, mark_end) if start < cut < end)
    points = sorted(cuts)
    pieces = []
    for left, right in pairwise(points):
        style = base
        for mark_start, mark_end, mark in marks:
            if mark_start <= left and right <= mark_end:
                style = style + mark
        pieces.append(Segment(text[left:right], style))
    return pieces


def _line(pieces: list[Segment], width: int, style: Style) -> Strip:
    return Strip([_printable(piece) for piece in pieces]).crop_extend(0, width, style)


def _printable(piece: Segment) -> Segment:
    """The piece without control characters a database may hold from an older qualcode
    (they take no cell, so the layout is the same; the terminal would obey them)."""
    text = without_controls(piece.text)
    return piece if text is piece.text else Segment(text, piece.style)
