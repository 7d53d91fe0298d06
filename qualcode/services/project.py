"""A project is one database: open it, migrate it, run units of work against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qualcode.config import database_url
from qualcode.errors import DatabaseBusyError, QualcodeError
from qualcode.store.engine import (
    check_backend,
    is_busy_error,
    lock_for_write,
    make_engine,
    make_sessionmaker,
    privileges_explained,
    retrying,
)
from qualcode.store.migrate import upgrade

T = TypeVar("T")


@dataclass
class Project:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, retried with backoff while the database is busy."""

        def attempt() -> T:
            with self.unit() as session:
                lock_for_write(session)
                return work(session)

        with privileges_explained(self.engine.url.username):
            return retrying(attempt)

    def read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a read-only session; a database locked by another process raises
        DatabaseBusyError (callers such as the TUI wait and try again)."""
        try:
            with privileges_explained(self.engine.url.username), self.sessions() as session:
                return work(session)
        except OperationalError as error:
            if is_busy_error(error):
                raise DatabaseBusyError(
                    "Another program is holding the database; try again in a moment."
                ) from error
            raise

    @property
    def name(self) -> str:
        """The database URL without its password: how messages and files name the project."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def open_project(url: str | None = None) -> Project:
    """Open (and create or migrate) the database at `url` or from the environment."""
    resolved = database_url(url)
    check_backend(resolved)
    engine = make_engine(resolved)
    where = engine.url
    shown = (
        where.database
        if where.get_backend_name() == "sqlite"
        else where.render_as_string(hide_password=True)
    )
    try:
        retrying(lambda: upgrade(engine))
    except OperationalError as error:
        engine.dispose()
        raise QualcodeError(
            f"Cannot open the database {shown}: {error.orig}. Check --db or QUALCODE_DB."
        ) from error
    except DatabaseError as error:
        engine.dispose()
        raise QualcodeError(
            f"{shown} is not a qualcode database ({error.orig}). Check --db or QUALCODE_DB: "
            "give a project's .db file or a PostgreSQL URL."
        ) from error
    except QualcodeError:
        engine.dispose()
        raise
    return Project(url=resolved, engine=engine, sessions=make_sessionmaker(engine))
