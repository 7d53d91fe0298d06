"""A transcript's summary as the transcript list shows it: a plain dataclass, so that
`qualcode transcripts` starts without pydantic (see `qualcode.domain.coding`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class TranscriptInfo:
    id: int
    title: str
    source_name: str
    language: str
    department: str | None
    group_kind: str | None
    recorded_on: date | None
    n_segments: int = 0
    n_words: int = 0
    n_coded_segments: int = 0
    done: bool = False  # the coder asked about marked it done
    notes: list[str] = field(default_factory=list)
    # REFI-QDA variables of the source and of its cases (name -> value), as imported.
    variables: dict[str, str] = field(default_factory=dict)
