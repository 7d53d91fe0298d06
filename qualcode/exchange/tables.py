"""Write result sets as CSV, XLSX, Markdown, JSON or HTML; show a table with rich.

Every format carries the query metadata (codebook, its version, coder layer, filters, date,
qualcode version) so that a table can be traced back, except CSV: spreadsheet and pandas
users expect a CSV to hold nothing but the table, so a CSV written to a file gets a sidecar
``<name>.query.json`` with the metadata, titles and notes instead.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from qualcode.domain.table import ResultSet, ResultTable, Style
from qualcode.errors import InputError, QualcodeError

FORMATS = ("csv", "xlsx", "md", "json", "html")
LEGEND = {"over": "used more than expected", "under": "used less than expected"}
RICH_STYLES = {"over": "bold green", "under": "red"}
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][+-]?\d+)?")


def write(result_set: ResultSet, fmt: str, path: Path | str | None = None) -> str | bytes | None:
    """Render a result set as fmt; return the text (bytes for xlsx), or write it to path."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise QualcodeError(f"Unknown table format '{fmt}'; choose one of {', '.join(FORMATS)}.")
    content = renderer(result_set)
    if path is None:
        return content
    target = Path(path)
    try:
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            # A byte-order mark lets Excel recognise UTF-8 CSV (Danish letters, quotes).
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            target.write_text(content, encoding=encoding, newline="")
        if fmt == "csv":
            sidecar_path(target).write_text(_sidecar(result_set), encoding="utf-8")
    except OSError as error:
        raise QualcodeError(
            f"Could not write {target}: {error.strerror or error}; "
            "check that the folder exists and is writable."
        ) from error
    return None


def sidecar_path(csv_path: Path | str) -> Path:
    """Where the query metadata of a CSV export is written: <name>.query.json beside it."""
    return Path(csv_path).with_suffix(".query.json")


