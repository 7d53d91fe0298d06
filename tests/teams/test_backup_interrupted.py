"""A backup that is interrupted leaves nothing behind: no FILE.partial, no running pg_dump."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualcode.cli.common import stop_on_terminate
from qualcode.services import backup as backups
from qualcode.services.project import Project, open_project
from qualcode.store import backup as store

from ..conftest import backend


def test_an_interrupted_backup_removes_its_partial_file(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "project.backup"

    def interrupted(_source: object, partial: Path) -> None:
        partial.write_bytes(b"half a backup")
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "sqlite_backup", interrupted)
    monkeypatch.setattr(store, "pg_dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        backups.backup(project, target)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    assert not target.exists()
    assert not target.with_name(target.name + ".partial").exists()


_STALLED_BACKUP = """
import sys, time
from pathlib import Path
from qualcode.services import backup as backups
from qualcode.services.project import open_project
from qualcode.store import backup as store

def stalled(_source, partial):
    partial.write_bytes(b"half a backup")
    print("writing", flush=True)
    time.sleep(600)

store.sqlite_backup = store.pg_dump = stalled
backups.backup(open_project(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_backup_killed_outright_leaves_no_partial_file(database_url: str, tmp_path: Path) -> None:
    """SIGKILL runs no handler in qualcode: the watcher it started removes FILE.partial."""
    open_project(database_url).close()
    target = tmp_path / "project.backup"
    command = [sys.executable, "-c", _STALLED_BACKUP, database_url, str(target)]
    qualcode = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert qualcode.stdout is not None
        assert qualcode.stdout.readline() == "writing\n"
        assert target.with_name(target.name + ".partial").exists()
    finally:
        qualcode.kill()
        qualcode.wait()
    for _ in range(600):  # up to a minute on a busy machine; not a timing assertion
        if not list(tmp_path.glob("project.backup*")):
            break
        time.sleep(0.1)
    assert list(tmp_path.glob("project.backup*")) == []


def test_a_finished_backup_is_kept_by_the_watcher(project: Project, tmp_path: Path) -> None:
    made = backups.backup(project, tmp_path / "backups" / "project.backup")
    assert made.size > 0
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["project.backup"]


def test_sigterm_becomes_an_exit_that_cleans_up() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as caught, stop_on_terminate():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends
    assert caught.value.code == 143
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_tool_started_for_a_backup_dies_with_qualcode() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess; from qualcode.store.backup import die_with_parent; "
            "child = subprocess.Popen(['sleep', '60'], preexec_fn=die_with_parent); "
            "print(child.pid, flush=True); child.wait()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()  # SIGKILL: the parent cannot clean up
    parent.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the child outlived its killed parent")


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead child nobody reaped yet still has a pid)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(backend() != "postgresql", reason="pg_dump backs up PostgreSQL only")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_backup_on_postgresql_leaves_no_pg_dump_running(
    database_url: str, tmp_path: Path
) -> None:
    """`qualcode backup` killed by SIGKILL while its pg_dump runs (a stand-in that records
    its pid and sleeps): the pg_dump stops too, and no backup file is left."""
    tools, record = tmp_path / "bin", tmp_path / "pg_dump.pid"
    tools.mkdir()
    fake = tools / "pg_dump"
    fake.write_text(f"#!/bin/sh\necho $$ > {record}.tmp\nmv {record}.tmp {record}\nexec sleep 60\n")
    fake.chmod(0o755)
    open_project(database_url).close()
    environment = dict(os.environ, PATH=f"{tools}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "project.backup"
    cli = "from qualcode.cli import app; app()"
    command = [sys.executable, "-c", cli, "backup", str(target), "--db", database_url]
    qualcode = subprocess.Popen(command, env=environment)
    try:
        for _ in range(400):
            if record.exists() or qualcode.poll() is not None:
                break
            time.sleep(0.05)
        assert record.exists(), "pg_dump was never started"
        dump = int(record.read_text())
        assert _running(dump)
    finally:
        qualcode.kill()
        qualcode.wait()
    for _ in range(100):
        if not _running(dump):
            break
        time.sleep(0.05)
    else:
        os.kill(dump, signal.SIGKILL)
        pytest.fail("pg_dump outlived the killed qualcode backup")
    assert list(tmp_path.glob("project.backup")) == []
