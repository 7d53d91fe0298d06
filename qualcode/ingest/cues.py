"""Turn subtitle cues (WebVTT, SRT) into speaker turns.

A cue names its speaker with a voice tag (``<v Name>``, Teams) or a label (``Name: text``,
Zoom and SRT); a cue without a name continues the previous speaker. Other tags are removed
and HTML character references decoded. Consecutive cues of one speaker merge into one turn.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from qualcode.domain.transcript import Turn, merge_consecutive
from qualcode.domain.wording import counted
from qualcode.errors import InputError
from qualcode.ingest.labels import parse_label
from qualcode.ingest.timecode import format_clock

_VOICE = re.compile(r"<v(?:\.[\w-]+)*[ \t]+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")


def cue_turns(cues: Iterable[tuple[float, float, Sequence[str]]]) -> list[Turn]:
    """Build merged turns from ``(start, end, text lines)`` cues in file order."""
    turns: list[Turn] = []
    speaker: str | None = None
    role: str | None = None
    for start, end, lines in cues:
        current: Turn | None = None
        for line in lines:
            voice = _VOICE.match(line)
            named = voice is not None
            if voice is not None:
                speaker, role = voice[1].strip(), None
                line = line[voice.end() :]
            text = _clean(line)
            label = None if named else parse_label(text)
            if label is not None:
                speaker, role, text, named = label.speaker, label.role, label.text, True
            if not text:
                continue
            if current is None or named:
                current = Turn(speaker, text, start, end, role)
                turns.append(current)
            else:
                current.text = f"{current.text} {text}"
    return merge_consecutive(turns)


def _clean(line: str) -> str:
    if "<" in line:
        line = _TAG.sub("", line)
    if "&" in line:
        line = html.unescape(line)
    return line.strip()


class CueOrder:
    """Checks that cues come in time order, as a reader meets them.

    A cue that starts before the cue above it started is refused (its turns would be stored
    out of order with wrong times) unless ``allow_unordered``, which keeps the file's order
    and notes it; a cue that starts before the cue above it ended overlaps it, which is
    allowed (people talk over each other) and noted once with the number of overlaps.
    """

    def __init__(self, source: str, *, allow_unordered: bool = False) -> None:
        self.source = source
        self.allow_unordered = allow_unordered
        self.previous: tuple[int, float, float] | None = None
        self.unordered: list[int] = []
        self.overlaps: list[int] = []

    def check(self, cue: int, line: int, start: float, end: float) -> None:
        previous = self.previous
        self.previous = (cue, start, end)
        if previous is None:
            return
        number, before_start, before_end = previous
        if start < before_start:
            if not self.allow_unordered:
                raise InputError(
                    self.source,
                    f"cue {cue} starts at {format_clock(start)}, before cue {number} "
                    f"({format_clock(before_start)}): the cues are out of time order.",
                    line=line,
                    hint="Sort the cues by time, or import with --allow-unordered to keep "
                    "the file's order.",
                )
            self.unordered.append(cue)
        elif start < before_end:
            self.overlaps.append(cue)

    def notes(self) -> list[str]:
        notes = []
        if self.unordered:
            notes.append(
                f"{counted(len(self.unordered), 'cue')} "
                f"{'starts' if len(self.unordered) == 1 else 'start'} before the cue above "
                f"{'it' if len(self.unordered) == 1 else 'them'} (first: cue "
                f"{self.unordered[0]}); kept in the file's order (--allow-unordered)."
            )
        if self.overlaps:
            notes.append(
                f"{counted(len(self.overlaps), 'cue')} "
                f"{'overlaps' if len(self.overlaps) == 1 else 'overlap'} the cue above "
                f"{'it' if len(self.overlaps) == 1 else 'them'} in time (first: cue "
                f"{self.overlaps[0]}); their turns are kept in the file's order."
            )
        return notes
