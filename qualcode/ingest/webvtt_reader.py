"""WebVTT captions (Teams voice tags, Zoom ``Name: text`` cues), parsed with webvtt-py."""

from __future__ import annotations

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp
from webvtt.vtt import WebVTTCueBlock

from qualcode.domain.transcript import ParsedTranscript
from qualcode.errors import InputError
from qualcode.ingest.cues import CueOrder, cue_turns

_TIMES_HINT = "Write cue times as hh:mm:ss.ttt --> hh:mm:ss.ttt and import again."


def read_webvtt(text: str, source: str, *, allow_unordered: bool = False) -> ParsedTranscript:
    """Parse decoded WebVTT text into turns, refusing cues with unreadable or reversed times
    and cues out of time order (unless `allow_unordered`); overlapping cues are noted."""
    order = CueOrder(source, allow_unordered=allow_unordered)
    check_cue_times(text, source, order)
    try:
        captions = webvtt.from_string(text).captions
    except MalformedFileError:
        raise InputError(
            source,
            "this is not a WebVTT file (its first line must be WEBVTT).",
            hint="Check the file; SubRip subtitles need the .srt extension.",
        ) from None
    except MalformedCaptionError as error:
        raise InputError(source, f"a cue cannot be read ({error}).", hint=_TIMES_HINT) from None
    cues = (
        (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000, c.lines)
        for c in captions
    )
    return ParsedTranscript(source, cue_turns(cues), notes=order.notes())


def check_cue_times(text: str, source: str, order: CueOrder) -> None:
    """Raise InputError naming the cue and line of the first bad cue timing line.

    webvtt-py silently skips cues whose times it cannot read, accepts cues that end before
    they start and reports no line numbers, so the timing lines are checked here first with
    its own timing pattern and timestamp parser (what passes here, webvtt-py reads).
    """
    cue = 0
    for number, line in enumerate(text.split("\n"), 1):
        if "-->" not in line:
            continue
        cue += 1
        match = WebVTTCueBlock.CUE_TIMINGS_PATTERN.match(line)
        try:
            if match is None:
                raise MalformedCaptionError(line)
            start, end = Timestamp.from_string(match[1]), Timestamp.from_string(match[2])
        except MalformedCaptionError:
            raise InputError(
                source,
                f"cue {cue} has a time that cannot be read: '{line.strip()}'.",
                line=number,
                hint=_TIMES_HINT,
            ) from None
        if end < start:
            raise InputError(
                source,
                f"cue {cue} ends ({match[2]}) before it starts ({match[1]}).",
                line=number,
                hint="Correct the cue times and import again.",
            )
        order.check(cue, number, start.in_milliseconds() / 1000, end.in_milliseconds() / 1000)
