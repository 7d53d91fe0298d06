"""Copy every table of a project between databases and fingerprint their content.

The tables are the models' (`Base.metadata`), copied parents first, in batches with
multi-row inserts. Values are made backend-neutral on the way: SQLite keeps timestamps as
local wall-clock time without a zone, PostgreSQL as instants, so both are read and written
as zone-aware local times. A table's fingerprint is the sha256 of its rows in a canonical
text form (JSON, timestamps in UTC, ordered by primary key), equal on both backends exactly
when the content is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Integer, Table, bindparam, func, select, text, update

from qualcode.store.models import Base

BATCH = 2000


def tables() -> list[Table]:
    """The project's tables, each after the tables it refers to."""
    return list(Base.metadata.sorted_tables)


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in tables()
    }


def copy_table(source: Connection, target: Connection, table: Table) -> int:
    """Copy all rows of `table`; a column referring to its own table is filled in afterwards."""
    own = [c.name for c in table.columns if any(k.column.table is table for k in c.foreign_keys)]
    copied = 0
    links: list[dict[str, Any]] = []
    for batch in _batches(source, table):
        rows = [{name: _portable(value) for name, value in row.items()} for row in batch]
        for row in rows:
            if any(row[name] is not None for name in own):
                links.append({"_pk": row["id"], **{f"_{name}": row[name] for name in own}})
                row.update(dict.fromkeys(own))
        target.execute(table.insert(), rows)
        copied += len(rows)
    if links:
        target.execute(
            update(table)
            .where(table.c.id == bindparam("_pk"))
            .values({name: bindparam(f"_{name}") for name in own}),
            links,
        )
    return copied


def reset_sequences(connection: Connection) -> None:
    """Make PostgreSQL's id sequences continue after the copied ids."""
    if connection.dialect.name != "postgresql":
        return  # SQLite picks max(id) + 1 by itself
    for table in tables():
        if "id" in table.c and isinstance(table.c.id.type, Integer):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
            )


def fingerprint(connection: Connection, table: Table) -> tuple[int, str]:
    """(number of rows, sha256 of the rows in canonical form ordered by primary key)."""
    keys = list(table.primary_key.columns)
    rows: Iterator[str] = (
        json.dumps([_canonical(row[c.name]) for c in table.columns], ensure_ascii=False)
        for batch in _batches(connection, table)
        for row in batch
    )
    if not all(isinstance(key.type, Integer) for key in keys):
        # Text keys collate differently on each backend: order those rows here instead.
        positions = [list(table.columns).index(key) for key in keys]
        rows = iter(sorted(rows, key=lambda line: [json.loads(line)[i] for i in positions]))
    digest = hashlib.sha256()
    count = 0
    for line in rows:
        digest.update(line.encode("utf-8") + b"\n")
        count += 1
    return count, digest.hexdigest()


def _batches(connection: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    query = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for partition in result.mappings().partitions():
        yield [dict(row) for row in partition]


def _portable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone()  # naive values are SQLite's local wall-clock times
    return value


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value
