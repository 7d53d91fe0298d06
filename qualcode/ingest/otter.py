"""Otter.ai text exports: a header ``Speaker 1  0:09`` above the lines of each turn."""

from __future__ import annotations

import re

from qualcode.domain.transcript import ParsedTranscript, Turn
from qualcode.errors import InputError
from qualcode.ingest.labels import NAME_PATTERN, is_speaker_name, parse_label
from qualcode.ingest.timecode import fill_ends, parse_clock

_HEADER = re.compile(rf"(?P<name>{NAME_PATTERN})(?: {{2,}}| )(?P<clock>(?:\d+:)?\d{{1,2}}:\d{{2}})")
_FOOTER = "Transcribed by https://otter.ai"
_SNIFF_LINES = 200


def looks_like_otter(text: str) -> bool:
    """Whether the first lines hold more Otter headers than ``Name: text`` labels."""
    headers = labels = seen = 0
    for raw in text[: _SNIFF_LINES * 400].split("\n"):
        line = raw.strip()
        if not line:
            continue
        if _header(line):
            headers += 1
        elif parse_label(line):
            labels += 1
        seen += 1
        if seen == _SNIFF_LINES:
            break
    return headers > labels


def read_otter(text: str, source: str) -> ParsedTranscript:
    """Parse decoded Otter text; each turn ends where the next one starts."""
    notes: list[str] = []
    turns: list[Turn] = []
    bodies: list[list[str]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        header = _header(line)
        if header is None:
            (notes if not bodies or line.startswith(_FOOTER) else bodies[-1]).append(line)
            continue
        name, clock = header
        try:
            start = parse_clock(clock)
        except ValueError:
            raise InputError(
                source,
                f"the time '{clock}' cannot be read.",
                line=number,
                hint="Write times as h:mm:ss or m:ss.",
            ) from None
        turns.append(Turn(name, "", start))
        bodies.append([])
    for turn, body in zip(turns, bodies, strict=True):
        turn.text = "\n".join(body)
    fill_ends(turns)
    return ParsedTranscript(source, turns, notes, notes_are_text=True)


def _header(line: str) -> tuple[str, str] | None:
    match = _HEADER.fullmatch(line)
    if match is None or not is_speaker_name(match["name"]):
        return None
    return match["name"], match["clock"]
