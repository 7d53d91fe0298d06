"""`qualcode demo`: build the demo study database and open it in the workbench."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qualcode.cli.common import CoderOption, console, friendly
from qualcode.config import coder_name
from qualcode.services import corpus, demo
from qualcode.services.project import open_project

DEMO_DB = "qualcode-demo.db"


@friendly
def run_demo(
    db: Annotated[str, typer.Option("--db", help="Where to keep the demo database.")] = DEMO_DB,
    reset: Annotated[bool, typer.Option("--reset", help="Rebuild the demo database.")] = False,
    coder: CoderOption = None,
) -> None:
    """Build the demo study (3 departments x 4 focus groups, three coders) and open it in the
    coding workbench; without a terminal, print a summary instead."""
    if reset and "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    project = open_project(db)
    if not corpus.list_transcripts(project):
        with console.status("Building the demo study..."):
            report, codings = demo.build_demo(project)
        console.print(
            f"Imported {report.count('imported')} transcripts and {codings} demo codings into {db}."
        )
    if sys.stdout.isatty() and sys.stdin.isatty():
        from qualcode.tui.app import QualcodeApp
        from qualcode.tui.collector import set_for_workbench

        app = QualcodeApp(project, coder_name(coder))
        set_for_workbench()
        app.run()
        console.print(f"Your codings are saved. Reopen the workbench: qualcode tui --db {db}")
        return
    table = Table(title="Demo study: transcripts per department")
    for column in ("department", "group kind", "title", "language", "turns", "words"):
        table.add_column(column, justify="right" if column in ("turns", "words") else "left")
    for info in corpus.list_transcripts(project):
        table.add_row(
            info.department or "",
            info.group_kind or "",
            info.title,
            info.language,
            str(info.n_segments),
            str(info.n_words),
        )
    console.print(table)
