"""A turn to cite, as the quote and search services return it to both UIs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Quote(BaseModel):
    """A turn to cite: where it is, who said it, and the text (the coded spans, if only spans)."""

    model_config = ConfigDict(frozen=True)

    segment_id: int
    transcript_id: int
    transcript: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    start_time: float | None
    text: str
    codes: list[str] = []
    coders: list[str] = []


def clock(seconds: float | None) -> str | None:
    """h:mm:ss of a time in seconds from the start of the recording."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
