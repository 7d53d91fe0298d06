"""SubRip (.srt) subtitles with ``NAME: text`` speaker prefixes.

Hand-written rather than webvtt-py's ``from_srt``: that reader silently drops cues whose
times it cannot read, accepts cues that end before they start and keeps no line numbers,
while a user needs to be told which line to fix. The format is small enough to read here.
"""

from __future__ import annotations

import re

from qualcode.domain.transcript import ParsedTranscript
from qualcode.errors import InputError
from qualcode.ingest.cues import cue_turns
from qualcode.ingest.timecode import parse_clock

_TIMING = re.compile(r"(?P<start>\S+)\s*-->\s*(?P<end>\S+)")
_TIMES_HINT = "Write cue times as hh:mm:ss,ttt --> hh:mm:ss,ttt and import again."


def read_srt(text: str, source: str) -> ParsedTranscript:
    """Parse decoded SRT text into turns, refusing cues with unreadable or reversed times."""
    lines = text.split("\n")
    cues: list[tuple[float, float, list[str]]] = []
    for index, raw in enumerate(lines):
        line = raw.strip()
        if "-->" in line:
            start, end = _cue_times(line, source, index + 1, len(cues) + 1)
            cues.append((start, end, []))
        elif not line or _is_cue_number(line, lines, index):
            continue
        elif cues:
            cues[-1][2].append(line)
        else:
            raise InputError(
                source,
                "this is not a SubRip file: text comes before the first cue.",
                line=index + 1,
                hint="Check the file; WebVTT needs the .vtt extension.",
            )
    return ParsedTranscript(source, cue_turns(cues))


def _is_cue_number(line: str, lines: list[str], index: int) -> bool:
    # A line of digits is a cue number only if a timing line follows; otherwise it is text.
    return line.isdecimal() and index + 1 < len(lines) and "-->" in lines[index + 1]


def _cue_times(line: str, source: str, number: int, cue: int) -> tuple[float, float]:
    match = _TIMING.match(line)
    try:
        if match is None:
            raise ValueError(line)
        start, end = parse_clock(match["start"]), parse_clock(match["end"])
    except ValueError:
        raise InputError(
            source,
            f"cue {cue} has a time that cannot be read: '{line}'.",
            line=number,
            hint=_TIMES_HINT,
        ) from None
    if end < start:
        raise InputError(
            source,
            f"cue {cue} ends ({match['end']}) before it starts ({match['start']}).",
            line=number,
            hint="Correct the cue times and import again.",
        )
    return start, end
