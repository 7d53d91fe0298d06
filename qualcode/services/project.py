"""A project is one database: open it, migrate it, run units of work against it."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine, make_url
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from qualcode.config import database_url
from qualcode.errors import DatabaseBusyError, NotFoundError, PermissionDenied, QualcodeError
from qualcode.store import team as team_store
from qualcode.store.disk import disk_full_explained
from qualcode.store.engine import (
    WRITE_LOCK,
    check_backend,
    is_busy_error,
    lock_for_write,
    make_engine,
    make_sessionmaker,
    privileges_explained,
    retrying,
)
from qualcode.store.locks import lock_holders
from qualcode.store.migrate import HEAD, current_revision, holds_only_its_schema, upgrade

if TYPE_CHECKING:  # the ORM is imported on first use: the everyday commands run on Core
    from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
# insufficient_privilege, and invalid_schema_name: a login without USAGE on the schema
# sees no current schema at all.
NO_ACCESS = frozenset({"42501", "3F000"})


@dataclass
class Project:
    url: str
    engine: Engine
    _sessions: sessionmaker[Session] | None = field(default=None, repr=False)
    # Told once when a write starts waiting for another's lock (the CLI prints it).
    on_wait: Callable[[str], None] | None = None
    _waiting: int = field(default=0, repr=False)
    _counting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The ORM session factory, made on first use."""
        if self._sessions is None:
            self._sessions = make_sessionmaker(self.engine)
        return self._sessions

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, retried with backoff while the database is busy."""

        def attempt() -> T:
            with self.unit() as session:
                self._count_waiting(1)
                try:
                    lock_for_write(session)
                finally:
                    self._count_waiting(-1)
                return work(session)

        with (
            disk_full_explained(self.where),
            privileges_explained(self.engine.url.username, self._group_role),
        ):
            return retrying(
                attempt, holders=lambda: lock_holders(self.engine), on_wait=self.on_wait
            )

    def waiting_for_lock(self) -> bool:
        """Whether a write of this process is now waiting for the database's write lock (on
        SQLite, where the lock is taken first): a slow write that holds it is not waiting."""
        return self._waiting > 0

    def _count_waiting(self, step: int) -> None:
        with self._counting:
            self._waiting += step

    def write_rows(self, work: Callable[[Connection], T]) -> T:
        """Like `write`, on a Core connection: for the short commands, which skip the ORM."""

        def attempt() -> T:
            with self.engine.connect() as connection:
                connection.execution_options(**{WRITE_LOCK: True})
                self._count_waiting(1)
                try:
                    transaction = connection.begin()  # takes the write lock (see WRITE_LOCK)
                finally:
                    self._count_waiting(-1)
                with transaction:
                    return work(connection)

        with (
            disk_full_explained(self.where),
            privileges_explained(self.engine.url.username, self._group_role),
        ):
            return retrying(
                attempt, holders=lambda: lock_holders(self.engine), on_wait=self.on_wait
            )

    def read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a read-only session; a database locked by another process raises
        DatabaseBusyError (callers such as the TUI wait and try again)."""
        with self._reading(), self.sessions() as session:
            return work(session)

    def read_rows(self, work: Callable[[Connection], T]) -> T:
        """Like `read`, on a Core connection: for the short commands, which skip the ORM."""
        with self._reading(), self.engine.connect() as connection:
            return work(connection)

    def read_rows_refreshed(
        self, refresh: Callable[[Connection], object], work: Callable[[Connection], T]
    ) -> T:
        """PostgreSQL: `refresh` as a statement committed on its own (autocommit: no BEGIN,
        no COMMIT round trip; retried while another holds its lock), then `work` as
        `read_rows` does, on the same connection (one check-out, one ping)."""

        with self._reading(), self.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")

            def attempt() -> object:
                try:
                    return refresh(connection)
                finally:  # ends the autobegun (driver-side empty) transaction
                    connection.rollback()

            with (
                disk_full_explained(self.where),
                privileges_explained(self.engine.url.username, self._group_role),
            ):
                retrying(attempt, holders=lambda: lock_holders(self.engine), on_wait=self.on_wait)
            default = self.engine.dialect.default_isolation_level
            connection.execution_options(isolation_level=default)
            return work(connection)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A refused read explained; a database locked by another process: DatabaseBusyError."""
        try:
            with privileges_explained(self.engine.url.username, self._group_role):
                yield
        except OperationalError as error:
            if is_busy_error(error):
                who = lock_holders(self.engine) or "another program"
                raise DatabaseBusyError(
                    f"The database is locked by {who}; try again in a moment."
                ) from error
            raise

    def _group_role(self) -> str | None:
        """The team group role of the login (for a refusal's message), None if unknown."""
        if self.engine.dialect.name != "postgresql":
            return None
        try:
            with self.sessions() as session:
                return team_store.group_role(session)
        except DBAPIError:
            return None

    @contextmanager
    def one_connection(self) -> Iterator[Project]:
        """This project with every unit of work on one connection, checked out (and, on
        PostgreSQL, pinged) once instead of once per transaction: for a batch of many
        short transactions, such as an import's one per file."""
        with self.engine.connect() as connection:
            yield Project(
                url=self.url,
                engine=self.engine,
                _sessions=make_sessionmaker(connection),
                on_wait=self.on_wait,
            )

    @property
    def where(self) -> str:
        """The SQLite file, else the server URL without its password."""
        url = self.engine.url
        return url.database or self.name if url.get_backend_name() == "sqlite" else self.name

    @property
    def name(self) -> str:
        """The database URL without its password: how messages and files name the project."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def open_project(url: str | None = None, *, create: bool = True) -> Project:
    """Open (and migrate) the database at `url` or from the environment; a SQLite file that
    does not exist is created, or with `create=False` refused with the nearest one named."""
    resolved = database_url(url)
    check_backend(resolved)
    if not create:
        require_existing(resolved)
    engine = make_engine(resolved)
    where = engine.url
    shown = (
        where.database
        if where.get_backend_name() == "sqlite"
        else where.render_as_string(hide_password=True)
    )
    try:
        with disk_full_explained(str(shown)):
            retrying(lambda: upgrade(engine), holders=lambda: lock_holders(engine))
    except OperationalError as error:
        engine.dispose()
        raise QualcodeError(
            f"Cannot open the database {shown}: {error.orig}. Check --db or QUALCODE_DB."
        ) from error
    except DatabaseError as error:
        behind = _revision_behind(engine)
        engine.dispose()
        if getattr(error.orig, "sqlstate", None) in NO_ACCESS and behind:
            raise PermissionDenied(
                f"This project needs a schema upgrade (revision {behind} to {HEAD}) that only "
                f"the owner of its tables may run, not '{where.username}'; ask the owner to "
                "open it once with this qualcode version (e.g. `qualcode init`)."
            ) from error
        if getattr(error.orig, "sqlstate", None) in NO_ACCESS:
            raise PermissionDenied(
                f"The database refused user '{where.username}' access to the project's tables "
                f"({str(error.orig).strip().splitlines()[0]}); ask the project's owner to add "
                "your login (`qualcode team add-login`)."
            ) from error
        raise QualcodeError(
            f"{shown} is not a qualcode database ({error.orig}). Check --db or QUALCODE_DB: "
            "give a project's .db file or a PostgreSQL URL."
        ) from error
    except QualcodeError:
        engine.dispose()
        raise
    return Project(url=resolved, engine=engine)


def _revision_behind(engine: Engine) -> str | None:
    """The project's schema revision when it is readable and older than this qualcode's."""
    try:
        revision = current_revision(engine)
    except DatabaseError:
        return None
    return revision if revision is not None and revision != HEAD else None


def new_sqlite_file(url: str | None) -> Path | None:
    """The SQLite file `url` names when it does not exist yet (a command is about to make it)."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(str(parsed.database))
    return None if path.exists() else path


def discard_if_unused(project: Project, path: Path) -> bool:
    """Remove `path`, the SQLite file of `project` that a command made and then failed in,
    when nothing was stored in it: a refused first import leaves no empty database behind."""
    try:
        unused = project.read_rows(holds_only_its_schema)
    except (QualcodeError, DBAPIError):
        unused = False  # unreadable now (a full disk, say): kept, as nothing is lost that way
    finally:
        project.close()
    if unused:
        for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return unused


def require_existing(url: str) -> None:
    """Refuse a SQLite file that does not exist, naming the nearest existing `.db` file."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = Path(parsed.database)
    if parsed.database == ":memory:" or path.exists():
        return
    nearest = nearest_database(path)
    hint = f"Did you mean {nearest}? " if nearest else ""
    raise NotFoundError(
        f"There is no database {path}. {hint}Check --db or QUALCODE_DB; "
        "`qualcode init`, `import`, `import-qdpx`, `demo` and `restore` create one."
    )


def nearest_database(path: Path) -> Path | None:
    """The existing `.db` file in the folder of `path` (else the working folder) whose name
    is most like it."""
    folder = path.parent if path.parent.is_dir() else Path.cwd()
    candidates = sorted(folder.glob("*.db"))
    if not candidates:
        return None
    names = [candidate.name for candidate in candidates]
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.0)
    return folder / close[0] if close else candidates[0]
