"""Shared fixtures: a fresh project database per test, on the backend the run selects.

`QUALCODE_TEST_DB` unset (default) gives each test a new SQLite file. Set it to a
PostgreSQL server URL (`postgresql+psycopg://user@host:port/postgres`) to run the same tests
against PostgreSQL: each test then gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from qualcode.services.project import Project, open_project

TEST_DB_ENV = "QUALCODE_TEST_DB"
REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "codebooks" / "three_concepts.yaml"


def backend() -> str:
    url = os.environ.get(TEST_DB_ENV, "")
    return "postgresql" if url.startswith("postgresql") else "sqlite"


@pytest.fixture
def database_factory(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Call it for the URL of another empty database of the selected backend."""
    server = os.environ.get(TEST_DB_ENV, "") if backend() == "postgresql" else ""
    made: list[str] = []

    def make() -> str:
        name = f"qc_test_{uuid.uuid4().hex[:12]}"
        if not server:
            return f"sqlite:///{tmp_path / (name + '.db')}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    admin = create_engine(server, isolation_level="AUTOCOMMIT") if server else None
    try:
        yield make
    finally:
        if admin is not None:
            with admin.connect() as connection:
                for name in made:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def database_url(database_factory: Callable[[], str]) -> str:
    """A URL for an empty database of the selected backend."""
    return database_factory()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite project made and migrated once per test process. Migrating a new file takes
    about half a second; a copy of this one is the same database (same schema, same rows)."""
    path = tmp_path_factory.mktemp("migrated") / "project.db"
    open_project(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def new_project(migrated_sqlite: Path) -> Callable[[str], None]:
    """Make the project at a URL as `open_project` would on first use: a copy of the migrated
    SQLite file, or the migrations on PostgreSQL."""

    def make(url: str) -> None:
        target = make_url(url)
        if target.get_backend_name() == "sqlite" and target.database:
            shutil.copyfile(migrated_sqlite, target.database)
        else:
            open_project(url).close()

    return make


@pytest.fixture
def project(database_url: str, new_project: Callable[[str], None]) -> Iterator[Project]:
    new_project(database_url)
    opened = open_project(database_url)
    yield opened
    opened.close()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a small input file into the test's folder and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run(
    database_url: str, new_project: Callable[[str], None], monkeypatch
) -> Callable[..., Result]:
    """`run("import", path, ...)` invokes qualcode with --db pointing at the test database
    (created first: most commands refuse a database that does not exist)."""
    from qualcode.cli import app, common

    new_project(database_url)
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setenv("QUALCODE_DB", database_url)
    # Rich reads COLUMNS when a console is made (at import), so set the width on them.
    for shared in (common.console, common.err_console):
        monkeypatch.setattr(shared, "width", 200)
    runner = CliRunner()

    def invoke(*args: object, input: str | None = None) -> Result:
        return runner.invoke(app, [str(arg) for arg in args], input=input)

    return invoke
