"""qualcode's own facts about a source, carried in its Description so that a round trip keeps
segments, speakers, times and the transcript's details that REFI-QDA has no element for.

The Description starts with a readable line; the facts follow on one line that begins with
`qualcode-metadata: ` and holds JSON. Other tools show it as text and leave it alone.
"""

from __future__ import annotations

import json
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationError

MARKER = "qualcode-metadata: "


class SegmentFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: int
    end: int
    speaker: str | None = None
    start_time: float | None = None
    end_time: float | None = None


class SourceFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str
    title: str
    source_name: str
    language: str = "en"
    department: str | None = None
    group_kind: str | None = None
    recorded_on: date | None = None
    roles: dict[str, str] = {}
    segments: list[SegmentFacts]
    done_by: list[str] = []  # coders who marked it done: the transcript is in their scope
    notes: list[str] = []  # the file's text before its first turn, and the reader's remarks

    def tiles(self, length: int) -> bool:
        """Whether the segments cover [0, length) in order without gaps or overlaps."""
        position = 0
        for segment in self.segments:
            if segment.start != position or segment.end <= segment.start:
                return False
            position = segment.end
        return position == length and bool(self.segments)


def embed(summary: str, facts: SourceFacts) -> str:
    payload = json.dumps(
        facts.model_dump(mode="json", exclude_defaults=True),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return f"{summary}\n{MARKER}{payload}"


def extract(description: str) -> tuple[SourceFacts | None, str | None]:
    """The facts in a Description, or (None, why) when they are missing or damaged."""
    line = next((x for x in description.splitlines() if x.startswith(MARKER)), None)
    if line is None:
        return None, None
    try:
        return SourceFacts.model_validate(json.loads(line[len(MARKER) :])), None
    except (ValueError, ValidationError, RecursionError) as error:  # JSON nested too deep
        return None, f"its qualcode metadata cannot be read ({type(error).__name__})"
