"""Read models that services return to the CLI and TUI (ORM objects never leave services)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from qualcode.domain.codekey import CodeKey
from qualcode.domain.coding import CodingView
from qualcode.domain.text import one_line, within_limit
from qualcode.domain.transcript_info import TranscriptInfo as TranscriptInfo
from qualcode.domain.turns import turn_number, turn_ref


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


METADATA_FIELDS = ("title", "department", "group_kind", "recorded_on", "language")


class MetadataUpdate(_Frozen):
    """New values for a transcript's metadata; only the fields set are changed, and a field
    set to None is cleared (the title cannot be cleared)."""

    title: str | None = None
    department: str | None = None
    group_kind: str | None = None
    recorded_on: date | None = None
    language: str | None = None

    @field_validator("title", "department", "group_kind")
    @classmethod
    def _one_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        """No terminal control characters, and no value longer than its column."""
        cleaned = None if value is None else one_line(value) or None
        return within_limit(str(info.field_name).replace("_", " "), cleaned)


class MetadataChange(_Frozen):
    """One metadata field of a transcript (or a speaker's role) as stored and as wanted."""

    field: str
    old: str | None
    new: str | None

    def __str__(self) -> str:
        return f"{self.field} {self.old or '(empty)'} -> {self.new or '(empty)'}"


class SpeakerInfo(_Frozen):
    label: str
    role: str | None
    n_turns: int = 0


class SectionStart(_Frozen):
    """A turn opens a card section: the card (None: the opening, before the first card), its
    statement in the transcript's language, how the section was set and its score."""

    card_key: str | None
    statement: str = ""
    origin: str = "detected"
    score: float | None = None


class SegmentView(_Frozen):
    id: int
    transcript_id: int
    ordinal: int
    speaker: str | None
    role: str | None
    start_char: int
    end_char: int
    start_time: float | None
    end_time: float | None
    text: str
    codings: list[CodingView] = Field(default_factory=list)
    memos: list[str] = Field(default_factory=list)
    section: SectionStart | None = None  # set where the turn opens a card section

    @property
    def turn(self) -> int:
        """The 1-based turn number a person reads."""
        return turn_number(self.ordinal)

    @property
    def ref(self) -> str:
        """`T8:4`: how a command names this turn (besides its segment id)."""
        return turn_ref(self.transcript_id, self.ordinal)

    @property
    def code_keys(self) -> list[str]:
        return sorted({coding.code_key for coding in self.codings})


class CodeInfo(_Frozen):
    """A code as stored: the codebook spec plus identity, openness and usage counts."""

    id: int
    key: str
    name: str
    parent_key: str | None
    definition: str
    include: list[str]
    exclude: list[str]
    examples: list[str]
    terms: dict[str, list[str]]
    color: str
    is_open: bool
    retired: bool
    n_codings: int = 0

    @property
    def depth(self) -> int:
        return CodeKey(self.key).depth

    @property
    def concept(self) -> str:
        return CodeKey(self.key).concept


class CodebookInfo(_Frozen):
    id: int
    name: str
    title: str
    version: int
    content_hash: str
    favourites: list[str]
    codes: list[CodeInfo]

    def get(self, key: str) -> CodeInfo | None:
        return next((code for code in self.codes if code.key == key), None)
