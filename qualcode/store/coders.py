"""Coders and their roles, in SQLAlchemy Core.

The role rules run on every write, the short commands' too, so these queries use no ORM:
each function takes a Core connection or an ORM session (both execute Core statements).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from qualcode.domain.text import one_line, within_limit, without_controls
from qualcode.errors import QualcodeError
from qualcode.store.tables import coder

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


class CoderRow(NamedTuple):
    id: int
    name: str
    role: str
    is_consensus: bool


_COLUMNS = (coder.c.id, coder.c.name, coder.c.role, coder.c.is_consensus)
_BY_NAME = select(*_COLUMNS).where(coder.c.name == bindparam("name"))
_BY_ID = select(*_COLUMNS).where(coder.c.id == bindparam("id"))
_SUPERVISORS = select(func.count(coder.c.id)).where(
    coder.c.role == "supervisor", coder.c.is_consensus.is_(False)
)


def coder_row(db: Connection | Session, name: str) -> CoderRow | None:
    row = db.execute(_BY_NAME, {"name": name}).first()
    return None if row is None else CoderRow(*row)


def coder_by_id(db: Connection | Session, coder_id: int) -> CoderRow | None:
    row = db.execute(_BY_ID, {"id": coder_id}).first()
    return None if row is None else CoderRow(*row)


def count_supervisors(db: Connection | Session) -> int:
    return db.execute(_SUPERVISORS).scalar() or 0


def add_coder(
    db: Connection | Session, name: str, role: str = "coder", *, consensus: bool = False
) -> CoderRow:
    """The coder `name`, inserted if missing (with `role`)."""
    found = coder_row(db, name)
    if found is not None:
        return found
    within_limit("coder name", name)  # one rule for both backends (SQLite has no VARCHAR limit)
    if without_controls(name) != name or "\n" in name or "\t" in name:
        raise QualcodeError(
            f"the coder name {one_line(name)!r} holds control characters or line breaks, "
            "which a terminal would obey; give the name as plain text."
        )
    values = {"name": name, "role": role, "is_consensus": consensus}
    try:  # a savepoint: a concurrent first write by the same coder may have won the race
        with db.begin_nested():
            new_id = db.execute(insert(coder).values(values).returning(coder.c.id)).scalar_one()
    except IntegrityError:
        found = coder_row(db, name)
        if found is None:
            raise
        return found
    return CoderRow(new_id, name, role, consensus)


def set_role(db: Connection | Session, coder_id: int, role: str) -> None:
    db.execute(update(coder).where(coder.c.id == coder_id).values(role=role))


def list_coders(db: Connection | Session) -> list[CoderRow]:
    return [CoderRow(*row) for row in db.execute(select(*_COLUMNS).order_by(coder.c.name))]
