"""The one table shape every query returns and every exporter writes.

`ResultTable` and `ResultSet` are frozen dataclasses with the part of the pydantic model
API the code uses (`model_copy`, `model_dump`). A table of plain cells (str, int, finite
float, None) in rows as wide as its columns is checked here; any other value goes through the
pydantic models of `qualcode.domain.table_model`, which coerce it (numpy scalars, NaN) or
refuse it with pydantic's `ValidationError`, as these classes did when they were those
models. So `qualcode freq` builds its tables without importing pydantic.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Self

if TYPE_CHECKING:
    from qualcode.domain import table_model

Style = Literal["over", "under"] | None
"""How a cell is highlighted: observed count above ("over") or below ("under") expectation."""

Cell = str | int | float | None
"""A table cell (numpy scalars become Python numbers and NaN an empty cell)."""

QUERY_KEYS = ("codebook", "codebook_version", "coder_layer", "generated_at", "qualcode_version")
"""Query metadata every result set carries, so an exported table can be traced back."""

_STYLES = (None, "over", "under")
_UNSET: Any = object()


def _plain(value: object) -> bool:
    """A cell the pydantic model would keep as it is."""
    kind = type(value)
    if kind is float:
        return not math.isnan(value)  # type: ignore[arg-type]
    return value is None or kind is str or kind is int


def _strings(values: object) -> bool:
    return type(values) is list and all(type(value) is str for value in values)


class _ModelApi:
    """`model_copy` and `model_dump` as pydantic's models have them."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update`'s fields replaced, not validated (as pydantic's)."""
        copied = copy.deepcopy(self) if deep else copy.copy(self)
        for name, value in (update or {}).items():
            object.__setattr__(copied, name, value)
        return copied

    def model_dump(self, **options: Any) -> dict[str, Any]:
        """pydantic's `model_dump` of the same table (`mode="json"` for the JSON export)."""
        return self.as_model().model_dump(**options)  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True, init=False)
class ResultTable(_ModelApi):
    """A titled table of cells, with optional per-cell highlight styles and notes."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    styles: list[list[Style]] | None = None
    notes: list[str] = field(default_factory=list)

    def __init__(
        self, *, title: Any, columns: Any, rows: Any, styles: Any = None, notes: Any = _UNSET
    ) -> None:
        # Keyword arguments of any type, as the pydantic model took them: checked below.
        self._set(title=title, columns=columns, rows=rows, styles=styles)
        self._set(notes=[] if notes is _UNSET else notes)
        if self._plain():
            self._set(
                columns=list(self.columns),
                rows=[list(row) for row in self.rows],
                styles=None if self.styles is None else [list(row) for row in self.styles],
                notes=list(self.notes),
            )
            return
        from qualcode.domain.table_model import ResultTable as Model

        checked = Model(**{name: getattr(self, name) for name in _TABLE_FIELDS})  # or raises
        self._set(**{name: getattr(checked, name) for name in _TABLE_FIELDS})

    def _plain(self) -> bool:
        width = len(self.columns) if type(self.columns) is list else -1
        if type(self.title) is not str or not _strings(self.columns) or not _strings(self.notes):
            return False
        if type(self.rows) is not list or not all(
            type(row) is list and len(row) == width and all(_plain(cell) for cell in row)
            for row in self.rows
        ):
            return False
        if self.styles is None:
            return True
        return (
            type(self.styles) is list
            and [len(row) if type(row) is list else -1 for row in self.styles]
            == [len(row) for row in self.rows]
            and all(style in _STYLES for row in self.styles for style in row)
        )

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def style(self, row: int, column: int) -> Style:
        """The highlight of one cell (None when the table has no styles)."""
        return None if self.styles is None else self.styles[row][column]

    def as_model(self) -> table_model.ResultTable:
        """The same table as the pydantic model (for its serialisation)."""
        from qualcode.domain.table_model import ResultTable as Model

        return Model.model_construct(**{name: getattr(self, name) for name in _TABLE_FIELDS})


_TABLE_FIELDS = tuple(item.name for item in fields(ResultTable))


@dataclass(frozen=True, init=False)
class ResultSet(_ModelApi):
    """Tables from one query plus the metadata that describes the query."""

    tables: list[ResultTable]
    query: dict[str, str]

    def __init__(self, *, tables: Any, query: Any) -> None:
        object.__setattr__(self, "tables", tables)
        object.__setattr__(self, "query", query)
        if (
            type(self.tables) is list
            and all(type(table) is ResultTable for table in self.tables)
            and type(self.query) is dict
            and all(type(key) is str and type(value) is str for key, value in self.query.items())
            and all(self.query.get(key) for key in QUERY_KEYS)
        ):
            object.__setattr__(self, "tables", list(self.tables))
            object.__setattr__(self, "query", dict(self.query))
            return
        from qualcode.domain.table_model import ResultSet as Model

        tables = self.tables
        if isinstance(tables, list | tuple):
            tables = [t.as_model() if isinstance(t, ResultTable) else t for t in tables]
        checked = Model(tables=tables, query=self.query)  # or raises ValidationError
        object.__setattr__(
            self,
            "tables",
            [
                ResultTable(**{name: getattr(t, name) for name in _TABLE_FIELDS})
                for t in checked.tables
            ],
        )
        object.__setattr__(self, "query", checked.query)

    def as_model(self) -> table_model.ResultSet:
        """The same result set as the pydantic model (for its serialisation)."""
        from qualcode.domain.table_model import ResultSet as Model

        return Model.model_construct(
            tables=[table.as_model() for table in self.tables], query=self.query
        )

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
