"""How commands show what they found: one `emit`, one way to choose the format.

`--format` names the format; without it the suffix of `--output` decides; without either the
result is shown in the terminal. A CSV file holds one table: a result with several tables
is written one file per table (`freq-<table>.csv`), or `--table` picks one. CSV carries no
description: on stdout its query line (codebook, layer, unit, N) goes to stderr; written to a
file, `<name>.query.json` is written beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from qualcode.cli.common import console, err_console
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import QualcodeError
from qualcode.services.tables import FORMATS, format_cell, numeric_columns, write

TERMINAL = "table"
FORMAT_CHOICES = (TERMINAL, *FORMATS)

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help=f"{TERMINAL} (the terminal), {', '.join(FORMATS)}; default: from --output's "
        f"suffix, else {TERMINAL}.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (the format follows its suffix); CSV: one file per table.",
        show_default=False,
    ),
]
TableOption = Annotated[
    str | None,
    typer.Option(
        "--table",
        help="Only this table: its number (1 = the first) or name, e.g. chi-square-test.",
        show_default=False,
    ),
]
RICH_STYLES = {"over": "bold green", "under": "red"}
Show = Callable[[ResultSet], None]


def choose_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for: --format, else --output's suffix, else the terminal."""
    chosen = (fmt or (output.suffix.lstrip(".") if output else TERMINAL)).lower()
    if chosen not in FORMAT_CHOICES:
        raise QualcodeError(
            f"Unknown format '{chosen}'; choose one of {', '.join(FORMAT_CHOICES)}."
        )
    if chosen == TERMINAL and output is not None:
        raise QualcodeError(
            f"--format {TERMINAL} prints to the terminal; to write {output} give it a "
            f"suffix or --format, one of {', '.join(FORMATS)}."
        )
    return chosen


def emit(
    result: ResultSet,
    fmt: str | None,
    output: Path | None,
    *,
    table: str | None = None,
    show: Show | None = None,
) -> None:
    """Show `result` in the terminal (with `show`, else as tables), or write it as `fmt`."""
    chosen = choose_format(fmt, output)
    if table is not None:
        result = result.model_copy(update={"tables": [pick_table(result, table)]})
    if chosen == TERMINAL:
        (show or show_tables)(result)
        return
    if chosen == "csv" and len(result.tables) > 1:
        _write_csv_files(result, output)
        return
    if output is None:
        if chosen == "xlsx":
            raise QualcodeError("XLSX is a binary format; give a file: --output report.xlsx.")
        typer.echo(str(write(result, chosen)), nl=False)  # raw: no wrapping, no markup
        if chosen == "csv":
            # CSV has no place for the table's unit and denominator: say them on stderr,
            # so that the figures on stdout are never read without them.
            err_console.print(query_line(result))
        return
    write(result, chosen, output)
    console.print(Text(f"Wrote {_tables(len(result.tables))} to {output} ({chosen})."))


def table_name(table: ResultTable) -> str:
    """The name `--table` takes and a CSV file carries: the title in lower-case-with-dashes."""
    return re.sub(r"[^\w]+", "-", table.title.lower()).strip("-") or "table"


def pick_table(result: ResultSet, wanted: str) -> ResultTable:
    """The table `--table` names, by number (1 = the first) or name (or its start)."""
    names = [table_name(table) for table in result.tables]
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return result.tables[int(wanted) - 1]
    key = wanted.lower()
    matches = [i for i, name in enumerate(names) if name == key] or [
        i for i, name in enumerate(names) if name.startswith(key)
    ]
    if len(matches) != 1:
        listed = ", ".join(f"{i} {name}" for i, name in enumerate(names, start=1))
        raise QualcodeError(f"No single table '{wanted}'; give one of: {listed}.")
    return result.tables[matches[0]]


def _write_csv_files(result: ResultSet, output: Path | None) -> None:
    names = [table_name(table) for table in result.tables]
    if output is None:
        listed = ", ".join(names)
        raise QualcodeError(
            f"CSV holds one table and this result has {len(names)} ({listed}): pick one with "
            "--table NAME, or give --output FILE.csv to write one file per table."
        )
    for table, name in zip(result.tables, names, strict=True):
        path = output.with_name(f"{output.stem}-{name}{output.suffix}")
        write(result.model_copy(update={"tables": [table]}), "csv", path)
        console.print(Text(f"Wrote {table.title} to {path} (csv)."))


