"""Snapping a hand-made selection to whole words."""

from __future__ import annotations

import pytest

from qualcode.domain.spans import snap_to_words

TEXT = "We never get a proper lunch break. The phone rings, don't it? 3.5% of well-being."


def snapped(start_text: str, end_text: str, *, start_shift: int = 0, end_shift: int = 0) -> str:
    """Snap the span from `start_text` (shifted) to the end of `end_text` (shifted)."""
    start = TEXT.index(start_text) + start_shift
    end = TEXT.index(end_text) + len(end_text) + end_shift
    span = snap_to_words(TEXT, start, end)
    assert span is not None
    return TEXT[span[0] : span[1]]


def test_trailing_punctuation_and_whitespace_are_dropped() -> None:
    assert snapped("proper", "break. ") == "proper lunch break"
    assert snapped("phone", "rings,") == "phone rings"


def test_leading_whitespace_and_punctuation_are_dropped() -> None:
    assert snapped(" proper", "lunch") == "proper lunch"
    assert snapped(". The", "phone") == "The phone"


def test_a_selection_inside_a_word_takes_the_whole_word() -> None:
    assert snapped("never", "never", end_shift=-2) == "never"  # "nev"
    assert snapped("never", "never", start_shift=2) == "never"  # "ver"
    assert snapped("lunch", "lunch", start_shift=2, end_shift=-1) == "lunch"  # "nc"
    assert snapped("roper", "brea") == "proper lunch break"


def test_words_keep_their_inner_apostrophes_hyphens_and_decimals() -> None:
    assert snapped("don", "don") == "don't"
    assert snapped("3", "3") == "3.5%"
    assert snapped("being", "being") == "well-being"
    assert snapped("break", "break") == "break"  # "break. The" is two words


def test_whole_words_are_kept_as_they_are() -> None:
    assert snapped("We", "lunch") == "We never get a proper lunch"
    end = len(TEXT)
    assert snap_to_words(TEXT, end - len("well-being."), end) == (end - 11, end - 1)


def test_a_selection_without_a_word_snaps_to_nothing() -> None:
    stop = TEXT.index(". The")
    assert snap_to_words(TEXT, stop, stop + 2) is None
    assert snap_to_words(TEXT, 3, 3) is None
    assert snap_to_words("", 0, 0) is None


@pytest.mark.parametrize(("start", "end"), [(-5, 4), (70, 500), (9, 2)])
def test_offsets_outside_the_text_or_reversed_are_clamped(start: int, end: int) -> None:
    span = snap_to_words(TEXT, start, end)
    assert span is not None
    assert 0 <= span[0] < span[1] <= len(TEXT)
