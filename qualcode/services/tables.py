"""Result tables as files, for both UIs: the formats and writer of `exchange.tables`."""

from __future__ import annotations

from qualcode.exchange.tables import FORMATS, format_cell, numeric_columns, write

__all__ = ["FORMATS", "format_cell", "numeric_columns", "write"]