def _tables(count: int) -> str:
    return "1 table" if count == 1 else f"{count} tables"


# ---------------------------------------------------------------- the terminal
def query_line(result: ResultSet) -> Text:
    """One dim line naming the codebook, the coder layer and the filters of a result."""
    query = result.query
    return Text(
        f"Codebook {query['codebook']} v{query['codebook_version']}; "
        f"coder layer: {query['coder_layer']}; filters: {query.get('filters', 'none')}",
        style="dim",
    )


def show_tables(result: ResultSet, out: Console | None = None) -> None:
    """The query line, then each table laid out for the terminal's width."""
    out = out or console
    out.print(query_line(result))
    for table in result.tables:
        for renderable in fitted(table, out):
            out.print(renderable)


def fits(result: ResultSet, out: Console) -> bool:
    """Whether every table fits the terminal's width without cutting a word."""
    return all(_width(to_rich(table), out) <= out.width for table in result.tables)


def short_codes(
    result: ResultSet, code_columns: int = 0, named: str | None = None
) -> tuple[ResultSet, Text]:
    """The result with the code keys of its first `code_columns` columns, or of the columns
    called `named`, and headers that are code keys shortened
    (`relational_coordination.mutual_respect` -> `rel.mut`), and the legend that spells
    them out."""

    def columns(table: ResultTable) -> list[int]:
        if named is not None:
            return [c for c, column in enumerate(table.columns) if column == named]
        return list(range(min(code_columns, len(table.columns))))

    keys = {
        str(row[c])
        for table in result.tables
        for row in table.rows
        for c in columns(table)
        if row[c] is not None
    }
    ordered = sorted(keys)
    labels = dict(zip(ordered, _unique([_code_label(key) for key in ordered]), strict=True))

    def short(value: object) -> object:
        return labels.get(value, value) if isinstance(value, str) else value

    tables = [
        table.model_copy(
            update={
                "columns": [str(short(column)) for column in table.columns],
                "rows": [
                    [short(v) if c in columns(table) else v for c, v in enumerate(row)]
                    for row in table.rows
                ],
            }
        )
        for table in result.tables
    ]
    used = [f"{label} = {key}" for key, label in labels.items() if label != key]
    legend = Text("Codes: " + "; ".join(used), style="dim")
    return result.model_copy(update={"tables": tables}), legend


_CODE_KEY = re.compile(r"\w+(?:\.\w+)*")
_NAMED_CODE = re.compile(r".+ \((\w+(?:\.\w+)*)\)")


def _code_label(key: str) -> str:
    """`rel.mut` for `relational_coordination.mutual_respect`; a row label that is not a code
    key, such as `(all codes)`, stays whole."""
    if len(key) <= 8 or not _CODE_KEY.fullmatch(key):
        return key
    return ".".join(part[:3] for part in key.split("."))


def _unique(labels: list[str]) -> list[str]:
    """Number the labels that would otherwise read the same (`tem.beh1`, `tem.beh2`)."""
    seen: dict[str, int] = {}
    unique = list(labels)
    for i, label in enumerate(labels):
        if labels.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            unique[i] = f"{label}{seen[label]}"
    return unique


def fitted(table: ResultTable, out: Console) -> list[RenderableType]:
    """A table as it is if the terminal holds it without cutting a word (headers may wrap);
    else with short column labels and a legend; else in panels of columns, each repeating
    the row labels."""
    width = out.width
    whole = to_rich(table)
    if _width(whole, out) <= width:
        return [_settle(whole, width)]
    labels = short_labels(table.columns)
    pairs = zip(labels, table.columns, strict=True)
    legend = [f"{short} = {long}" for short, long in pairs if short != long]
    key = [Text("Columns: " + "; ".join(legend), style="dim")] if legend else []
    short = to_rich(table, labels)
    if _width(short, out) <= width:
        return [_settle(short, width), *key]
    narrow = _without_names(table)
    if narrow is not None:
        compact, codes = narrow
        return [*fitted(compact, out), codes]
    keep = _row_label_columns(table)
    ranges = _ranges(table, labels, keep, out)
    panels: list[RenderableType] = [
        _settle(_panel(table, labels, keep, columns, f"part {part} of {len(ranges)}"), width)
        for part, columns in enumerate(ranges, start=1)
    ]
    notes = [Text("\n".join(table.notes))] if table.notes else []
    return [*panels, *key, *notes]


