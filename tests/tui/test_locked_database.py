"""Another process holds the database: the workbench says so, waits, and then saves."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.errors import DatabaseBusyError
from qualcode.services import corpus
from qualcode.services.project import Project, open_project
from qualcode.store import engine
from qualcode.tui.app import QualcodeApp

from .conftest import CODER, build_project, read_layer


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[Project, QualcodeApp, sqlite3.Connection]]:
    """A project file, the workbench on it, and a second connection that can lock it."""
    path = tmp_path / "shared.db"
    project = build_project(open_project(f"sqlite:///{path}"))
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        yield project, QualcodeApp(project, CODER), blocker
    finally:
        blocker.close()
        project.close()


async def test_a_code_applied_while_locked_is_saved_after_release(
    shared, settle, wait_until
) -> None:
    project, app, blocker = shared
    async with app.run_test() as pilot:
        app.open_transcript(corpus.get_transcript(project, 1))
        await settle(pilot)
        blocker.execute("BEGIN IMMEDIATE")  # another program is writing
        await pilot.press("j", "1")
        await wait_until(pilot, lambda: any(n.title == "Database busy" for n in app._notifications))
        assert read_layer(project) == set()
        assert app.saver.pending == 1
        blocker.execute("COMMIT")
        await settle(pilot)
        assert read_layer(project) == {(2, "temporality.breaks", None)}
        assert app.saver.pending == 0
        assert [c.code_key for c in app.screen.view.turns[1].codings] == ["temporality.breaks"]
        assert any("everything is saved" in n.message for n in app._notifications)


async def test_quitting_while_a_write_waits_saves_it_first(shared, settle, wait_until) -> None:
    project, app, blocker = shared
    async with app.run_test() as pilot:
        app.open_transcript(corpus.get_transcript(project, 1))
        await settle(pilot)
        blocker.execute("BEGIN IMMEDIATE")
        await pilot.press("j", "j", "2", "ctrl+q")
        await wait_until(pilot, lambda: app.saver.pending == 1)
        assert app.return_code is None  # still open: the coding is not saved yet
        blocker.execute("COMMIT")
        await wait_until(pilot, lambda: app.return_code is not None)
    assert read_layer(project) == {(3, "jobcrafting.workarounds", None)}


async def test_a_read_refused_by_a_locked_database_waits_too(
    shared, settle, wait_until, monkeypatch
) -> None:
    """Another program locks even readers out; the read before a write waits and retries."""
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 100)  # for connections made below
    project, app, blocker = shared
    async with app.run_test() as pilot:
        app.open_transcript(corpus.get_transcript(project, 1))
        await settle(pilot)
        project.engine.dispose()  # idle connections would keep the lock from being taken
        blocker.execute("PRAGMA locking_mode=EXCLUSIVE")
        blocker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseBusyError):
            project.read(lambda session: corpus.segment_views(session, 1))
        await pilot.press("j", "1")
        await wait_until(pilot, lambda: any(n.title == "Database busy" for n in app._notifications))
        assert app.saver.pending == 1
        blocker.close()
        await wait_until(pilot, lambda: app.saver.pending == 0)
        assert read_layer(project) == {(2, "temporality.breaks", None)}


async def test_a_slow_write_is_not_reported_as_a_busy_database(
    shared, settle, wait_until, monkeypatch
) -> None:
    """A write that holds the lock and takes long (the first recount of a 100,000-turn
    transcript) is saving, not waiting for another program."""
    import time

    from qualcode.services import coding
    from qualcode.tui import saver

    project, app, _blocker = shared
    real = coding.add_coding

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # inside the write transaction, with the write lock held
        return real(*args, **kwargs)

    monkeypatch.setattr(coding, "add_coding", slow)
    monkeypatch.setattr(saver, "SLOW_WRITE", 0.05)
    titles: list[str] = []  # every notice shown, even one that expired before a check
    notify = app.notify

    def recording(message: str, *, title: str = "", **kwargs):  # type: ignore[no-untyped-def]
        titles.append(title)
        return notify(message, title=title, **kwargs)

    monkeypatch.setattr(app, "notify", recording)
    async with app.run_test() as pilot:
        app.open_transcript(corpus.get_transcript(project, 1))
        await settle(pilot)
        await pilot.press("j", "1")
        await wait_until(pilot, lambda: app.saver.pending == 0 and read_layer(project) != set())
        assert read_layer(project) == {(2, "temporality.breaks", None)}
        assert "Saving" in titles
        assert "Database busy" not in titles
