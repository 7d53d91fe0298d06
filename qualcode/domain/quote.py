"""A turn to cite, as the quote and search services return it to both UIs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from qualcode.domain.limits import DEFAULT_LIMIT
from qualcode.domain.turns import turn_number, turn_ref

__all__ = ["DEFAULT_LIMIT", "Quote"]


class Quote(BaseModel):
    """A turn to cite: where it is, who said it, and the text (the coded spans, if only spans)."""

    model_config = ConfigDict(frozen=True)

    segment_id: int
    transcript_id: int
    ordinal: int
    transcript: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    start_time: float | None
    text: str
    codes: list[str] = []
    coders: list[str] = []

    @property
    def turn(self) -> int:
        """The 1-based turn number a person reads."""
        return turn_number(self.ordinal)

    @property
    def ref(self) -> str:
        """`T8:4`: how a command names this turn (besides its segment id)."""
        return turn_ref(self.transcript_id, self.ordinal)
