"""Move a whole project between databases (SQLite <-> PostgreSQL) and prove the copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table
from sqlalchemy.engine import make_url

from qualcode.config import database_url
from qualcode.errors import QualcodeError
from qualcode.services.project import open_project
from qualcode.store import transfer as store
from qualcode.store.engine import WRITE_LOCK
from qualcode.store.migrate import current_revision

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    source_sha256: str
    target_sha256: str


@dataclass(frozen=True)
class TransferReport:
    source: str
    target: str
    revision: str
    tables: list[TableCheck]

    @property
    def rows(self) -> int:
        return sum(check.rows for check in self.tables)


def transfer(
    source_url: str, target_url: str, *, progress: Progress | None = None
) -> TransferReport:
    """Copy every table from `source_url` into the empty database at `target_url`.

    Both are brought to the current schema first. The copy is one transaction on the target:
    it commits only when every table has the same number of rows and the same content
    checksum on both sides, so a failed transfer leaves the target empty.
    """
    source_url, target_url = database_url(source_url), database_url(target_url)
    if make_url(source_url) == make_url(target_url):
        raise QualcodeError("--from and --to name the same database; give two different ones.")
    source, target = open_project(source_url, create=False), open_project(target_url)
    try:
        revision = current_revision(source.engine) or ""
        options = {"isolation_level": "REPEATABLE READ"} if _is_pg(source_url) else {}
        with (
            source.engine.connect().execution_options(**options) as reading,
            target.engine.connect().execution_options(**{WRITE_LOCK: True}) as writing,
            reading.begin(),
            writing.begin(),
        ):
            filled = [name for name, n in store.row_counts(writing).items() if n]
            if filled:
                raise QualcodeError(
                    f"{_shown(target_url)} already holds data (tables {', '.join(filled)}); "
                    "transfer into a new, empty database."
                )
            for table in store.tables():
                copied = store.copy_table(reading, writing, table)
                if progress:
                    progress(table.name, copied)
            store.reset_sequences(writing)
            checks = [_check(reading, writing, table) for table in store.tables()]
        return TransferReport(_shown(source_url), _shown(target_url), revision, checks)
    finally:
        source.close()
        target.close()


def _check(reading: Connection, writing: Connection, table: Table) -> TableCheck:
    rows, source_digest = store.fingerprint(reading, table)
    copied, target_digest = store.fingerprint(writing, table)
    if (rows, source_digest) != (copied, target_digest):
        raise QualcodeError(
            f"The copy of table {table.name} differs from the source ({rows} rows vs {copied}); "
            "nothing was written to the target. Please report this with both database types."
        )
    return TableCheck(table.name, rows, source_digest, target_digest)


def _is_pg(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
