"""Backup and restore on the selected backend; transfer between backends with checksums."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.errors import InputError, PermissionDenied, QualcodeError
from qualcode.services import backup, coding, corpus, memos, roles, transfer
from qualcode.services.project import Project, open_project
from qualcode.store import transfer as transfer_store

CODE = "temporality.breaks"


def fingerprints(project: Project) -> dict[str, tuple[int, str]]:
    with project.engine.connect() as connection:
        return {t.name: transfer_store.fingerprint(connection, t) for t in transfer_store.tables()}


@pytest.fixture
def coded(team_project: Project) -> Project:
    coding.apply_code(team_project, 2, CODE, "kim", memo="lunch")
    coding.apply_code(team_project, 3, "jobcrafting", "kim", span=(120, 140))
    memos.add_memo(team_project, "Rota changes are a theme.", "kim", segment_id=4)
    return team_project


def test_restore_brings_back_exactly_what_was_backed_up(coded: Project, tmp_path: Path) -> None:
    before = fingerprints(coded)
    result = backup.backup(coded, tmp_path / "project.bak")
    assert result.size > 0 and not (tmp_path / "project.bak.partial").exists()
    coding.apply_code(coded, 4, CODE, "lee")
    coding.remove_code(coded, 2, CODE, "kim")
    assert fingerprints(coded) != before
    backup.restore(coded, tmp_path / "project.bak")
    assert fingerprints(coded) == before
    assert [c.code_key for c in corpus.segments(coded, 1)[1].codings] == [CODE]
    coding.apply_code(coded, 4, CODE, "lee")  # the restored project keeps working


def test_backup_refuses_to_overwrite_and_restore_checks_the_file(
    coded: Project, tmp_path: Path
) -> None:
    target = tmp_path / "exists.bak"
    target.write_text("keep me")
    with pytest.raises(QualcodeError, match="already exists"):
        backup.backup(coded, target)
    assert target.read_text() == "keep me"
    with pytest.raises(InputError, match="neither a SQLite database nor a pg_dump archive"):
        backup.restore(coded, target)


def test_only_a_supervisor_restores_once_there_is_one(coded: Project, tmp_path: Path) -> None:
    backup.backup(coded, tmp_path / "p.bak")
    roles.add_coder(coded, "sam", roles.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="Only a supervisor may restore a backup"):
        backup.restore(coded, tmp_path / "p.bak", actor="kim")
    backup.restore(coded, tmp_path / "p.bak", actor="sam")
    assert "sam" not in {c.name for c in roles.list_coders(coded)}  # the backup predates sam


def test_cli_backup_and_restore(coded: Project, database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    file = tmp_path / "cli.bak"
    made = runner.invoke(app, ["backup", str(file), "--db", database_url])
    assert made.exit_code == 0 and "Backed up" in made.output
    coding.apply_code(coded, 4, CODE, "lee")
    asked = runner.invoke(app, ["restore", str(file), "--db", database_url], input="n\n")
    assert asked.exit_code == 1 and len(fingerprints(coded)) == len(transfer_store.tables())
    assert any(c.coder == "lee" for c in corpus.segments(coded, 1)[3].codings)
    done = runner.invoke(app, ["restore", str(file), "--yes", "--db", database_url])
    assert done.exit_code == 0 and "Restored" in done.output
    assert not any(c.coder == "lee" for c in corpus.segments(coded, 1)[3].codings)


def test_transfer_copies_every_row_and_verifies_checksums(
    coded: Project, database_url: str, database_factory: Callable[[], str], tmp_path: Path
) -> None:
    """Selected backend -> SQLite -> a new database of the selected backend: all identical."""
    sqlite_url = f"sqlite:///{tmp_path / 'moved.db'}"
    there = transfer.transfer(database_url, sqlite_url)
    assert {c.table: c.rows for c in there.tables}["segment"] == 4
    assert all(c.source_sha256 == c.target_sha256 for c in there.tables)
    back_url = database_factory()
    back = transfer.transfer(sqlite_url, back_url)
    assert [c.target_sha256 for c in back.tables] == [c.source_sha256 for c in there.tables]
    moved = open_project(back_url)
    try:
        assert fingerprints(moved) == fingerprints(coded)
        fresh = coding.apply_code(moved, 4, CODE, "lee")  # ids continue after the copied ones
        assert fresh.id > max(c.id for turn in corpus.segments(coded, 1) for c in turn.codings)
    finally:
        moved.close()


def test_transfer_refuses_a_target_with_data(
    coded: Project, database_url: str, tmp_path: Path
) -> None:
    target = f"sqlite:///{tmp_path / 'full.db'}"
    transfer.transfer(database_url, target)
    with pytest.raises(QualcodeError, match="already holds data"):
        transfer.transfer(database_url, target)
    with pytest.raises(QualcodeError, match="same database"):
        transfer.transfer(database_url, database_url)


def test_cli_transfer(coded: Project, database_url: str, tmp_path: Path) -> None:
    target = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["transfer", "--from", database_url, "--to", str(target)])
    assert result.exit_code == 0, result.output
    assert "coding: 2 rows" in result.output and "checksum" in result.output
    copy = open_project(str(target))
    try:
        assert fingerprints(copy) == fingerprints(coded)
    finally:
        copy.close()
