"""Who holds the locks a PostgreSQL command waited for, in words for the message."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

# Other sessions of this database holding locks, those that can block a write first
# (pg_locks and these columns of pg_stat_activity are visible to every login).
_HOLDERS = text(
    """
    SELECT activity.pid, activity.usename, activity.application_name, activity.state
    FROM pg_locks AS lock
    JOIN pg_stat_activity AS activity ON activity.pid = lock.pid
    WHERE lock.granted AND lock.pid <> pg_backend_pid()
      AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    GROUP BY activity.pid, activity.usename, activity.application_name, activity.state
    ORDER BY bool_or(lock.mode NOT IN ('AccessShareLock', 'RowShareLock')) DESC, activity.pid
    LIMIT 3
    """
)


def lock_holders(engine: Engine) -> str:
    """'pid 4242 (user anna, psql, idle in transaction)' for the sessions holding locks in
    the database; empty when there are none, when it cannot be asked, or on SQLite."""
    if engine.url.get_backend_name() != "postgresql":
        return ""
    try:
        with engine.connect() as connection:
            rows = connection.execute(_HOLDERS).all()
    except SQLAlchemyError:
        return ""
    described = []
    for pid, user, application, state in rows:
        details = ", ".join(str(part) for part in (f"user {user}", application, state) if part)
        described.append(f"pid {pid} ({details})")
    return "; ".join(described)
