"""Statement cards and the card sections of a transcript (the focus group's own structure).

A study's deck is a list of cards, each with a key, its statement per language and the
concepts it was written for. A card **section** runs from the turn where a card is read
aloud to the turn before the next card is read; the talk before the first card is the
opening section, which has no card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qualcode.domain.imports import LANGUAGES

OPENING = "opening"
ORIGINS = ("detected", "manual")
KEY_LENGTH = 100  # the card.key column
_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Card(_Frozen):
    """A statement card: `statement` maps a language code (en, da, ...) to the text."""

    key: str
    statement: dict[str, str]
    concepts: list[str] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _KEY.match(value) or len(value) > KEY_LENGTH:
            raise ValueError(
                f"card key '{value}' must be at most {KEY_LENGTH} lowercase letters, digits, "
                "'_', '.' or '-'"
            )
        return value

    @field_validator("statement")
    @classmethod
    def _statement(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {language: text.strip() for language, text in value.items() if text.strip()}
        unknown = [language for language in cleaned if language not in LANGUAGES]
        if unknown:
            raise ValueError(f"language '{unknown[0]}' is not one of {', '.join(LANGUAGES)}")
        if not cleaned:
            raise ValueError("a card needs a statement in at least one language")
        return cleaned

    def text(self, language: str) -> str:
        """The statement in `language`, else in English, else in the first language given."""
        return (
            self.statement.get(language)
            or self.statement.get("en")
            or next(iter(self.statement.values()))
        )


class CardInfo(Card):
    """A stored card with how many sections it opens across the corpus."""

    id: int
    n_sections: int = 0


@dataclass(frozen=True)
class Bounds:
    """Where a turn stands in its transcript's text: segment id, ordinal, [start, end)."""

    segment_id: int
    ordinal: int
    start: int
    end: int


@dataclass(frozen=True)
class SectionStart:
    """Where a section starts: the turn, its card (None: the opening), origin and score."""

    segment_id: int
    card_id: int | None
    origin: str
    score: float | None = None


@dataclass(frozen=True)
class CardTurn:
    """A turn inside a section of a card, with what a card report groups and ranks by."""

    segment_id: int
    transcript_id: int
    title: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    words: int
    text: str


class Detection(_Frozen):
    """One turn where a card is read aloud: the evidence, its score (0..1) and why."""

    segment_id: int
    ordinal: int
    card_key: str
    score: float
    reason: str


class SectionView(_Frozen):
    """A stretch of a transcript opened by a card (or the opening, `card_key` None)."""

    id: int
    transcript_id: int
    card_key: str | None
    first_segment_id: int
    last_segment_id: int
    first_ordinal: int
    last_ordinal: int
    origin: str
    score: float | None = None

    @property
    def label(self) -> str:
        return self.card_key or OPENING


class DetectionReport(_Frozen):
    """What detection found in one transcript and the sections it left."""

    transcript_id: int
    title: str
    detections: list[Detection]
    sections: list[SectionView]
    skipped: list[Detection] = Field(default_factory=list)


QUOTE_RANKING = (
    "turns coded by the most coders first, then with the most distinct codes, then the "
    "longest (words), then the earliest"
)


class GroupTalk(_Frozen):
    """How much talk a card drew in one department and group kind (participant turns)."""

    department: str | None
    group_kind: str | None
    transcripts: int
    turns: int
    words: int
    coded_turns: int


class CodeUse(_Frozen):
    """A code applied in a card's sections (any coder): `turns`, the participant turns coded
    with it or a code below it (rolled up, as `qualcode freq` counts); `own`, those coded
    with the code itself."""

    code_key: str
    turns: int
    own: int


class CardQuote(_Frozen):
    segment_id: int
    transcript: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    text: str
    coders: int
    codes: list[str]
    words: int


class CardReport(_Frozen):
    card: Card
    groups: list[GroupTalk]
    codes: list[CodeUse]
    quotes: list[CardQuote]
    participant_turns: int
    """Every participant turn of the card's sections (the talk)."""
    scope_turns: int
    """Those in transcripts the layer coded or marked done: the codes' denominator, as in
    `qualcode freq --card`."""
    layer: str = "all coders (a turn counts once per code however many coders coded it)"
    """The coder layer counted (`Layer.label`)."""
