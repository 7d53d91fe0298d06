"""How a person names a turn and its time: turn numbers, `T8:4` references, clock times.

A turn's number is 1-based (the first turn of a transcript is turn 1); the store keeps a
0-based `ordinal`. Every screen and listing shows the number, never the ordinal, and names a
turn in a command as `T<transcript id>:<turn number>` or by its segment id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"[Tt](\d+):(\d+)")
_TRANSCRIPT = re.compile(r"[Tt](\d+)")


def turn_number(ordinal: int) -> int:
    """The 1-based number a person reads for a turn stored at 0-based `ordinal`."""
    return ordinal + 1


def turn_ref(transcript_id: int, ordinal: int) -> str:
    """`T8:4`: transcript 8, turn 4 (the turn stored at ordinal 3)."""
    return f"T{transcript_id}:{turn_number(ordinal)}"


@dataclass(frozen=True)
class TurnRef:
    """A turn named by transcript id and 1-based turn number."""

    transcript_id: int
    number: int

    @property
    def ordinal(self) -> int:
        return self.number - 1

    def __str__(self) -> str:
        return f"T{self.transcript_id}:{self.number}"


def parse_turn(text: str) -> TurnRef | int | None:
    """`T8:4` as a TurnRef, `606` as a segment id, anything else as None."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    match = _REF.fullmatch(value)
    if match is None:
        return None
    return TurnRef(int(match[1]), int(match[2]))


def transcript_number(text: str) -> int | None:
    """`T8` (as turn references start) as the transcript id 8, anything else as None."""
    match = _TRANSCRIPT.fullmatch(text.strip())
    return int(match[1]) if match else None


def clock(seconds: float | None) -> str | None:
    """hh:mm:ss of a time in seconds from the start of the recording (None stays None)."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def time_at(
    start_time: float | None, end_time: float | None, start_char: int, end_char: int, at: int
) -> float | None:
    """Estimate the time at offset `at` of a turn, assuming speech at an even pace within it
    (None when the turn's times are not both known)."""
    if start_time is None or end_time is None:
        return None
    share = (at - start_char) / (end_char - start_char)
    return round(start_time + share * (end_time - start_time), 3)
