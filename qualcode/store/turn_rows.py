"""Rows of segments and of what hangs on them, read as plain values and written back (undo).

A `RowState` holds column values by table and id. Writing one state over another deletes,
inserts and rewrites rows with their original ids, so that everything pointing at them
(an undo step, an export, the audit) still finds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.errors import QualcodeError
from qualcode.store import tables
from qualcode.store.models import Adjudication, Coding, Memo, Section, Suggestion
from qualcode.store.transcripts import renumber_from

Row = Mapping[str, Any]
SEGMENT = tables.segment
# Every table whose rows point at segments, in the order rows are inserted.
DEPENDANTS: dict[str, Table] = {
    model.__table__.name: model.__table__  # type: ignore[attr-defined, misc]
    for model in (Coding, Memo, Suggestion, Adjudication, Section)
}
TABLES: dict[str, Table] = {"segment": SEGMENT, **DEPENDANTS}


class RowsChanged(QualcodeError):
    """The rows are no longer as recorded: someone changed them since."""


@dataclass(frozen=True)
class RowState:
    """Rows by table name and id. The `segments` were read whole: their own rows and every
    row that points at them (an id listed there but absent from `rows` did not exist)."""

    segments: frozenset[int] = frozenset()
    rows: Mapping[str, Mapping[int, Row]] = field(default_factory=dict)

    def table(self, name: str) -> Mapping[int, Row]:
        return self.rows.get(name, {})

    def keys(self) -> dict[str, set[int]]:
        return {name: set(rows) for name, rows in self.rows.items()}


def read_state(
    session: Session,
    *,
    segments: Iterable[int] = (),
    ids: Mapping[str, Iterable[int]] | None = None,
) -> RowState:
    """Read whole segments (with all their dependants) and single rows of any table by id."""
    wanted = frozenset(segments)
    rows: dict[str, dict[int, Row]] = {name: {} for name in TABLES}
    if wanted:
        _collect(rows["segment"], session, SEGMENT, SEGMENT.c.id.in_(wanted))
        for name, table in DEPENDANTS.items():
            _collect(rows[name], session, table, _touching(table, wanted))
    for name, row_ids in (ids or {}).items():
        missing = set(row_ids) - set(rows[name])
        if missing:
            table = TABLES[name]
            _collect(rows[name], session, table, table.c.id.in_(missing))
    return RowState(wanted, {name: found for name, found in rows.items() if found})


def narrow(before: RowState, after: RowState) -> tuple[RowState, RowState]:
    """Drop the rows an action left as they were, from two states read by id only."""
    kept_before: dict[str, dict[int, Row]] = {}
    kept_after: dict[str, dict[int, Row]] = {}
    for name in TABLES:
        old, new = before.table(name), after.table(name)
        for row_id in set(old) | set(new):
            if old.get(row_id) == new.get(row_id):
                continue
            if row_id in old:
                kept_before.setdefault(name, {})[row_id] = old[row_id]
            if row_id in new:
                kept_after.setdefault(name, {})[row_id] = new[row_id]
    return RowState(rows=kept_before), RowState(rows=kept_after)


def write_state(session: Session, current: RowState, wanted: RowState) -> list[tuple[Row, Row]]:
    """Turn the rows of `current` into those of `wanted`; returns the coding rows removed and
    added as (removed, added) pairs with empty mappings for none.

    Raises RowsChanged, and changes nothing, unless the database still holds `current`.
    """
    keys = current.keys()
    for name, row_ids in wanted.keys().items():
        keys.setdefault(name, set()).update(row_ids)
    live = read_state(session, segments=current.segments | wanted.segments, ids=keys)
    if _comparable(live) != _comparable(current):
        raise RowsChanged("the turns or codings changed since (edited in another window?)")
    target = _renumbered(session, live, wanted)
    changes: list[tuple[Row, Row]] = []
    try:
        for name, table in DEPENDANTS.items():  # first out, so no unique index ever clashes
            gone = [i for i, row in live.table(name).items() if target.table(name).get(i) != row]
            if gone:
                session.execute(delete(table).where(table.c.id.in_(gone)))
            if name == "coding":
                changes += [(live.table(name)[i], {}) for i in gone]
        for row_id, row in target.table("segment").items():
            if row_id in live.table("segment"):
                session.execute(SEGMENT.update().where(SEGMENT.c.id == row_id).values(**row))
            else:
                session.execute(insert(SEGMENT).values(**row))
        for name, table in DEPENDANTS.items():
            fresh = [row for i, row in target.table(name).items() if live.table(name).get(i) != row]
            if fresh:
                session.execute(insert(table), [dict(row) for row in fresh])
            if name == "coding":
                changes += [({}, row) for row in fresh]
        dropped = set(live.table("segment")) - set(target.table("segment"))
        if dropped:
            session.execute(delete(SEGMENT).where(SEGMENT.c.id.in_(dropped)))
        session.flush()
    except IntegrityError as error:
        raise RowsChanged("a code, coder or turn it needs is gone") from error
    return changes


def _touching(table: Table, segments: frozenset[int]) -> Any:
    """Rows of `table` that point at any of the segments (a section at its first or last)."""
    if table.name == "section":
        return table.c.first_segment_id.in_(segments) | table.c.last_segment_id.in_(segments)
    return table.c.segment_id.in_(segments)


def _collect(into: dict[int, Row], session: Session, table: Table, where: Any) -> None:
    for row in session.execute(select(table).where(where)).mappings():
        into[row["id"]] = dict(row)


def _comparable(state: RowState) -> dict[str, dict[int, dict[str, Any]]]:
    """The rows without segment ordinals, which other splits and joins may shift."""
    return {
        name: {
            row_id: {key: value for key, value in row.items() if key != "ordinal"}
            for row_id, row in rows.items()
        }
        for name, rows in state.rows.items()
        if rows
    }


def _renumbered(session: Session, live: RowState, wanted: RowState) -> RowState:
    """Give the wanted segments the ordinals where the live ones stand now, and move the
    transcript's later segments up or down to make room."""
    now = sorted(live.table("segment").values(), key=lambda row: row["ordinal"])
    then = sorted(wanted.table("segment").values(), key=lambda row: row["ordinal"])
    if not now or not then:
        return wanted
    shift = len(then) - len(now)
    if shift:
        renumber_from(session, now[0]["transcript_id"], now[-1]["ordinal"] + 1, shift)
    segments = {
        row["id"]: {**row, "ordinal": now[0]["ordinal"] + index} for index, row in enumerate(then)
    }
    return RowState(wanted.segments, {**wanted.rows, "segment": segments})
