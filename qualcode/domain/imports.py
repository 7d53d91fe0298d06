"""What to import and what happened: the import use case's inputs and outputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

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


class ImportResult(BaseModel):
    path: Path
    status: str  # imported | skipped | failed
    transcript_id: int | None = None
    turns: int = 0
    words: int = 0
    message: str = ""


class ImportReport(BaseModel):
    results: list[ImportResult] = Field(default_factory=list)

    @property
    def failures(self) -> list[ImportResult]:
        return [result for result in self.results if result.status == "failed"]

    def count(self, status: str) -> int:
        return sum(result.status == status for result in self.results)
