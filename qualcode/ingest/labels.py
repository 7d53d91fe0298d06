"""Speaker labels at the start of a line: ``Name: text``, ``Name (role): text``, timed,
and QualCoder's ``[id1] text`` markers.

Heuristics keep ordinary sentences from being read as labels: a label is one to four words
of at most 40 characters, each word starts with a capital letter or a digit (lower-case name
particles such as "van" or "de" are allowed after the first word), there is no sentence
punctuation before the colon, the colon is followed by a space or ends the line, and a few
words that introduce remarks rather than speakers ("Note", "NB", "Date", "Important",
"Remember", "Husk", ...) are refused.

Labels people write otherwise (``admin-1:``, ``p3:``, ``dr.hansen:``, ``[id1]``) are
*candidates*: one token, any case. `LabelRule` decides per file which candidates are
speakers: a candidate is a speaker only when the file uses it at the start of at least
``MIN_RECURRENCE`` lines, so a colon inside prose never becomes a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
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
# One token in any case: admin-1, p3, dr.hansen, id1.
_TOKEN = r"[^\W_](?:[^\W_]|[.\-])*"
_CANDIDATE = re.compile(
    rf"(?:[\[(]?(?P<clock>{CLOCK_PATTERN})[\])]?[ \t]+)?"
    rf"(?:\[(?P<bracket>{_TOKEN}(?: {_TOKEN}){{0,3}})\][ \t]+(?P<btext>\S.*)"
    rf"|(?P<name>{_TOKEN})(?:[ \t]*\((?P<role>[^()\n]{{1,40}})\))?[ \t]?:(?:\s+|$)(?P<text>.*))",
    re.DOTALL,
)
# A candidate must start this many lines of a file to be a speaker.
MIN_RECURRENCE = 2
# Bracketed stage directions that recur in transcripts and are never speakers.
_ANNOTATIONS = frozenset(
    "crosstalk inaudible laughs laughter pause silence unclear overlapping "  # noqa: SIM905
    "griner latter uhørbart".split()
)
MAX_NAME_CHARS = 40
# The colon comes after at most a clock, a name with role and Markdown bold.
_COLON_WITHIN = 20 + MAX_NAME_CHARS + 45 + 8
# Word lists read best as one string each.
_PARTICLES = frozenset("af al bin da de del den der di du la le ten ter van von".split())  # noqa: SIM905
_NOT_SPEAKERS = frozenset(
    "bemærk date dato duration e.g. eksempel example fx i.e. merk name navn nb n.b. note obs "  # noqa: SIM905
    "p.s. ps re speaker subject taler tid time title titel "
    # Words that head a remark or a reminder in notes typed into a transcript.
    "agenda advarsel emne husk important info remember reminder tema todo update "
    "vigtigt warning notes noter remark remarks comment comments kommentar".split()
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


def candidate_label(line: str) -> Label | None:
    """A label as `parse_label` finds it, else a one-token or ``[bracketed]`` candidate."""
    strict = parse_label(line)
    if strict is not None:
        return strict
    if line.find(":", 0, _COLON_WITHIN) < 0 and not line.startswith("["):
        return None
    match = _CANDIDATE.match(line)
    if match is None:
        return None
    name = match["bracket"] or match["name"]
    if (
        len(name) > MAX_NAME_CHARS
        or name.casefold() in _NOT_SPEAKERS
        or name.casefold() in _ANNOTATIONS
    ):
        return None
    role = match["role"]
    text = match["btext"] if match["bracket"] else match["text"]
    return Label(name, role.strip() if role else None, text.strip(), match["clock"])


@dataclass(frozen=True)
class LabelRule:
    """Which labels are speakers in one file: strict labels always; candidates whose form
    recurs (``p3:`` and ``p4:`` share the form ``p#:``; all ``[...]`` markers share one form,
    counted only in files without strict labels)."""

    speakers: frozenset[str]

    @classmethod
    def of_lines(cls, lines: Iterable[str]) -> LabelRule:
        """The rule for a file, from the labels at the start of its (stripped) lines."""
        forms: Counter[str] = Counter()
        candidates: dict[str, str] = {}
        strict: set[str] = set()
        for line in lines:
            if not line:
                continue
            if (label := parse_label(line)) is not None:
                strict.add(label.speaker)
            elif (label := candidate_label(line)) is not None:
                form = _form(label.speaker, line.startswith("["))
                forms[form] += 1
                candidates[label.speaker] = form
        recurring = {
            name
            for name, form in candidates.items()
            if forms[form] >= MIN_RECURRENCE and not (strict and form == _BRACKETS)
        }
        return cls(frozenset(strict | recurring))

    def label(self, line: str) -> Label | None:
        """The speaker label at the start of a stripped line, or None."""
        label = candidate_label(line)
        return label if label is not None and label.speaker in self.speakers else None


_BRACKETS = "[]"


def _form(name: str, bracketed: bool) -> str:
    return _BRACKETS if bracketed else re.sub(r"\d+", "#", name.casefold())


def label_start(label: Label) -> float | None:
    """The label's clock time in seconds; ValueError if it is written but unreadable."""
    return None if label.clock is None else parse_clock(label.clock)
