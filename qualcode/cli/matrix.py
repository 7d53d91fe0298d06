"""`qualcode matrix`: the Framework Method's charting matrix, and `matrix set` for summaries."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.analysis import (
    ConsensusOption,
    DepartmentOption,
    GroupKindOption,
    LayerCoderOption,
    LayerOption,
    ModeratorsOption,
    RoleOption,
    ScopeOption,
    _scope,
)
from qualcode.cli.common import CoderOption, DbOption, console, friendly, project
from qualcode.cli.output import FormatOption, OutputOption, TableOption, emit
from qualcode.domain.scope import Coverage

matrix_app = typer.Typer(
    help="The Framework Method's charting matrix (Gale et al. 2013): rows x codes.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@matrix_app.callback()
@friendly
def matrix(
    ctx: typer.Context,
    rows: Annotated[
        str,
        typer.Option(
            "--rows", help="transcript, speaker (transcript: label) or department (a row each)."
        ),
    ] = "transcript",
    cols: Annotated[
        str, typer.Option("--cols", help="concept (top-level codes) or code (their codes).")
    ] = "concept",
    cell: Annotated[
        str,
        typer.Option(
            "--cell",
            help="count (coded turns), share (% of the row's turns) or summary (yours; "
            "empty cells show how many coded turns wait for one).",
        ),
    ] = "count",
    layer_coder: LayerCoderOption = None,
    consensus: ConsensusOption = False,
    layer_text: LayerOption = None,
    department: DepartmentOption = None,
    group_kind: GroupKindOption = None,
    role: RoleOption = None,
    scope: ScopeOption = Coverage.CODED,
    include_moderators: ModeratorsOption = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    db: DbOption = None,
) -> None:
    """Write the charting matrix: a row per transcript or department, a column per code."""
    if ctx.invoked_subcommand is not None:
        return
    from qualcode.domain.layer import Layer
    from qualcode.services.matrix import MatrixQuery
    from qualcode.services.matrix import matrix as build

    query = MatrixQuery(
        rows=rows,
        cols=cols,
        cell=cell,
        layer=Layer.of_options(layer_coder, consensus, layer_text),
        scope=_scope(department, group_kind, role, scope, include_moderators),
    )
    emit(build(project(db), query), fmt, output, table=table)


@matrix_app.command("set")
@friendly
def set_cell(
    row: Annotated[
        str,
        typer.Argument(help="The row: a transcript title, 'title: speaker' or a department."),
    ],
    code: Annotated[str, typer.Argument(help="The column: a code key.")],
    summary: Annotated[str, typer.Argument(help="Your summary of what the row says about it.")],
    rows: Annotated[
        str, typer.Option("--rows", help="transcript, speaker or department.")
    ] = "transcript",
    quote: Annotated[
        list[int] | None,
        typer.Option("--quote", help="Segment id of a quote behind the summary (repeatable)."),
    ] = None,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Write the summary of one matrix cell (an empty summary and no --quote clears it)."""
    from qualcode.config import coder_name
    from qualcode.services.matrix import set_summary

    set_summary(project(db), rows, row, code, summary, list(quote or []), coder_name(coder))
    console.print(f"Wrote the summary of {row} x {code}.", highlight=False, markup=False)
