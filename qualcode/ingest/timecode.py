"""Clock times as written in transcripts (``h:mm:ss``, ``mm:ss``, with a fraction)."""

from __future__ import annotations

from itertools import pairwise

from qualcode.domain.transcript import Turn


def parse_clock(text: str) -> float:
    """Return seconds for ``h:mm:ss`` or ``mm:ss``, with an optional ``.fff`` or ``,fff``.

    Raises ValueError if the text is not such a time or a field is out of range.
    """
    main, _, fraction = text.replace(",", ".").partition(".")
    parts = main.split(":")
    if not 2 <= len(parts) <= 3 or not all(part.isdecimal() for part in parts):
        raise ValueError(f"not a clock time: {text!r}")
    if fraction and not fraction.isdecimal():
        raise ValueError(f"not a clock time: {text!r}")
    numbers = [int(part) for part in parts]
    # Minutes may run past 59 only when they are the leading field (mm:ss).
    if numbers[-1] > 59 or (len(numbers) == 3 and numbers[1] > 59):
        raise ValueError(f"clock field out of range: {text!r}")
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def fill_ends(turns: list[Turn]) -> None:
    """Give each timed turn without an end the start of the next timed turn as its end."""
    for turn, following in pairwise(turns):
        if turn.end is None and turn.start is not None and following.start is not None:
            turn.end = following.start


def format_clock(seconds: float) -> str:
    """``h:mm:ss.fff`` for a time in seconds (as cue times are written)."""
    whole, millis = divmod(round(seconds * 1000), 1000)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{millis:03d}"
