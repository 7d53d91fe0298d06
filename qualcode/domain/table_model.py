"""The pydantic form of `qualcode.domain.table`'s result tables: their validation and their
serialisation (`model_dump`), imported only when a table needs either.

`domain.table` checks the common case (plain cells of a rectangular table) itself and hands
anything else to these models, so every table is validated and coerced as before, with the
same errors, without importing pydantic on `qualcode freq`'s path."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from qualcode.domain.table import QUERY_KEYS, Style


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
