"""REFI-QDA's `xsd:dateTime` stamps and the database's timestamps.

A stamp is written in UTC to the second (`2026-12-03T11:45:12Z`), so that what a file
gave comes back as it was and an export of the same rows is the same bytes. The database
keeps local time (SQLite drops the offset), so a stamp is stored converted to it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_stamp(moment: datetime) -> str:
    """The `xsd:dateTime` of a stored time (a time without offset is local, as stored)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_stamp(value: str) -> datetime | None:
    """The local time of an `xsd:dateTime` (UTC when it names no offset), or None when the
    value is not one."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()
