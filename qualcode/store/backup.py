"""Copy a whole database to a file and back.

SQLite uses its online backup API (`sqlite3.Connection.backup`): a consistent copy while
other processes keep working. PostgreSQL uses the server's own tools, `pg_dump` in the
custom format and `pg_restore` (the PostgreSQL client package must be installed):

    pg_dump --format=custom --no-owner --no-privileges --file=FILE --dbname=URL
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
        --dbname=URL FILE
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from qualcode.errors import InputError, PermissionDenied, QualcodeError
from qualcode.processes import die_with_parent

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def file_kind(path: Path) -> str:
    """ "sqlite" or "postgresql" by the file's first bytes; InputError for anything else."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror}).") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise InputError(
        str(path),
        "is neither a SQLite database nor a pg_dump archive.",
        hint="Give a file made by `qualcode backup`.",
    )


def sqlite_backup(engine: Engine, target: Path) -> None:
    """Copy the live database into a new self-contained file (no -wal file needed)."""
    raw = engine.raw_connection()
    try:
        with closing(sqlite3.connect(target)) as destination:
            _sqlite(raw.driver_connection).backup(destination)
            destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        raw.close()


def sqlite_restore(engine: Engine, source: Path) -> None:
    """Replace the database's whole content with the backup in `source`, in one step."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as origin:
        raw = engine.raw_connection()
        try:
            origin.backup(_sqlite(raw.driver_connection))
        finally:
            raw.close()


def sqlite_revision(path: Path) -> str | None:
    """The Alembic revision recorded in a SQLite backup, or None if it has none."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return row[0] if row else None


def pg_dump(url: URL, target: Path) -> None:
    _run_pg_tool(
        "pg_dump",
        url,
        # Row security on: a team coder may read every row (policies allow it) and may back
        # up; without it pg_dump refuses any table with row-level security.
        [
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--enable-row-security",
            f"--file={target}",
        ],
    )


def pg_restore(url: URL, source: Path) -> None:
    _run_pg_tool(
        "pg_restore",
        url,
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"],
        str(source),
    )


def _run_pg_tool(tool: str, url: URL, options: list[str], *arguments: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise QualcodeError(
            f"{tool} is not installed; install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and try again."
        )
    # The password goes in the environment, not on the command line other users can see.
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    completed = subprocess.run(
        [program, *options, f"--dbname={libpq}", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=die_with_parent,
    )
    if completed.returncode != 0:
        if "No space left on device" in completed.stderr:
            raise OSError(errno.ENOSPC, f"{tool}: {completed.stderr.strip()}")
        detail = completed.stderr.strip().splitlines()
        problem = detail[-1] if detail else f"exit code {completed.returncode}"
        refused = [line for line in detail if _REFUSED.search(line)]
        if refused:
            raise PermissionDenied(
                f"{tool} failed: the server refused user '{url.username}' ({refused[0]}); "
                "this login lacks the rights for it: ask the project's owner (or a "
                "supervisor) to run it."
            )
        raise QualcodeError(
            f"{tool} failed: {problem}. Check that the server is reachable and that the "
            "client version is not older than the server."
        )


_REFUSED = re.compile(r"permission denied|must be owner|row-level security|privilege", re.I)


def _sqlite(driver_connection: object) -> sqlite3.Connection:
    assert isinstance(driver_connection, sqlite3.Connection)
    return driver_connection
