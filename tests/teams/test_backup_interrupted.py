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
from qualcode.services.project import Project
from qualcode.store import backup as store


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
