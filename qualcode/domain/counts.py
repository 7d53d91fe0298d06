"""The rows the analysis queries return and the analysis tables shape."""

from __future__ import annotations

from typing import NamedTuple


class CodedTurns(NamedTuple):
    """Distinct turns coded with a row code (rolled up), per transcript, speaker and coder;
    `card` is the key of the card whose section holds the turns, where a table counts by card."""

    code_id: int
    transcript_id: int
    speaker_id: int | None
    coder_id: int | None
    turns: int
    words: int
    card: str | None = None


class TurnTotals(NamedTuple):
    """All turns in scope per transcript and speaker, coded or not; `coder_id` is set where
    a table splits by coder (each coder's own scope); `card` where a table counts by card."""

    transcript_id: int
    speaker_id: int | None
    turns: int
    words: int
    coder_id: int | None = None
    card: str | None = None


class TranscriptFacts(NamedTuple):
    id: int
    title: str
    department: str | None
    group_kind: str | None


class CoOccurrence(NamedTuple):
    first_id: int
    second_id: int
    turns: int


class QuotedCoding(NamedTuple):
    """One coding on a quoted turn, with the turn's place and text."""

    segment_id: int
    transcript_id: int
    ordinal: int
    title: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    start_time: float | None
    segment_start: int
    text: str
    span_start: int | None
    span_end: int | None
    code_key: str
    coder: str
