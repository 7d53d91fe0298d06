"""Speaker labels at the start of a line: ``Name: text``, ``Name (role): text``, timed.

Heuristics keep ordinary sentences from being read as labels: a label is one to four words
of at most 40 characters, each word starts with a capital letter or a digit (lower-case name
particles such as "van" or "de" are allowed after the first word), there is no sentence
punctuation before the colon, the colon is followed by a space or ends the line, and a few
words that introduce remarks rather than speakers ("Note", "NB", "Date", ...) are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qualcode.ingest.timecode import parse_clock

_WORD = r"[^\W_](?:[^\W_]|['’.\-])*"  # letters and digits (no underscore), ' ’ . -
NAME_PATTERN = rf"{_WORD}(?: {_WORD}){{0,3}}"
CLOCK_PATTERN = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d+)?"
_BOLD = r"(?:\*\*|__)?"  # Markdown bold around the label, as in "**Anne:** text"
_LABEL = re.compile(
    rf"(?:[\[(]?(?P<clock>{CLOCK_PATTERN})[\])]?[ \t]+)?"
    rf"{_BOLD}(?P<name>{NAME_PATTERN})(?:[ \t]*\((?P<role>[^()\n]{{1,40}})\))?{_BOLD}"
    rf"[ \t]?:{_BOLD}(?:\s+|$)(?P<text>.*)",
    re.DOTALL,  # a Word paragraph's text may hold line breaks
)
MAX_NAME_CHARS = 40
# The colon comes after at most a clock, a name with role and Markdown bold.
_COLON_WITHIN = 20 + MAX_NAME_CHARS + 45 + 8
# Word lists read best as one string each.
_PARTICLES = frozenset("af al bin da de del den der di du la le ten ter van von".split())  # noqa: SIM905
_NOT_SPEAKERS = frozenset(
    "bemærk date dato duration e.g. eksempel example fx i.e. merk name navn nb n.b. note obs "  # noqa: SIM905
    "p.s. ps re speaker subject taler tid time title titel".split()
)


@dataclass(slots=True, frozen=True)
class Label:
    """A speaker label found at the start of a line, and the text after it."""

    speaker: str
    role: str | None
    text: str
    clock: str | None


@lru_cache(maxsize=4096)
def is_speaker_name(name: str) -> bool:
    """Whether ``name`` (without colon or role) looks like a speaker label."""
    if not name or len(name) > MAX_NAME_CHARS or name.casefold() in _NOT_SPEAKERS:
        return False
    first, *rest = name.split(" ")
    if not (first[0].isupper() or first[0].isdecimal()):
        return False
    return all(w[0].isupper() or w[0].isdecimal() or w in _PARTICLES for w in rest)


def parse_label(line: str) -> Label | None:
    """Return the label at the start of a stripped line, or None if it has none."""
    if line.find(":", 0, _COLON_WITHIN) < 0:  # cheap test first: most text lines fail here
        return None
    match = _LABEL.match(line)
    if match is None or not is_speaker_name(match["name"]):
        return None
    role = match["role"]
    return Label(
        match["name"], role.strip() if role else None, match["text"].strip(), match["clock"]
    )


def label_start(label: Label) -> float | None:
    """The label's clock time in seconds; ValueError if it is written but unreadable."""
    return None if label.clock is None else parse_clock(label.clock)
