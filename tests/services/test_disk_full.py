"""A full disk during import, import-qdpx, codebook load and backup: one sentence saying so,
the database as it was, and for a batch the files imported and those not.

SQLite runs out of space for real: `PRAGMA max_page_count` caps the file at its size, and
the next write that needs a page fails with SQLITE_FULL, as on a full disk."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from qualcode.errors import DiskFullError
from qualcode.services import backup as backups
from qualcode.services.project import Project
from qualcode.store import backup as backup_store
from qualcode.store import engine as engine_module
from qualcode.store.disk import is_disk_full

from ..conftest import backend

fills_sqlite = pytest.mark.skipif(backend() != "sqlite", reason="fills a SQLite file")


def fill_the_disk(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the database cannot grow by a page (connections made afterwards)."""
    path = make_url(database_url).database or ""
    with sqlite3.connect(path) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    real = engine_module._sqlite_pragmas

    def capped(dbapi_connection: sqlite3.Connection, record: object) -> None:
        real(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    monkeypatch.setattr(engine_module, "_sqlite_pragmas", capped)


def turns(n: int) -> str:
    return "".join(f"Anne: we skip lunch on day {i} of the rota.\n" for i in range(n))


@fills_sqlite
def test_a_batch_on_a_full_disk_lists_what_was_imported_and_what_not(
    run, write_file: Callable[[str, str], Path], database_url: str, monkeypatch
) -> None:
    first = write_file("fg1.txt", turns(5))
    assert run("import", first).exit_code == 0
    fill_the_disk(database_url, monkeypatch)
    files = [write_file(f"fg{n}.txt", turns(400)) for n in (2, 3, 4)]
    result = run("import", first, *files, "--keep-going")
    assert result.exit_code == 1
    assert "skipped fg1.txt: already imported" in result.output
    where = make_url(database_url).database
    assert f"failed fg2.txt: The disk holding {where} is full; nothing" in result.output
    assert "not imported 2 files the import stopped before: fg3.txt, fg4.txt." in result.output
    assert "Traceback" not in result.output
    listed = run("transcripts").output
    assert "fg1" in listed and "fg2" not in listed


@fills_sqlite
def test_codebook_load_and_import_qdpx_on_a_full_disk_change_nothing(
    run, write_file: Callable[[str, str], Path], database_url: str, monkeypatch
) -> None:
    fill_the_disk(database_url, monkeypatch)
    loaded = run("codebook", "load", "--bundled", "three_concepts")
    assert loaded.exit_code == 1
    assert "is full; nothing of this change was saved. Free some space" in loaded.output
    project = write_file("study.qdpx", "")
    project.unlink()
    from tests.test_archives import QDE, TEXT, TEXT_ENTRY, zipped

    project.write_bytes(zipped({"project.qde": QDE, TEXT_ENTRY: TEXT * 200}))
    imported = run("import-qdpx", project, "--coder", "anna")
    assert imported.exit_code == 1, imported.output
    assert "is full; nothing of this change was saved" in imported.output
    assert "No codebook is loaded" in run("codebook", "show").output
    assert "fg1" not in run("transcripts").output


@fills_sqlite
def test_a_backup_on_a_full_disk_says_so_and_leaves_nothing(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "project.backup"

    def full(_source: object, partial: Path) -> None:
        partial.write_bytes(b"half a backup")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_store, "sqlite_backup", full)
    with pytest.raises(DiskFullError, match=rf"The disk holding {target} is full; the backup"):
        backups.backup(project, target)
    assert list(tmp_path.glob("project.backup*")) == []


def test_postgresql_and_sqlite_disk_full_errors_are_recognised() -> None:
    class ServerError(Exception):
        sqlstate = "53100"

    from sqlalchemy.exc import OperationalError

    assert is_disk_full(OperationalError("INSERT", {}, ServerError()))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    assert not is_disk_full(sqlite3.OperationalError("database is locked"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_pg_dump_on_a_full_disk_says_so_and_leaves_nothing(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_dump (a stand-in on PATH that writes half a file, then fails as the real one does
    when the disk fills) gives the same sentence as SQLite, and no file is left."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        'for a; do case "$a" in --file=*) printf half > "${a#--file=}";; esac; done\n'
        'echo "pg_dump: error: could not write to output file: No space left on device" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(backups, "backend_of", lambda _project: "postgresql")
    target = tmp_path / "out" / "project.backup"
    with pytest.raises(DiskFullError, match=rf"The disk holding {target} is full; the backup"):
        backups.backup(project, target)
    assert list(target.parent.iterdir()) == []
