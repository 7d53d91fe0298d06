"""A full disk, whichever layer reports it, as one sentence naming what was not written."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError

from qualcode.errors import DiskFullError

PG_DISK_FULL = "53100"  # PostgreSQL's disk_full
SQLITE_FULL = 13
FREE_SPACE = "Free some space and try again."


def is_disk_full(error: BaseException) -> bool:
    """Whether `error` says the disk is full: ENOSPC, SQLite's SQLITE_FULL, PostgreSQL's
    disk_full."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return True
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorcode", None) == SQLITE_FULL or "disk is full" in str(
            cause
        )
    return getattr(cause, "sqlstate", None) == PG_DISK_FULL


@contextmanager
def disk_full_explained(
    where: str, lost: str = "nothing of this change was saved"
) -> Iterator[None]:
    """Turn a full disk while writing `where` into a DiskFullError saying what was `lost`
    (a transaction rolled back keeps nothing)."""
    try:
        yield
    except (DBAPIError, OSError, sqlite3.Error) as error:
        if not is_disk_full(error):
            raise
        raise DiskFullError(f"The disk holding {where} is full; {lost}. {FREE_SPACE}") from error
