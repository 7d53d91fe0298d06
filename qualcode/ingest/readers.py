"""Read a transcript file of any supported format into a ParsedTranscript."""

from __future__ import annotations

from pathlib import Path, PurePath

from qualcode.domain.transcript import ParsedTranscript
from qualcode.errors import InputError
from qualcode.ingest.decode import decode_bytes
from qualcode.ingest.otter import looks_like_otter, read_otter
from qualcode.ingest.plain_text import read_plain_text
from qualcode.ingest.srt import read_srt

PLAIN_TEXT_EXTENSIONS = (".txt", ".text", ".md")
SUPPORTED_EXTENSIONS = (*PLAIN_TEXT_EXTENSIONS, ".vtt", ".srt", ".docx")


def read_transcript(
    path: Path, *, encoding: str | None = None, no_speakers: bool = False
) -> ParsedTranscript:
    """Read and parse the file at ``path`` (see ``read_transcript_bytes``)."""
    try:
        data = path.read_bytes()
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
    return read_transcript_bytes(data, path.name, encoding=encoding, no_speakers=no_speakers)


def read_transcript_bytes(
    data: bytes, name: str, *, encoding: str | None = None, no_speakers: bool = False
) -> ParsedTranscript:
    """Parse a transcript file's bytes; ``name``'s extension chooses the format.

    ``.txt``, ``.text`` and ``.md`` are speaker-labelled text (Otter exports are recognised
    by their content), ``.vtt`` WebVTT, ``.srt`` SubRip, ``.docx`` Word. ``encoding`` applies
    to the text formats; ``no_speakers`` reads text and Word files as paragraphs without
    speakers. Turns without text are dropped.
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

            parsed = read_webvtt(text, name)
        elif suffix == ".srt":
            parsed = read_srt(text, name)
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
    parsed.turns = [turn for turn in parsed.turns if turn.text]
    if not parsed.turns:
        raise InputError(
            name,
            "the file contains no transcript text.",
            hint="Check that you chose the right file.",
        )
    return parsed
