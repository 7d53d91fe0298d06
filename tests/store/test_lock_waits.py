"""A command blocked by another connection's lock does not wait silently: it says it is
waiting, gives up after a bounded wait naming who holds the lock (PostgreSQL: its pid,
user and program), and writes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qualcode.store import engine as engine_module

from ..conftest import backend


@contextmanager
def locked(database_url: str) -> Iterator[int | None]:
    """Another connection holding a lock that blocks writing codes; its pid on PostgreSQL."""
    if backend() == "sqlite":
        holder = sqlite3.connect(make_url(database_url).database or "")
        holder.execute("BEGIN IMMEDIATE")  # SQLite's write lock
        try:
            yield None
        finally:
            holder.rollback()
            holder.close()
        return
    other = create_engine(database_url)
    try:
        with other.connect() as connection:
            connection.execute(text("SET application_name = 'blocker'"))
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            # Blocks INSERT, UPDATE and DELETE on code; reads still pass.
            connection.execute(text("LOCK TABLE code IN SHARE ROW EXCLUSIVE MODE"))
            yield int(pid)
            connection.rollback()
    finally:
        other.dispose()


def test_a_write_blocked_by_a_lock_says_who_holds_it_and_writes_nothing(
    run, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("codebook", "load", "--bundled", "three_concepts")
    monkeypatch.setattr(engine_module, "PG_LOCK_TIMEOUT_MS", 100)
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(engine_module, "BUSY_ATTEMPTS", 2)
    # Without a bounded wait the command would wait for ever; fail after 30 s instead.
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=30000")
    with locked(database_url) as pid:
        result = run("open-code", "Skipped breaks", "--coder", "anna")
    assert result.exit_code == 1, result.output
    assert "Note: Waiting for the database, locked by" in result.output
    assert "this command waited" in result.output and "Traceback" not in result.output
    if pid is not None:
        assert f"locked by pid {pid} (user " in result.output
        assert "blocker" in result.output
    assert "open.skipped_breaks" not in run("codebook", "show").output
