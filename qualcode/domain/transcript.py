"""What every transcript reader returns, and how turns become one immutable text."""

from __future__ import annotations

from dataclasses import dataclass, field

# Turns are plain slotted dataclasses rather than pydantic models: readers build hundreds of
# thousands of them per import and validation happens once, in the reader that parses the file.
TURN_SEPARATOR = "\n\n"


@dataclass(slots=True)
class Turn:
    """One speaker turn as read from a file."""

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None
    role: str | None = None


@dataclass(slots=True)
class ParsedTranscript:
    """A transcript as parsed from one file, before it is stored."""

    source_name: str
    turns: list[Turn]
    notes: list[str] = field(default_factory=list)
    # True when the notes are lines of the file's text kept out of the turns (a preamble
    # before the first label), False when they are the reader's remarks (cues out of order)
    notes_are_text: bool = False


@dataclass(slots=True, frozen=True)
class SegmentBounds:
    """A segment's place in the transcript text: half-open [start_char, end_char)."""

    ordinal: int
    start_char: int
    end_char: int


def merge_consecutive(turns: list[Turn]) -> list[Turn]:
    """Merge consecutive turns of one speaker (cue-based formats split turns into cues)."""
    merged: list[Turn] = []
    for turn in turns:
        if merged and turn.speaker is not None and merged[-1].speaker == turn.speaker:
            last = merged[-1]
            last.text = f"{last.text} {turn.text}".strip() if last.text else turn.text
            if turn.end is not None:
                last.end = turn.end
            last.role = last.role or turn.role
        else:
            merged.append(turn)
    return merged


def layout(turns: list[Turn]) -> tuple[str, list[SegmentBounds]]:
    """Join turn texts into the transcript text and return segments that tile it.

    Each segment owns its turn text plus the separator that follows it, so the segments
    cover the whole text without gaps: split and join only move boundaries.
    """
    text = TURN_SEPARATOR.join(turn.text for turn in turns)
    bounds: list[SegmentBounds] = []
    position = 0
    last = len(turns) - 1
    for ordinal, turn in enumerate(turns):
        end = position + len(turn.text) + (len(TURN_SEPARATOR) if ordinal < last else 0)
        bounds.append(SegmentBounds(ordinal, position, end))
        position = end
    return text, bounds
