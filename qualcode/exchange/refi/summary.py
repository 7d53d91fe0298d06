"""What an import or export did, for the CLI and TUI to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ImportSummary:
    path: Path
    codebook: str = ""
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    coders: list[str] = field(default_factory=list)
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_merged: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    done_marks: int = 0  # coders' done marks added (they put a transcript in that coder's scope)
    kept: dict[str, int] = field(default_factory=dict)  # variables, cases, sets
    cards_added: list[str] = field(default_factory=list)
    card_sections: int = 0  # transcripts' card sections read from the file
    positions: str = ""  # how positions were counted, as a sentence
    not_imported: list[str] = field(default_factory=list)  # each part left, and why
    warnings: list[str] = field(default_factory=list)


@dataclass
class ExportSummary:
    path: Path
    codes: int = 0
    users: int = 0
    sources: int = 0
    codings: int = 0
    notes: int = 0
    cases: int = 0
    sets: int = 0
    card_sections: int = 0  # coded with their card's code (see refi.cards)
    warnings: list[str] = field(default_factory=list)
