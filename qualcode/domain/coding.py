"""What the coding path returns: a coding, a coding just applied, a coder, a memo.

Plain frozen dataclasses, not pydantic models: `qualcode code` and `uncode` build them and
should not pay for pydantic's import (the views in `qualcode.domain.corpus` hold them too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Span(Protocol):
    """What a span is checked against: a segment's id and its place in the transcript."""

    @property
    def id(self) -> int: ...
    @property
    def start_char(self) -> int: ...
    @property
    def end_char(self) -> int: ...


class Codable(Protocol):
    """A code as a write needs it (a stored row or an ORM object)."""

    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def retired(self) -> bool: ...


class StoredCoding(Protocol):
    """A stored coding (a row or an ORM object), as a view is made of it."""

    @property
    def id(self) -> int: ...
    @property
    def segment_id(self) -> int: ...
    @property
    def start_char(self) -> int | None: ...
    @property
    def end_char(self) -> int | None: ...
    @property
    def origin(self) -> str: ...
    @property
    def memo(self) -> str | None: ...


@dataclass(frozen=True)
class CodingView:
    id: int
    code_key: str
    coder: str
    segment_id: int
    start_char: int | None = None
    end_char: int | None = None
    origin: str = "manual"
    memo: str | None = None
    # False when applying found the same coding stored already (nothing changed)
    new: bool = field(default=True, compare=False)

    @property
    def is_span(self) -> bool:
        return self.start_char is not None

    @classmethod
    def of(cls, row: StoredCoding, key: str, coder: str, *, new: bool = True) -> CodingView:
        return cls(
            id=row.id,
            code_key=key,
            coder=coder,
            segment_id=row.segment_id,
            start_char=row.start_char,
            end_char=row.end_char,
            origin=row.origin,
            memo=row.memo,
            new=new,
        )


@dataclass(frozen=True)
class AppliedCoding:
    """A coding just applied, in the coordinates of its turn: what a person is told."""

    coding: CodingView
    ref: str
    span: tuple[int, int] | None
    text: str
    new_coder: bool = False  # the write made the coder (their first coding in the project)


@dataclass(frozen=True)
class CoderInfo:
    id: int
    name: str
    role: str
    is_consensus: bool = False


@dataclass(frozen=True)
class MemoView:
    id: int
    target: str
    text: str
    coder: str | None
    segment_id: int | None = None
    transcript_id: int | None = None
    code_key: str | None = None
