"""SubRip (.srt) subtitles with ``NAME: text`` speaker prefixes.

Hand-written rather than webvtt-py's ``from_srt``: that reader silently drops cues whose
times it cannot read, accepts cues that end before they start and keeps no line numbers,
while a user needs to be told which line to fix. The format is small enough to read here.
"""

from __future__ import annotations

import re

from qualcode.domain.transcript import ParsedTranscript
from qualcode.errors import InputError
from qualcode.ingest.cues import CueOrder, cue_turns
from qualcode.ingest.timecode import parse_clock

_TIMING = re.compile(r"(?P<start>\S+)\s*-->\s*(?P<end>\S+)")
_TIMES_HINT = "Write cue times as hh:mm:ss,ttt --> hh:mm:ss,ttt and import again."


def read_srt(text: str, source: str, *, allow_unordered: bool = False) -> ParsedTranscript:
    """Parse decoded SRT text into turns, refusing cues with unreadable or reversed times,
    cue number lines that are not numbers and cues out of time order (unless
    `allow_unordered`); overlapping cues are noted."""
    lines = text.split("\n")
    cues: list[tuple[float, float, list[str]]] = []
    order = CueOrder(source, allow_unordered=allow_unordered)
    for index, raw in enumerate(lines):
        line = raw.strip()
        if "-->" in line:
            start, end = _cue_times(line, source, index + 1, len(cues) + 1)
            order.check(len(cues) + 1, index + 1, start, end)
            cues.append((start, end, []))
        elif not line or _is_cue_number(line, lines, index, source, len(cues) + 1):
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
    return ParsedTranscript(source, cue_turns(cues), notes=order.notes())


def _is_cue_number(line: str, lines: list[str], index: int, source: str, cue: int) -> bool:
    """A line is a cue's number when a timing line follows it and a blank line (or the
    file's start) precedes it; such a line that is not a number is refused rather than
    read as the text of the cue above."""
    if index + 1 >= len(lines) or "-->" not in lines[index + 1]:
        return False
    if line.isdecimal():
        return True
    if index == 0 or not lines[index - 1].strip():
        raise InputError(
            source,
            f"cue {cue}'s number line '{line}' is not a number.",
            line=index + 1,
            hint="Each SubRip cue starts with its number (1, 2, 3 ...) on a line of its own; "
            "correct the line and import again.",
        )
    return False


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
