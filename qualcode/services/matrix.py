"""The Framework Method's charting matrix (Gale et al. 2013): rows of transcripts, speakers
or departments, columns of concepts or codes, and in each cell a count, a share, or the
researcher's own summary with the quotes behind it.

Counts and shares come from the frequency service (the same figures as `qualcode freq`);
summaries are stored in the project (`matrix_cell`) and edited with `qualcode matrix set`
or in the TUI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from qualcode.domain.layer import Layer
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import QualcodeError
from qualcode.services import analysis
from qualcode.services.analysis import FrequencyQuery
from qualcode.services.project import Project
from qualcode.services.roles import coder_for_write
from qualcode.store import codes as code_store
from qualcode.store import report_data

ROWS = {"transcript": "transcript", "speaker": "speaker", "department": "department"}
COLUMNS = {"concept": 1, "code": 2}
CELLS = ("count", "share", "summary")
SUMMARY_NOTE = (
    "A summary cell holds the researcher's summary and, in brackets, the segment ids of the "
    "quotes behind it; an empty cell shows how many coded turns wait for a summary."
)


@dataclass(frozen=True)
class MatrixQuery:
    rows: str = "transcript"
    cols: str = "concept"
    cell: str = "count"
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)


def matrix(project: Project, query: MatrixQuery) -> ResultSet:
    """The matrix as one table: a row per transcript, speaker or department, a column per
    code; a speaker's row is named `transcript: label`."""
    _check(query)
    measure = "percent" if query.cell == "share" else "turns"
    counts = analysis.frequency(
        project,
        FrequencyQuery(
            by=(ROWS[query.rows],),
            measure=measure,
            layer=query.layer,
            scope=query.scope,
            depth=COLUMNS[query.cols],
        ),
    )
    source = counts.tables[0]
    code_rows = analysis.code_rows(source)
    keys = [str(row[0]) for row in code_rows if _at_depth(str(row[0]), query.cols)]
    names = {str(row[0]): str(row[1]) for row in code_rows}
    groups = source.columns[2:-1]  # after Code and Name, before Total
    values = {
        (str(row[0]), group): row[2 + g] for row in code_rows for g, group in enumerate(groups)
    }
    summaries = project.read(lambda session: _summaries(session, query.rows))
    rows = []
    for group in groups:
        row: list[str | int | float | None] = [group]
        for key in keys:
            value = values.get((key, group))
            if query.cell == "summary":
                row.append(_summary_cell(summaries.get((group, key)), value))
            else:
                row.append(value)
        rows.append(row)
    unit = {
        "count": "coded turns",
        "share": "% of the row's turns",
        "summary": "researcher's summary",
    }[query.cell]
    table = ResultTable(
        title=f"Framework matrix: {query.rows} x {query.cols} ({unit})",
        columns=[query.rows.capitalize(), *(f"{names[key]} ({key})" for key in keys)],
        rows=rows,
        notes=[*source.notes, *([SUMMARY_NOTE] if query.cell == "summary" else [])],
    )
    query_meta = counts.query
    return ResultSet.describe(
        [table],
        codebook=query_meta["codebook"],
        codebook_version=query_meta["codebook_version"],
        coder_layer=query_meta["coder_layer"],
        qualcode_version=query_meta["qualcode_version"],
        filters={
            "rows": query.rows,
            "columns": query.cols,
            "cell": query.cell,
            **_counted(str(query_meta["filters"])),
        },
    )


def _counted(filters: str) -> dict[str, str]:
    """What the counts behind the cells are: the scope, unit and N of the frequency table
    (its "key = value; ..." filters), which the matrix's own line left out."""
    pairs = dict(part.partition(" = ")[::2] for part in filters.split("; "))
    return {key: pairs[key] for key in ("scope", "unit", "N") if key in pairs}


def set_summary(
    project: Project,
    rows: str,
    row: str,
    column: str,
    summary: str,
    quotes: list[int],
    coder: str | None,
) -> None:
    """Write (or with an empty summary and no quotes, clear) the summary of one cell."""
    if rows not in ROWS:
        raise QualcodeError(f"Unknown row kind '{rows}'; use {' or '.join(ROWS)}.")

    def work(session: Session) -> None:
        if code_store.active_code(session, column) is None:
            raise QualcodeError(
                f"No code '{column}' in the active codebook; a matrix column is a code key."
            )
        author = coder_for_write(session, coder) if coder else None
        report_data.put_cell(
            session, rows, row, column, summary.strip(), quotes, author.id if author else None
        )

    project.write(work)


def summary_of(project: Project, rows: str, row: str, column: str) -> tuple[str, list[int]]:
    """The stored summary of one cell and its quotes (empty when none was written)."""

    def work(session: Session) -> tuple[str, list[int]]:
        cell = _summaries(session, rows).get((row, column))
        return (cell.summary, list(cell.quotes)) if cell else ("", [])

    return project.read(work)


def _summaries(session: Session, rows: str) -> dict[tuple[str, str], report_data.CellRow]:
    return {(cell.row_key, cell.column_key): cell for cell in report_data.cells(session, rows)}


def _summary_cell(cell: report_data.CellRow | None, count: object) -> str:
    if cell is None or not (cell.summary or cell.quotes):
        return f"({count or 0} coded turns)"
    quotes = f" [{', '.join(str(q) for q in cell.quotes)}]" if cell.quotes else ""
    return f"{cell.summary}{quotes}"


def _at_depth(key: str, cols: str) -> bool:
    return key.count(".") + 1 == COLUMNS[cols]


def _check(query: MatrixQuery) -> None:
    for value, allowed, option in (
        (query.rows, tuple(ROWS), "--rows"),
        (query.cols, tuple(COLUMNS), "--cols"),
        (query.cell, CELLS, "--cell"),
    ):
        if value not in allowed:
            raise QualcodeError(f"{option} must be one of {', '.join(allowed)}, not '{value}'.")
