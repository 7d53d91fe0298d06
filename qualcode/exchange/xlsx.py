"""XLSX exports (openpyxl): one sheet per table with a styled, frozen header and numbers as
numbers, and a Query sheet that names the codebook version, coder layer and filters."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import InputError
from qualcode.exchange.tables import format_cell, query_label

QUERY_SHEET = "Query"
INDEX_HEADER = ("Sheet", "Table", "Rows")  # heads the Query sheet's list of table sheets
XLSX_FILLS = {"over": ("C6EFCE", "006100"), "under": ("FFC7CE", "9C0006")}  # Excel good/bad
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def workbook_bytes(result_set: ResultSet) -> bytes:
    """The result set as an XLSX workbook: a sheet per table, then the Query sheet."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the default empty sheet
    names = sheet_names([table.title for table in result_set.tables])
    for name, table in zip(names, result_set.tables, strict=True):
        _table_sheet(workbook.create_sheet(name), table)
    _query_sheet(workbook.create_sheet(QUERY_SHEET), result_set, names)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_names(titles: list[str]) -> list[str]:
    """Excel-safe, unique sheet names (<= 31 characters, no []:*?/\\, not "Query")."""
    taken = {QUERY_SHEET.casefold(), "history"}  # Excel reserves "History"
    names = []
    for title in titles:
        base = re.sub(r"[\[\]:*?/\\]", "-", title).strip().strip("'")[:31].strip() or "Table"
        name, number = base, 1
        while name.casefold() in taken:  # Excel compares sheet names case-insensitively
            number += 1
            suffix = f" ({number})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _table_sheet(sheet: Worksheet, table: ResultTable) -> None:
    for c, column in enumerate(table.columns, start=1):
        cell = _put(sheet, 1, c, column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            cell = _put(sheet, r + 2, c + 1, value)
            style = table.style(r, c)
            if style:
                fill, font = XLSX_FILLS[style]
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(bold=style == "over", color=font)
    sheet.freeze_panes = "A2"
    if table.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    if table.notes:
        first = len(table.rows) + 3
        _put(sheet, first, 1, "Notes").font = Font(bold=True)
        for offset, note in enumerate(table.notes, start=1):
            _put(sheet, first + offset, 1, note)
    for c, column in enumerate(table.columns):
        longest = max([len(column), *(len(format_cell(row[c])) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(c + 1)].width = min(max(longest + 2, 8), 60)


def _query_sheet(sheet: Worksheet, result_set: ResultSet, names: list[str]) -> None:
    rows: list[list[Any]] = [["Field", "Value"]]
    rows += [[query_label(key), value] for key, value in result_set.query.items()]
    rows += [[], list(INDEX_HEADER)]
    rows += [
        [name, table.title, len(table.rows)]
        for name, table in zip(names, result_set.tables, strict=True)
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = _put(sheet, r, c, value)
            if r == 1 or tuple(row) == INDEX_HEADER:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 60


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text stays text even when it starts with "=" (no formula injection)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell: Cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def read_tables(path: Path | str) -> list[ResultTable]:
    """Read the tables of an XLSX export back (titles from the Query sheet's table index).

    Floats keep 16 significant digits (openpyxl; Excel itself keeps 15); a float with an
    integral value, such as 1.0, comes back as the int 1.
    """
    try:
        workbook = load_workbook(path, read_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as error:
        raise InputError(str(path), f"is not an XLSX export ({error}).") from error
    if QUERY_SHEET not in workbook.sheetnames:
        raise InputError(str(path), f"has no '{QUERY_SHEET}' sheet.", hint="Export it again.")
    query_rows = list(workbook[QUERY_SHEET].iter_rows(values_only=True))
    index_at = next(i for i, row in enumerate(query_rows) if row[:2] == INDEX_HEADER[:2])
    tables = []
    for name, title, count in (row[:3] for row in query_rows[index_at + 1 :]):
        cells = list(workbook[str(name)].iter_rows(values_only=True))
        count = int(str(count))
        header = list(cells[0])
        while header and header[-1] is None:
            header.pop()
        columns = ["" if value is None else str(value) for value in header]
        width = len(columns)
        rows = [list(row[:width]) + [None] * (width - len(row)) for row in cells[1 : count + 1]]
        notes = [row[0] for row in cells[count + 3 :] if row and row[0] is not None]
        tables.append(ResultTable(title=str(title or ""), columns=columns, rows=rows, notes=notes))
    workbook.close()
    return tables
