"""Read a transcript file of any supported format into a ParsedTranscript."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from qualcode.domain.text import (
    MAX_FILE_BYTES,
    MAX_TURN_CHARS,
    one_line,
    within_limit,
    without_controls,
)
from qualcode.domain.transcript import ParsedTranscript, Turn
from qualcode.errors import InputError, QualcodeError
from qualcode.ingest.decode import decode_bytes
from qualcode.ingest.otter import looks_like_otter, read_otter
from qualcode.ingest.plain_text import read_plain_text
from qualcode.ingest.srt import read_srt

PLAIN_TEXT_EXTENSIONS = (".txt", ".text", ".md")
SUPPORTED_EXTENSIONS = (*PLAIN_TEXT_EXTENSIONS, ".vtt", ".srt", ".docx")


def read_transcript(
    path: Path,
    *,
    encoding: str | None = None,
    no_speakers: bool = False,
    allow_unordered: bool = False,
) -> ParsedTranscript:
    """Read and parse the file at ``path`` (see ``read_transcript_bytes``)."""
    data = read_file(path)
    return read_transcript_bytes(
        data,
        path.name,
        encoding=encoding,
        no_speakers=no_speakers,
        allow_unordered=allow_unordered,
    )


def read_file(path: Path) -> bytes:
    """The bytes of the transcript file at ``path``; a file larger than MAX_FILE_BYTES is
    refused before it is read, and never more than that is read whatever its size says."""
    try:
        with path.open("rb") as stream:
            too_large = os.fstat(stream.fileno()).st_size > MAX_FILE_BYTES
            # Bounded even when the size lied (a file that grows, a pipe).
            data = b"" if too_large else stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(str(path), "the file does not exist.", hint="Check the path.") from None
    except IsADirectoryError:
        raise InputError(
            str(path), "this is a folder, not a file.", hint="Name a transcript file inside it."
        ) from None
    except OSError as error:
        raise InputError(
            str(path),
            f"the file cannot be read ({error.strerror}).",
            hint="Check that it exists and that you may read it.",
        ) from None
    if too_large or len(data) > MAX_FILE_BYTES:
        raise InputError(
            str(path),
            f"the file is larger than {MAX_FILE_BYTES // 2**20} MB, far more than a transcript.",
            hint="Check that you chose the right file, or split it into one file per focus group.",
        )
    return data


def read_transcript_bytes(
    data: bytes,
    name: str,
    *,
    encoding: str | None = None,
    no_speakers: bool = False,
    allow_unordered: bool = False,
) -> ParsedTranscript:
    """Parse a transcript file's bytes; ``name``'s extension chooses the format.

    ``.txt``, ``.text`` and ``.md`` are speaker-labelled text (Otter exports are recognised
    by their content), ``.vtt`` WebVTT, ``.srt`` SubRip, ``.docx`` Word. ``encoding`` applies
    to the text formats; ``no_speakers`` reads text and Word files as paragraphs without
    speakers; ``allow_unordered`` keeps subtitle cues that are out of time order. Control
    characters are removed (qualcode.domain.text) and turns without text dropped.
    """
    suffix = PurePath(name).suffix.lower()
    # python-docx and webvtt-py are imported with their formats: most commands that load
    # this module never read a file.
    if suffix == ".docx":
        from qualcode.ingest.docx_reader import read_docx

        parsed = read_docx(data, name, no_speakers=no_speakers)
    elif suffix in (".vtt", ".srt", *PLAIN_TEXT_EXTENSIONS):
        text = decode_bytes(data, name, encoding)
        if suffix == ".vtt":
            from qualcode.ingest.webvtt_reader import read_webvtt

            parsed = read_webvtt(text, name, allow_unordered=allow_unordered)
        elif suffix == ".srt":
            parsed = read_srt(text, name, allow_unordered=allow_unordered)
        elif not no_speakers and looks_like_otter(text):
            parsed = read_otter(text, name)
        else:
            parsed = read_plain_text(text, name, no_speakers=no_speakers)
    else:
        raise InputError(
            name,
            f"files ending in '{suffix or '(no extension)'}' cannot be imported.",
            hint=f"Use one of {', '.join(SUPPORTED_EXTENSIONS)}.",
        )
    for number, turn in enumerate(parsed.turns, start=1):
        turn.text = without_controls(turn.text)
        turn.speaker = one_line(turn.speaker) or None if turn.speaker else None
        turn.role = one_line(turn.role) or None if turn.role else None
        _check_turn(name, number, turn)
    parsed.turns = [turn for turn in parsed.turns if turn.text]
    if not parsed.turns:
        raise InputError(
            name,
            "the file contains no transcript text.",
            hint="Check that you chose the right file.",
        )
    return parsed


def _check_turn(source: str, number: int, turn: Turn) -> None:
    """Refuse a turn too long to be one person's turn, or a label longer than its column."""
    if len(turn.text) > MAX_TURN_CHARS:
        raise InputError(
            source,
            f"turn {number} is {len(turn.text):,} characters long (at most "
            f"{MAX_TURN_CHARS:,}): the file seems to have no line breaks or speaker labels.",
            hint="Check the file; label each turn with its speaker (Name: text).",
        )
    try:
        within_limit("speaker label", turn.speaker)
        within_limit("speaker role", turn.role)
    except QualcodeError as error:
        raise InputError(source, f"turn {number}: {error}") from None
