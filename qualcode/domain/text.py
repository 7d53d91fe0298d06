"""Text that reaches the database: no terminal control characters, no direction overrides.

A department, title or speaker label holding ESC, BEL, a carriage return or U+202E would be
printed raw to a terminal (colouring it, ringing the bell, reversing the text that follows).
Transcript text keeps its line breaks and tabs; one-line fields keep neither.
"""

from __future__ import annotations

import re

from qualcode.errors import QualcodeError

# The longest value each field may hold, the same on SQLite and PostgreSQL (the columns'
# VARCHAR lengths in qualcode.store.models): checked before anything is written.
LIMITS = {
    "title": 300,
    "department": 200,
    "group kind": 100,
    "speaker label": 200,
    "speaker role": 200,
    "language": 8,
    "code key": 200,
    "code name": 200,
    "coder name": 100,
    "file name": 500,
    "REFI-QDA name": 300,  # a variable's, case's or set's name, kept for the next export
}
MAX_TURN_CHARS = 200_000  # a turn of some 30,000 words: one monologue per focus group at most
MAX_FILE_BYTES = 64 * 1024 * 1024  # a 2-hour focus group transcript is some 100 KB

# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional marks,
# embeddings, overrides and isolates (U+200E-U+200F, U+202A-U+202E, U+2066-U+2069).
CONTROL_RANGES = (
    (0x00, 0x08),
    (0x0B, 0x1F),
    (0x7F, 0x9F),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
)
_CONTROLS = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in CONTROL_RANGES) + "]"
)
_SPACES = re.compile(r"\s+")


def without_controls(text: str) -> str:
    """The text without control and direction-override characters (tabs and LF kept)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def multi_line(value: str) -> str:
    """A multi-line field (a memo): line breaks as LF (CRLF and a lone CR too), tabs kept,
    other controls and direction overrides removed, outer blank space stripped."""
    return without_controls(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def one_line(value: str) -> str:
    """A one-line field (department, title, label, role): controls removed, spaces collapsed."""
    return _SPACES.sub(" ", without_controls(value.replace("\t", " ").replace("\n", " "))).strip()


def within_limit(field: str, value: str | None, where: str = "") -> str | None:
    """`value` when it fits its column; else a QualcodeError naming the field and the limit."""
    limit = LIMITS[field]
    if value is not None and len(value) > limit:
        shown = value[:40] + "…"
        place = f"{where}: " if where else ""
        raise QualcodeError(
            f"{place}the {field} '{shown}' is {len(value):,} characters long; qualcode keeps "
            f"at most {limit}. Shorten it and try again."
        )
    return value