def format_cell(value: str | int | float | None) -> str:
    """Display text of a cell: floats with three decimals, tiny ones in scientific notation."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if value == 0 or abs(value) >= 0.001 else f"{value:.2e}"
    return str(value)


def to_rich(table: ResultTable) -> Table:
    """A rich table; over-used cells bold green, under-used red (rich honours NO_COLOR)."""
    numeric = _numeric_columns(table)
    # Text objects, not str: rich would read "[...]" in code names as console markup.
    caption = Text("\n".join(table.notes)) if table.notes else None
    view = Table(title=Text(table.title), caption=caption)
    for column, is_number in zip(table.columns, numeric, strict=True):
        view.add_column(Text(column), justify="right" if is_number else "left")
    for r, row in enumerate(table.rows):
        view.add_row(
            *(
                Text(format_cell(value), style=RICH_STYLES.get(table.style(r, c) or "", ""))
                for c, value in enumerate(row)
            )
        )
    return view


# ---------------------------------------------------------------- CSV
def _csv(result_set: ResultSet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    several = len(result_set.tables) > 1
    for index, table in enumerate(result_set.tables):
        if several:
            if index:
                writer.writerow([])
            writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(_csv_row(row) for row in table.rows)
    return buffer.getvalue()


def _csv_row(row: list[Any]) -> list[str]:
    # repr keeps floats exact, so a CSV reads back to the same numbers.
    return ["" if v is None else repr(v) if isinstance(v, float) else str(v) for v in row]


def _sidecar(result_set: ResultSet) -> str:
    tables = [{"title": table.title, "notes": table.notes} for table in result_set.tables]
    return json.dumps({"query": result_set.query, "tables": tables}, ensure_ascii=False, indent=2)


def read_csv_table(path: Path | str) -> ResultTable:
    """Read a one-table CSV export; title and notes come from its sidecar when present."""
    source = Path(path)
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(source), f"cannot be read as UTF-8 CSV ({error}).") from error
    if not records:
        raise InputError(str(source), "is empty.", hint="Export the table again.")
    title, notes = source.stem, []
    sidecar = sidecar_path(source)
    if sidecar.exists():
        described = json.loads(sidecar.read_text(encoding="utf-8"))["tables"][0]
        title, notes = described["title"], described["notes"]
    rows = [[_parse_cell(text) for text in record] for record in records[1:]]
    return ResultTable(title=title, columns=records[0], rows=rows, notes=notes)


def _parse_cell(text: str) -> str | int | float | None:
    if text == "":
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


# ---------------------------------------------------------------- XLSX
def _xlsx(result_set: ResultSet) -> bytes:
    # openpyxl takes half a second to import; only XLSX exports load it.
    from qualcode.exchange.xlsx import workbook_bytes

    return workbook_bytes(result_set)


# ---------------------------------------------------------------- Markdown, JSON, HTML
def _markdown(result_set: ResultSet) -> str:
    lines = [f"- **{query_label(key)}:** {_md(value)}" for key, value in result_set.query.items()]
    for table in result_set.tables:
        numeric = _numeric_columns(table)
        lines += ["", f"## {_md(table.title)}", ""]
        lines.append("| " + " | ".join(_md(column) for column in table.columns) + " |")
        lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
        for r, row in enumerate(table.rows):
            cells = [_md_cell(value, table.style(r, c)) for c, value in enumerate(row)]
            lines.append("| " + " | ".join(cells) + " |")
        notes = [*table.notes]
        if table.styles and any(style for row in table.styles for style in row):
            notes.append(f"**Bold**: {LEGEND['over']}; _italic_: {LEGEND['under']}.")
        for note in notes:
            lines += ["", f"> {_md(note)}"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    # Backslash-escaped "<" keeps titles and quotes from being read as HTML tags.
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<")
    return escaped.replace("\n", " ")


def _md_cell(value: str | int | float | None, style: Style) -> str:
    text = _md(format_cell(value))
    if not text:
        return text
    return f"**{text}**" if style == "over" else f"_{text}_" if style == "under" else text


def _json(result_set: ResultSet) -> str:
    tables = [table.model_dump(mode="json") for table in result_set.tables]
    payload = {"query": result_set.query, "tables": tables}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _html(result_set: ResultSet) -> str:
    esc = html.escape
    title = result_set.tables[0].title if result_set.tables else "qualcode results"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #ccc;padding:.25em .6em}th{background:#d9e1f2}"
        ".num{text-align:right}.over{background:#c6efce;color:#006100;font-weight:bold}"
        ".under{background:#ffc7ce;color:#9c0006}dt{font-weight:bold}</style>",
        "</head>",
        "<body>",
        '<dl class="query">',
    ]
    for key, value in result_set.query.items():
        parts.append(f"<dt>{esc(query_label(key))}</dt><dd>{esc(value)}</dd>")
    parts.append("</dl>")
    for table in result_set.tables:
        numeric = _numeric_columns(table)
        parts += ["<section>", f"<h2>{esc(table.title)}</h2>", "<table>", "<thead><tr>"]
        parts += [f"<th>{esc(column)}</th>" for column in table.columns]
        parts += ["</tr></thead>", "<tbody>"]
        for r, row in enumerate(table.rows):
            cells = []
            for c, cell in enumerate(row):
                classes = " ".join(filter(None, ["num" if numeric[c] else "", table.style(r, c)]))
                attribute = f' class="{classes}"' if classes else ""
                cells.append(f"<td{attribute}>{esc(format_cell(cell))}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts += ["</tbody>", "</table>"]
        if table.notes:
            parts += ['<ul class="notes">', *(f"<li>{esc(n)}</li>" for n in table.notes), "</ul>"]
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- shared helpers
def query_label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _numeric_columns(table: ResultTable) -> list[bool]:
    """A column is numeric when it has a number and nothing but numbers or blanks."""
    numeric = []
    for c in range(len(table.columns)):
        values = [row[c] for row in table.rows if row[c] is not None]
        numeric.append(bool(values) and all(isinstance(v, int | float) for v in values))
    return numeric


_RENDERERS: dict[str, Callable[[ResultSet], str | bytes]] = {
    "csv": _csv,
    "xlsx": _xlsx,
    "md": _markdown,
    "json": _json,
    "html": _html,
}
