"""Run the real `qualcode` command line in-process against a fresh database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from typer.testing import CliRunner

from qualcode.cli import app, common
from qualcode.services.project import open_project


@pytest.fixture
def run(database_url: str, monkeypatch) -> Callable[..., Result]:
    """`run("import", path, ...)` invokes qualcode with --db pointing at the test database
    (created first: most commands refuse a database that does not exist)."""
    open_project(database_url).close()
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setenv("QUALCODE_DB", database_url)
    # Rich reads COLUMNS when a console is made (at import), so set the width on them.
    for shared in (common.console, common.err_console):
        monkeypatch.setattr(shared, "width", 200)
    runner = CliRunner()

    def invoke(*args: object, input: str | None = None) -> Result:
        return runner.invoke(app, [str(arg) for arg in args], input=input)

    return invoke
