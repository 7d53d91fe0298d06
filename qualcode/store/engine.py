"""Engine and session factory; SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from qualcode.errors import DatabaseBusyError, PermissionDenied, QualcodeError

if TYPE_CHECKING:  # the ORM is imported only by the commands that use it
    from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000
# PostgreSQL waits for a lock this long per attempt, then says so (55P03) and the attempt is
# retried, as SQLite's busy timeout does. No statement_timeout: an import or a report on a
# large corpus may rightly run for minutes; only waiting for another's lock is bounded.
PG_LOCK_TIMEOUT_MS = 5000
BUSY_ATTEMPTS = 10  # some 55 s of waiting in all before a command gives up
# Execution option a write transaction sets on its connection; SQLite then takes the write
# lock at BEGIN (BEGIN IMMEDIATE) instead of upgrading a read lock later, which can fail with
# "database is locked" at once, without waiting for the busy timeout.
WRITE_LOCK = "qualcode_write_lock"
# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock not available.
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
PERMISSION_DENIED = "42501"  # PostgreSQL's insufficient_privilege
T = TypeVar("T")


BACKENDS = ("sqlite", "postgresql")


def check_backend(url: str) -> None:
    """Refuse, in one sentence, a URL for a database qualcode does not run on."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise QualcodeError(
            f"'{url}' is not a database URL; give a .db file path or a "
            "postgresql+psycopg://user@host/database URL."
        ) from None
    if parsed.get_backend_name() not in BACKENDS:
        raise QualcodeError(
            f"qualcode runs on SQLite files and PostgreSQL servers, not on "
            f"{parsed.get_backend_name()} ({parsed.render_as_string(hide_password=True)}); "
            "give a .db file path or a postgresql+psycopg:// URL."
        )


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, set the pragmas every connection needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "connect", _pg_session)
    return engine


def _pg_session(dbapi_connection: Any, _record: object) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(PG_LOCK_TIMEOUT_MS)}")
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling starts transactions late and breaks SAVEPOINTs;
    # switch it off and let _sqlite_begin emit BEGIN (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_LOCK)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def lock_for_write(session: Session) -> None:
    """Start the session's transaction as a write transaction (see WRITE_LOCK)."""
    session.connection(execution_options={WRITE_LOCK: True})


def _is_memory(dbapi_connection: sqlite3.Connection) -> bool:
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def make_sessionmaker(bind: Engine | Connection) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(bind, expire_on_commit=False)


def is_busy_error(error: OperationalError) -> bool:
    """True when the database refused a write because another process holds a lock."""
    if getattr(error.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    message = str(error.orig).lower()
    return (
        "database is locked" in message
        or "could not serialize" in message
        or ("deadlock detected" in message)
    )


# What a refused statement on a table does, in words, for the message.
_VERBS = {"INSERT": "add to", "UPDATE": "change", "DELETE": "remove from", "SELECT": "read"}
_TABLES = {
    "coding": "codings",
    "segment": "turns",
    "speaker": "speakers",
    "transcript": "transcripts",
    "code": "codes",
    "codebook": "the codebook",
    "coder": "coders",
    "memo": "memos",
    "suggestion": "suggestions",
    "setting": "settings",
    "adjudication": "adjudications",
    "coding_summary": "the coded-turn summary",
    "turn_summary": "the coded-turn summary",
    "coding_summary_stale": "the coded-turn summary",
    "segment_search": "the search index",
}
_TABLE_IN_REASON = re.compile(r'(?:table|relation) "?([A-Za-z_][A-Za-z0-9_]*)"?')


@contextmanager
def privileges_explained(
    user: str | None, role: Callable[[], str | None] | None = None
) -> Iterator[None]:
    """Turn the server refusing a statement for lack of privileges (or a row-level security
    policy) into one sentence naming the login, its role and what it tried; `role` says
    which group role the login is in, when known."""
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != PERMISSION_DENIED:
            raise
        reason = str(error.orig).strip().splitlines()[0]
        table = _TABLE_IN_REASON.search(reason)
        verb = _VERBS.get(str(error.statement or "").lstrip().split(" ", 1)[0].upper(), "change")
        action = f"{verb} {_TABLES.get(table.group(1), table.group(1))}" if table else "do this"
        group = role() if role is not None else None
        who = f"user '{user}'" + (f" (role {group})" if group else "")
        raise PermissionDenied(
            f"The database refused {who} to {action}: {reason}. On a team server that is "
            "another role's work (what each role may do: docs/teams.md); ask a supervisor or "
            "the project's owner."
        ) from error


def retrying(
    action: Callable[[], T],
    *,
    attempts: int | None = None,
    first_wait: float = 0.05,
    holders: Callable[[], str] = lambda: "",
    on_wait: Callable[[str], None] | None = None,
) -> T:
    """Run a whole transaction again with backoff when the database is busy.

    The waits are jittered so that processes which collided do not collide again in step.
    `holders` names who holds the locks (PostgreSQL); `on_wait` hears once that the command
    is waiting, and the final error says for whom it waited.
    """
    attempts = attempts or BUSY_ATTEMPTS
    wait = first_wait
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as error:
            if not is_busy_error(error):
                raise
            who = holders()
            held = f"by {who}" if who else "by another program"
            if attempt == attempts - 1:
                raise DatabaseBusyError(
                    f"The database is locked {held}: this command waited "
                    f"{time.monotonic() - started:.0f} s and gave up. Let that finish (or end "
                    "it) and try again."
                ) from error
            if attempt == 0 and on_wait is not None and _waited_for_a_lock(error):
                on_wait(f"Waiting for the database, locked {held}.")
            time.sleep(wait * random.uniform(0.5, 1.5))
            wait = min(wait * 2, 1.0)
    raise AssertionError("unreachable")


def _waited_for_a_lock(error: OperationalError) -> bool:
    """A lock or busy timeout (worth telling), not a serialization failure or deadlock
    between concurrent writers (retried at once, nothing to say)."""
    return getattr(error.orig, "sqlstate", None) == "55P03" or "locked" in str(error.orig)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back and re-raise on any error."""
    with factory.begin() as session:
        yield session
