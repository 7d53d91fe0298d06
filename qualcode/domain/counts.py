"""The rows the analysis queries return and the analysis tables shape."""

from __future__ import annotations

from typing import NamedTuple


class CodedTurns(NamedTuple):
    """Distinct turns coded with a row code (rolled up), per transcript, speaker and coder."""

    code_id: int
    transcript_id: int
    speaker_id: int | None
    coder_id: int | None
    turns: int
    words: int


class TurnTotals(NamedTuple):
    """All turns in scope per transcript and speaker (per coder where a table splits by
    coder), coded or not."""

    transcript_id: int
    speaker_id: int | None
    turns: int
    words: int


class TranscriptFacts(NamedTuple):
    id: int
    title: str
    department: str | None
    group_kind: str | None


class CoOccurrence(NamedTuple):
    first_id: int
    second_id: int
    turns: int