def _without_names(table: ResultTable) -> tuple[ResultTable, Text] | None:
    """A codes x groups table too wide for the terminal, with short code keys in place of
    its Code and Name columns (`rel.sha` for `relational_coordination.shared_goals`), and
    the legend that spells them out; None for any other table."""
    if table.columns[:2] != ["Code", "Name"]:
        return None
    keys = [str(row[0]) for row in table.rows if row[0] is not None]
    labels = dict(zip(keys, _unique([_code_label(key) for key in keys]), strict=True))
    names = {str(row[0]): str(row[1]) for row in table.rows if row[0] is not None}
    compact = ResultTable(
        title=table.title,
        columns=["Code", *table.columns[2:]],
        rows=[
            [labels[str(row[0])] if row[0] is not None else row[1], *row[2:]] for row in table.rows
        ],
        styles=None if table.styles is None else [[r[0], *r[2:]] for r in table.styles],
        notes=table.notes,
    )
    spelled = "; ".join(f"{labels[key]} = {key} ({names[key]})" for key in keys)
    return compact, Text(f"Codes: {spelled}", style="dim")


def parts(result: ResultSet, out: Console) -> int:
    """How many tables and panels `show_tables` prints for `result` at `out`'s width."""
    count = 0
    for table in result.tables:
        labels = short_labels(table.columns)
        if (
            _width(to_rich(table), out) <= out.width
            or _width(to_rich(table, labels), out) <= out.width
        ):
            count += 1
        else:
            count += len(_ranges(table, labels, _row_label_columns(table), out))
    return count


def _ranges(
    table: ResultTable, labels: list[str], keep: int, out: Console
) -> list[tuple[int, int]]:
    """The columns of each panel, (start, end), besides the `keep` row-label columns."""
    ranges: list[tuple[int, int]] = []
    start, count = keep, len(table.columns)
    while start < count:
        end = start + 1
        while (
            end < count and _width(_panel(table, labels, keep, (start, end + 1)), out) <= out.width
        ):
            end += 1
        ranges.append((start, end))
        start = end
    return ranges


def _panel(
    table: ResultTable, labels: list[str], keep: int, span: tuple[int, int], part: str = ""
) -> Table:
    """The table's `keep` row-label columns and the columns in `span` (start, end)."""
    columns = [*range(keep), *range(*span)]
    title = f"{table.title}, {part}" if part else table.title
    piece = ResultTable(
        title=title,
        columns=[labels[c] for c in columns],
        rows=[[row[c] for c in columns] for row in table.rows],
        styles=None
        if table.styles is None
        else [[styles[c] for c in columns] for styles in table.styles],
    )
    view = to_rich(piece)
    for column in view.columns[:keep]:  # row labels never wrap: they line up the panels
        column.no_wrap = True
    return view


def _row_label_columns(table: ResultTable) -> int:
    """How many leading text columns name a row (at most two: a code and its name)."""
    numeric = numeric_columns(table)
    count = 0
    while count < min(2, len(numeric) - 1) and not numeric[count]:
        count += 1
    return max(count, 1)


def _width(renderable: Table, out: Console) -> int:
    """The narrowest the table gets without cutting a word (its headers and text may wrap
    between words): each column as wide as its longest word, plus padding and borders.
    (Rich's own minimum is narrower for some hyphenated words, which it then cuts.)"""
    del out  # the widths depend on the text only
    widths = [
        max(
            (
                cell_len(_plain(cell)) if column.no_wrap else _longest_word(cell)
                for cell in (column.header, *column.cells)
            ),
            default=0,
        )
        for column in renderable.columns
    ]
    return sum(widths) + 3 * len(widths) + 1


