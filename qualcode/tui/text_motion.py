"""Caret motions inside a turn's text (pure functions over character offsets)."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*\s+(?=\S)")


def _is_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and not text[index].isspace()


def next_word_start(text: str, caret: int) -> int:
    """The first character of the next word, or the caret when there is none."""
    for index in range(caret + 1, len(text)):
        if _is_word(text, index) and not _is_word(text, index - 1):
            return index
    return caret


def previous_word_start(text: str, caret: int) -> int:
    """The first character of this word (if inside it) or of the word before."""
    for index in range(caret - 1, -1, -1):
        if _is_word(text, index) and not _is_word(text, index - 1):
            return index
    return 0 if text else caret


def word_end(text: str, caret: int) -> int:
    """The last character of the next word end after the caret."""
    for index in range(caret + 1, len(text)):
        if _is_word(text, index) and not _is_word(text, index + 1):
            return index
    return max(len(text) - 1, 0)


def first_sentence_break(text: str) -> int | None:
    """The offset where the second sentence starts, or None for a single sentence."""
    match = _SENTENCE_END.search(text)
    return match.end() if match else None
