"""The coding screen's keys: every binding, with the id a keymap file uses (docs/tui.md)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

SELECTING = "selecting: ←→ w b move · shift+→ W extend · 1-9 c n code · s split · esc"
MARKING = "marking turns: j k extend · K give them to a card · V or esc ends"
SELECTION_ACTIONS = {"caret", "word", "extend", "extend_word"}
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


BINDINGS: list[BindingType] = [
    # Not in the key bar (the suggestions panel names them); `?` and the palette list them.
    Binding(
        "a", "accept_suggestion", "Accept suggestion", show=False, id="coding.accept_suggestion"
    ),
    Binding(
        "r", "reject_suggestion", "Reject suggestion", show=False, id="coding.reject_suggestion"
    ),
    Binding("S", "toggle_suggestions", "Suggestions panel", show=False, id="coding.suggestions"),
    Binding("j,down", "cursor(1)", "Next turn", show=False, id="coding.next"),
    Binding("k,up", "cursor(-1)", "Previous turn", show=False, id="coding.previous"),
    Binding("pagedown", "page(1)", "Page down", show=False, id="coding.page_down"),
    Binding("pageup", "page(-1)", "Page up", show=False, id="coding.page_up"),
    Binding("g,home", "first", "First turn", show=False, id="coding.first"),
    Binding("G,end", "last", "Last turn", show=False, id="coding.last"),
    # The key bar shows these in this order: the keys of what you are doing (these two only
    # while selecting, searching or marking), then the most used first; at 80x24 the last
    # ones give way to the screens' F keys and quit (`?` lists them all).
    Binding("shift+right", "extend(1)", "Extend", id="coding.extend_right"),
    Binding("escape", "escape", "Done", id="coding.escape"),
    Binding("c", "pick_code", "Code", id="coding.pick"),
    *(_favourite(number) for number in range(1, 10)),
    Binding("v", "select", "Select", id="coding.select"),
    Binding("x", "remove_code", "Uncode", id="coding.remove"),
    Binding("u", "undo", "Undo", id="coding.undo"),
    Binding("n", "open_code", "Open code", id="coding.open_code"),
    Binding("m", "memo", "Memo", id="coding.memo"),
    Binding("slash", "search", "Search", id="coding.search"),
    Binding("s", "split", "Split", id="coding.split"),
    Binding("J", "join", "Join", id="coding.join"),
    Binding("U", "redo", "Redo", id="coding.redo"),
    Binding("left,h", "caret(-1)", "Caret left (selecting)", show=False, id="coding.caret_left"),
    Binding("right,l", "caret(1)", "Caret right (selecting)", show=False, id="coding.caret_right"),
    Binding("w", "word(1)", "Next word (selecting)", show=False, id="coding.word_next"),
    Binding("b", "word(-1)", "Word back (selecting)", show=False, id="coding.word_back"),
    Binding("shift+left", "extend(-1)", "Shrink", show=False, id="coding.extend_left"),
    Binding("W,e", "extend_word(1)", "Extend by a word", show=False, id="coding.extend_word"),
    Binding("B", "extend_word(-1)", "Shrink by a word", show=False, id="coding.extend_back"),
    # Card sections (not in the key bar; `?` and the palette list them)
    Binding("right_square_bracket", "card(1)", "Next card", show=False, id="coding.next_card"),
    Binding(
        "left_square_bracket", "card(-1)", "Previous card", show=False, id="coding.previous_card"
    ),
    Binding(
        "K", "assign_card", "Card for this turn or the marked turns", show=False, id="coding.card"
    ),
    Binding("V", "mark_turns", "Mark turns (for a card)", show=False, id="coding.mark_turns"),
    Binding(
        "left_curly_bracket",
        "move_section(-1)",
        "Section starts a turn earlier",
        show=False,
        id="coding.section_earlier",
    ),
    Binding(
        "right_curly_bracket",
        "move_section(1)",
        "Section starts a turn later",
        show=False,
        id="coding.section_later",
    ),
]
