"""Source text as qualcode stores it (LF line ends, NFC) and REFI positions mapped into it.

REFI-QDA positions count Unicode code points of the plain text as stored in the file, so in a
file with CRLF line ends (NVivo, MAXQDA on Windows) each CRLF counts 2. qualcode keeps LF and
NFC text; `normalise_text` returns the clean text with a map from file positions to it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from itertools import accumulate

from qualcode.domain.text import without_controls

PositionMap = Callable[[int], int]


def normalise_text(raw: str) -> tuple[str, PositionMap]:
    """Drop a BOM, turn CRLF and CR into LF, compose to NFC and remove control and
    direction-override characters; map old positions to new."""
    raw = raw.removeprefix("\ufeff")
    if "\r" not in raw and unicodedata.is_normalized("NFC", raw) and without_controls(raw) == raw:
        return raw, lambda position: position
    pieces = _clusters(raw)
    clean = [_clean(piece) for piece in pieces]
    # starts[i] is the old offset of piece i; new_starts[i] its offset in the clean text.
    starts = [0, *accumulate(len(piece) for piece in pieces)]
    new_starts = [0, *accumulate(len(piece) for piece in clean)]
    old_to_piece = [index for index, piece in enumerate(pieces) for _ in piece]
    old_to_piece.append(len(pieces))

    def mapped(position: int) -> int:
        piece = old_to_piece[position]
        # A position inside a composed cluster (or between CR and LF) maps to the cluster's end.
        return new_starts[piece] if starts[piece] == position else new_starts[piece + 1]

    return "".join(clean), mapped


def _clusters(text: str) -> list[str]:
    """Pieces that normalise independently: CRLF pairs, and a starter with its combining marks."""
    pieces: list[str] = []
    for char in text:
        joins_cr = char == "\n" and pieces and pieces[-1] == "\r"
        if pieces and (joins_cr or (unicodedata.combining(char) and pieces[-1] not in "\r\n")):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _clean(piece: str) -> str:
    if piece in ("\r\n", "\r"):
        return "\n"
    return without_controls(unicodedata.normalize("NFC", piece))


CODEPOINTS = "codepoints"
UTF16 = "utf16"
# Tools known to count positions in UTF-16 code units (.NET and Qt strings), by origin prefix.
UTF16_ORIGINS = ("nvivo", "atlas.ti")


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def from_utf16(text: str) -> PositionMap:
    """Map a position counted in UTF-16 code units of `text` to code points (a position
    inside a surrogate pair maps to the character's end)."""
    if utf16_length(text) == len(text):
        return lambda position: position
    units = [0, *accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]
    to_point = {unit: index for index, unit in enumerate(units)}

    def mapped(position: int) -> int:
        while position not in to_point and position < units[-1]:
            position += 1
        return to_point.get(position, len(text) + position - units[-1])

    return mapped


def utf16_origin(origin: str) -> bool:
    return origin.strip().casefold().startswith(UTF16_ORIGINS)