def _settle(view: Table, width: int) -> Table:
    """Fix the column widths of a table that must wrap to fit `width`: each column gets its
    longest word (its whole text if it does not wrap), and the room left goes to the
    columns that lack most. Rich's own narrowing may cut a word where this wraps it."""
    columns = view.columns
    room = width - 3 * len(columns) - 1
    natural = [
        max(
            (cell_len(line) for cell in (c.header, *c.cells) for line in _lines_of(cell)), default=0
        )
        for c in columns
    ]
    if sum(natural) <= room:
        return view
    widths = [
        max(
            (
                cell_len(_plain(cell)) if c.no_wrap else _longest_word(cell)
                for cell in (c.header, *c.cells)
            ),
            default=0,
        )
        for c in columns
    ]
    for _ in range(max(room - sum(widths), 0)):
        lack = [n - w for n, w in zip(natural, widths, strict=True)]
        neediest = max(range(len(columns)), key=lack.__getitem__)
        if lack[neediest] <= 0:
            break
        widths[neediest] += 1
    for column, size in zip(columns, widths, strict=True):
        column.width = max(size, 1)
    return view


def _lines_of(cell: object) -> list[str]:
    return _plain(cell).splitlines() or [""]


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _longest_word(cell: object) -> int:
    return max((cell_len(word) for word in _plain(cell).split()), default=0)


# Conventional short forms of the statistics' names, as papers abbreviate them.
ABBREVIATIONS = {  # one word each, so that a header never breaks inside a name
    "percent agreement": "%agr",
    "Cohen's kappa": "Cohen-κ",
    "Fleiss' kappa": "Fleiss-κ",
    "Conger's kappa": "Conger-κ",
    "Light's kappa": "Light-κ",
    "Krippendorff's alpha": "Kripp-α",
    "Scott's pi": "Scott-π",
    "Brennan-Prediger": "B-P",
    "Gwet's AC1": "AC1",
    "positive agreement": "pos.agr",
    "negative agreement": "neg.agr",
}


def short_labels(columns: list[str]) -> list[str]:
    """Short column labels: a statistic's conventional short form (`Krippendorff's alpha` ->
    `Kripp-α`), else the first letters of the first words of a long label (`Turns with A`
    -> `Tur.wit.A`), else a long word's first letters and a full stop (`prevalence` ->
    `prev.`), numbered where two would read the same. A label is never cut without a mark:
    the legend spells each one out."""
    labels = []
    for column in columns:
        words = [word for word in re.split(r"(?:'s)?[\s._'\-]+", column) if word]
        named_code = _NAMED_CODE.fullmatch(column)
        if column in ABBREVIATIONS:
            labels.append(ABBREVIATIONS[column])
        elif named_code:  # `Temporality (temporality)`, a matrix column: the short key
            labels.append(_code_label(named_code.group(1)))
        elif " / " in column:  # a pair of groups, `planning / Bed ward`: `pla/Bed`
            labels.append("/".join(_first_word(part)[:3] for part in column.split(" / ")))
        elif len(column) <= 8:
            labels.append(column)
        elif len(words) < 2:
            labels.append(column[:4] + ".")
        else:
            labels.append(".".join(word[:3] for word in words[:3]))
    return _unique(labels)


def _first_word(text: str) -> str:
    return next((word for word in re.split(r"[\s._'\-]+", text) if word), text)


def to_rich(table: ResultTable, labels: list[str] | None = None) -> Table:
    """A rich table; over-used cells bold green, under-used red (rich honours NO_COLOR).

    Every value goes in as Text, never as markup: "[...]" in a code name stays literal.
    """
    numeric = numeric_columns(table)
    caption = Text("\n".join(table.notes)) if table.notes else None
    view = Table(title=Text(table.title), caption=caption)
    for c, (column, is_number) in enumerate(zip(labels or table.columns, numeric, strict=True)):
        # Never narrower than its longest word: rich would otherwise cut words to fit.
        words = [_longest_word(column), *(_longest_word(format_cell(row[c])) for row in table.rows)]
        view.add_column(
            Text(column), justify="right" if is_number else "left", min_width=max(words)
        )
    for r, row in enumerate(table.rows):
        view.add_row(
            *(
                Text(format_cell(value), style=RICH_STYLES.get(table.style(r, c) or "", ""))
                for c, value in enumerate(row)
            )
        )
    return view
