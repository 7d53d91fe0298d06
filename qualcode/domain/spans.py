"""Where a span a person selected by hand starts and ends: on whole words.

A selection made with the caret rarely lands on word boundaries: it stops inside a word or
takes the full stop and the space after the last word. The coded span is snapped: a
selection that starts or ends inside a word takes the whole word, and the whitespace and
punctuation at either end are dropped, so the span starts with a word's first character
and ends with a word's last (`proper lunch break.` is coded as `proper lunch break`).
"""

from __future__ import annotations

import unicodedata

# Inside a word between two word characters: "don't", "well-being"; "3.5" and "1,000"
# between digits only ("break.The" is two words).
_JOINERS = "'’-‐"
_NUMBER_JOINERS = ".,"
_SYMBOLS = "%‰°"  # part of the word before them: "50%"


def _word_char(char: str) -> bool:
    return char.isalnum() or char in _SYMBOLS or unicodedata.category(char).startswith("M")


def in_word(text: str, index: int) -> bool:
    """Whether the character at `index` belongs to a word (a letter, digit, mark or a joiner
    between two of them)."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    if _word_char(char):
        return True
    if 0 < index < len(text) - 1:
        before, after = text[index - 1], text[index + 1]
        if char in _JOINERS:
            return _word_char(before) and _word_char(after)
        if char in _NUMBER_JOINERS:
            return before.isdigit() and after.isdigit()
    return False


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The half-open span `[start, end)` of `text` widened to the whole words it cuts into
    and narrowed past the whitespace and punctuation at its ends; None when it holds no
    word."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while 0 < start < len(text) and in_word(text, start) and in_word(text, start - 1):
        start -= 1
    while 0 < end < len(text) and in_word(text, end) and in_word(text, end - 1):
        end += 1
    while start < end and not in_word(text, start):
        start += 1
    while end > start and not in_word(text, end - 1):
        end -= 1
    return (start, end) if start < end else None
