"""Turn the bytes of a text transcript into clean text: decoded, LF line ends, NFC."""

from __future__ import annotations

import codecs
import unicodedata

from qualcode.errors import InputError

# Checked in this order: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ENCODING_HINT = "Re-run with --encoding cp1252 (or the file's real encoding)."
_BINARY_PROBLEM = "this is a binary file, not text (it contains NUL bytes)."
_BINARY_HINT = (
    "Export the transcript as plain text (.txt), WebVTT (.vtt), SubRip (.srt) or Word (.docx); "
    "a Word file needs the .docx extension, and UTF-16 text without a byte order mark needs "
    "--encoding utf-16-le."
)


def decode_bytes(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode a text file's bytes and normalise line ends to LF and characters to NFC.

    A byte order mark wins over ``encoding`` (it is unambiguous); without one the bytes
    must be strict UTF-8 unless ``encoding`` names another codec.
    """
    codec, body = _codec_and_body(data, encoding)
    wide = _is_wide(codec, source)
    if not wide and b"\x00" in body:
        # Checked before decoding so that a zip or image fails with this message rather
        # than with an invalid-UTF-8 offset.
        raise InputError(source, _BINARY_PROBLEM, hint=_BINARY_HINT)
    text = _decode(body, codec, source, bom_length=len(data) - len(body), wide=wide)
    if wide and "\x00" in text:
        raise InputError(source, _BINARY_PROBLEM, hint=_BINARY_HINT)
    if not text.strip():
        raise InputError(source, "the file is empty.", hint="Check that you chose the right file.")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normal form C (checking first, which is much faster)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _codec_and_body(data: bytes, encoding: str | None) -> tuple[str, bytes]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, data[len(bom) :]
    return encoding or "utf-8", data


def _is_wide(codec: str, source: str) -> bool:
    """Whether ``codec`` is UTF-16 or UTF-32, whose bytes contain NUL in ordinary text."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        raise InputError(
            source,
            f"'{codec}' is not a known text encoding.",
            hint="Use a codec name such as utf-8, cp1252 or latin-1.",
        ) from None
    return name.startswith(("utf-16", "utf-32"))


def _decode(body: bytes, codec: str, source: str, *, bom_length: int, wide: bool) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as error:
        offset = bom_length + error.start
        # Counting LF bytes gives the line only in byte-oriented encodings.
        line = None if wide else body.count(b"\n", 0, error.start) + 1
        if codecs.lookup(codec).name == "utf-8":
            problem, hint = f"bytes at offset {offset} are not valid UTF-8.", _ENCODING_HINT
        else:
            problem = f"bytes at offset {offset} are not valid {codec}."
            hint = "Re-run with the file's real --encoding."
        raise InputError(source, problem, line=line, hint=hint) from None
