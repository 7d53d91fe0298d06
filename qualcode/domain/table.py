"""The one table shape every query returns and every exporter writes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Style = Literal["over", "under"] | None
"""How a cell is highlighted: observed count above ("over") or below ("under") expectation."""

QUERY_KEYS = ("codebook", "codebook_version", "coder_layer", "generated_at", "qualcode_version")
"""Query metadata every result set carries, so an exported table can be traced back."""


def _plain_cell(value: Any) -> Any:
    """Turn numpy scalars into Python numbers and NaN into an empty cell.

    Duck-typed on ``.item()`` so that the domain layer does not import numpy; without this,
    pydantic would coerce ``numpy.int64`` counts into floats.
    """
    if not isinstance(value, str | int | float) and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


Cell = Annotated[str | int | float | None, BeforeValidator(_plain_cell)]


class ResultTable(BaseModel):
    """A titled table of cells, with optional per-cell highlight styles and notes."""

    model_config = ConfigDict(frozen=True)

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    styles: list[list[Style]] | None = None
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rectangular(self) -> ResultTable:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells, expected {width}")
        if self.styles is not None:
            shape = [len(row) for row in self.rows]
            if [len(row) for row in self.styles] != shape:
                raise ValueError("styles must have the same shape as rows")
        return self

    def style(self, row: int, column: int) -> Style:
        """The highlight of one cell (None when the table has no styles)."""
        return None if self.styles is None else self.styles[row][column]


class ResultSet(BaseModel):
    """Tables from one query plus the metadata that describes the query."""

    model_config = ConfigDict(frozen=True)

    tables: list[ResultTable]
    query: dict[str, str]

    @model_validator(mode="after")
    def _traceable(self) -> ResultSet:
        missing = [key for key in QUERY_KEYS if not self.query.get(key)]
        if missing:
            raise ValueError(f"query metadata lacks {', '.join(missing)}")
        return self

    @classmethod
    def describe(
        cls,
        tables: list[ResultTable],
        *,
        codebook: str,
        codebook_version: str,
        coder_layer: str,
        qualcode_version: str,
        filters: Mapping[str, str] | None = None,
        generated_at: date | None = None,
    ) -> ResultSet:
        """Build a result set with the standard query keys; filters read "key = value; ..."."""
        described = "; ".join(f"{key} = {value}" for key, value in (filters or {}).items())
        query = {
            "codebook": codebook,
            "codebook_version": codebook_version,
            "coder_layer": coder_layer,
            "filters": described or "none",
            "generated_at": (generated_at or date.today()).isoformat(),
            "qualcode_version": qualcode_version,
        }
        return cls(tables=tables, query=query)
