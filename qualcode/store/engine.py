"""Engine and session factory; SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qualcode.errors import DatabaseBusyError

SQLITE_BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, set the pragmas every connection needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _is_memory(dbapi_connection) -> bool:
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_busy_error(error: OperationalError) -> bool:
    """True when the database refused a write because another process holds a lock."""
    message = str(error.orig).lower()
    return (
        "database is locked" in message
        or "could not serialize" in message
        or ("deadlock detected" in message)
    )


def retrying(action: Callable[[], T], *, attempts: int = 8, first_wait: float = 0.05) -> T:
    """Run a whole transaction again with backoff when the database is busy."""
    wait = first_wait
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as error:
            if not is_busy_error(error) or attempt == attempts - 1:
                if is_busy_error(error):
                    raise DatabaseBusyError(
                        "Another qualcode process is holding the database; try again in a moment."
                    ) from error
                raise
            time.sleep(wait)
            wait = min(wait * 2, 1.0)
    raise AssertionError("unreachable")


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back and re-raise on any error."""
    with factory.begin() as session:
        yield session
