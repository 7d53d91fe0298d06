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
from qualcode.ingest.labels import parse_label

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
