"""Pure layout pieces of the transcript view: wrapping and caret motions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from qualcode.tui.text_motion import (
    first_sentence_break,
    next_word_start,
    previous_word_start,
    word_end,
)
from qualcode.tui.widgets.turn_render import Selection, wrap

TEXT = st.text(alphabet=st.sampled_from("abc æ漢.\n"), max_size=200)


@given(TEXT, st.integers(min_value=4, max_value=40))
def test_wrapped_lines_tile_the_text_and_fit(text: str, width: int) -> None:
    lines = wrap(text, width)
    joined = ""
    position = 0
    for start, end in lines:
        assert start >= position
        gap = text[position:start]
        assert gap in ("", "\n")  # only the line breaks between paragraphs are left out
        joined += gap + text[start:end]
        position = end
        assert cell_len(text[start:end].rstrip()) <= width
    assert joined == text[:position] and position == len(text)


def test_words_wrap_at_spaces() -> None:
    text = "We never get a proper lunch break."
    lines = [text[a:b] for a, b in wrap(text, 12)]
    assert lines == ["We never get ", "a proper ", "lunch break."]


def test_caret_motions_and_selection() -> None:
    text = "I keep a paper list. Next to it."
    assert next_word_start(text, 0) == 2
    assert previous_word_start(text, 9) == 7
    assert word_end(text, 9) == 13  # the end of "paper"
    assert text[slice(*Selection(9, 13).span)] == "paper"
    assert text[first_sentence_break(text) :] == "Next to it."
    assert first_sentence_break("One sentence only.") is None


def test_leading_spaces_before_a_long_word_are_kept() -> None:
    text = " aaaa"
    assert [text[a:b] for a, b in wrap(text, 4)] == [" ", "aaaa"]
