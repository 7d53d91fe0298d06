"""What to import and what happened: the import use case's inputs and outputs."""

from __future__ import annotations

import shlex
from collections.abc import Collection
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from qualcode.domain.scope import is_moderator, normal_role
from qualcode.domain.text import one_line, within_limit
from qualcode.domain.transcript import ParsedTranscript
from qualcode.domain.wording import counted

LANGUAGES = ("en", "da", "nb")


class ImportSpec(BaseModel):
    """One file to import, with the study metadata that goes with it."""

    model_config = ConfigDict(frozen=True)

    path: Path
    department: str | None = None
    group_kind: str | None = None
    language: str = "en"
    recorded_on: date | None = None
    title: str | None = None
    roles: dict[str, str] = Field(default_factory=dict)
    encoding: str | None = None
    allow_unordered: bool = False  # cues out of time order are kept in file order

    @field_validator("department", "group_kind", "title")
    @classmethod
    def _one_line(cls, value: str | None, info: ValidationInfo) -> str | None:
        """No terminal control characters in metadata (see qualcode.domain.text), and no
        value longer than its column."""
        cleaned = None if value is None else one_line(value) or None
        return within_limit(str(info.field_name).replace("_", " "), cleaned)

    @field_validator("roles")
    @classmethod
    def _clean_roles(cls, roles: dict[str, str]) -> dict[str, str]:
        return {
            str(within_limit("speaker label", one_line(label))): str(
                within_limit("speaker role", one_line(role))
            )
            for label, role in roles.items()
        }


class ImportResult(BaseModel):
    path: Path
    status: str  # imported | skipped | updated | failed
    transcript_id: int | None = None
    turns: int = 0
    words: int = 0
    message: str = ""
    # For a file already stored: metadata the import names differently ("field old -> new").
    differences: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    disk_full: bool = False  # failed for lack of space: the batch stops there


class SpeakerCount(BaseModel):
    label: str
    role: str | None = None
    turns: int = 0


class FilePreview(BaseModel):
    """What importing one file would store (`qualcode import --dry-run`)."""

    path: Path
    turns: int = 0
    words: int = 0
    speakers: list[SpeakerCount] = Field(default_factory=list)
    error: str = ""


class ImportReport(BaseModel):
    results: list[ImportResult] = Field(default_factory=list)

    @property
    def failures(self) -> list[ImportResult]:
        return [result for result in self.results if result.status == "failed"]

    @property
    def unapplied(self) -> list[ImportResult]:
        """Files already stored whose new metadata was not applied (no --update-metadata)."""
        return [r for r in self.results if r.status == "skipped" and r.differences]

    def count(self, status: str) -> int:
        return sum(result.status == status for result in self.results)


def unmarked_moderators(
    spec: ImportSpec,
    parsed: ParsedTranscript,
    transcript_id: int,
    moderator_roles: Collection[str],
) -> list[str]:
    """A speaker labelled with a moderator role ('Moderator:', 'Interviewer:') but given no
    role: their turns count as a participant's until the role is set, which the analysis
    scope ('participant turns (not moderator, ...)') does not show, so the import says so."""
    turns: dict[str, int] = {}
    for turn in parsed.turns:
        label = turn.speaker
        if (
            label
            and not (spec.roles.get(label) or turn.role)
            and is_moderator(label, moderator_roles)
        ):
            turns[label] = turns.get(label, 0) + 1
    return [
        f"{spec.path.name}: the speaker {label!r} has no role, so their {counted(n, 'turn')} "
        f"{'counts as a participant turn' if n == 1 else 'count as participant turns'}; if "
        f"{label} moderated, run "
        f"`qualcode speaker set {transcript_id} {shlex.quote(label)} "
        f"--role {normal_role(label)}`."
        for label, n in turns.items()
    ]


def roles_for_nobody(spec: ImportSpec, parsed: ParsedTranscript) -> list[str]:
    """A role the manifest gives to a label nobody in the file speaks under: a typo there
    ('Facill' for 'Facil') leaves the real speaker without the role, so a moderator's turns
    would count as a participant's without a word. (A participant who never spoke is
    legitimate, so this is a warning.)"""
    spoken = sorted({turn.speaker for turn in parsed.turns if turn.speaker})
    missing = sorted(label for label in spec.roles if label not in spoken)
    if not missing:
        return []
    named = ", ".join(repr(label) for label in missing)
    one = len(missing) == 1
    return [
        f"{spec.path.name}: the manifest gives a role to {named}, but "
        f"{'no speaker is' if one else 'no speakers are'} labelled so in the file (its "
        f"speakers: {', '.join(spoken) or 'none'}); if that is a typo, fix the manifest's "
        "roles or run `qualcode speaker set`."
    ]
