"""Codebook, code and coder persistence."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from qualcode.store import coders
from qualcode.store.coding_rows import ACTIVE_CODEBOOK_ID
from qualcode.store.models import Code, Codebook, Coder, Coding, Setting


def get_setting(session: Session, key: str) -> dict | None:
    row = session.get(Setting, key)
    return row.value if row else None


def put_setting(session: Session, key: str, value: dict) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def codebook_by_name(session: Session, name: str) -> Codebook | None:
    return session.scalar(select(Codebook).where(Codebook.name == name))


def active_codebook(session: Session) -> Codebook | None:
    """The codebook named in the settings, else the most recently loaded one."""
    return session.scalar(select(Codebook).where(Codebook.id == ACTIVE_CODEBOOK_ID))


_ACTIVE_CODE = select(Code).where(
    Code.key == bindparam("key"), Code.codebook_id == ACTIVE_CODEBOOK_ID
)
_CODER_BY_NAME = select(Coder).where(Coder.name == bindparam("name"))


def active_code(session: Session, key: str) -> Code | None:
    """The code `key` of the active codebook, in one query built once."""
    return session.scalar(_ACTIVE_CODE, {"key": key})


def codes_of(session: Session, codebook_id: int) -> list[Code]:
    return list(
        session.scalars(
            select(Code).where(Code.codebook_id == codebook_id).order_by(Code.sort_order, Code.key)
        )
    )


def coding_counts(
    session: Session, codebook_id: int, coder_id: int | None = None
) -> dict[int, int]:
    """Number of codings per code id (of one coder when given)."""
    query = (
        select(Coding.code_id, func.count(Coding.id))
        .join(Code, Code.id == Coding.code_id)
        .where(Code.codebook_id == codebook_id)
        .group_by(Coding.code_id)
    )
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return dict(session.execute(query).all())


def code_by_key(session: Session, codebook_id: int, key: str) -> Code | None:
    return session.scalar(select(Code).where(Code.codebook_id == codebook_id, Code.key == key))


def next_sort_order(session: Session, codebook_id: int) -> int:
    current = session.scalar(
        select(func.max(Code.sort_order)).where(Code.codebook_id == codebook_id)
    )
    return (current or 0) + 1


def add_codebook(session: Session, name: str, content_hash: str) -> Codebook:
    """A new codebook row at version 0, flushed so that it has its id."""
    row = Codebook(name=name, version=0, content_hash=content_hash)
    session.add(row)
    session.flush()
    return row


def next_version(
    row: Codebook, content_hash: str, title: str, favourites: list[str], source_path: str
) -> None:
    """The codebook's next version, from the file at `source_path` with this content."""
    row.version += 1
    row.content_hash = content_hash
    row.title = title
    row.favourites = favourites
    row.source_path = source_path


def add_code(session: Session, **values: object) -> Code:
    """A new code row with these column values, flushed so that it has its id."""
    code = Code(**values)
    session.add(code)
    session.flush()
    return code


def update_code(code: Code, values: dict[str, object]) -> bool:
    """Give the code these column values; whether any differed."""
    if all(getattr(code, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(code, name, value)
    return True


def delete_code(session: Session, code: Code) -> None:
    session.delete(code)


def coder_by_name(session: Session, name: str) -> Coder | None:
    return session.scalar(_CODER_BY_NAME, {"name": name})


def ensure_coder(
    session: Session, name: str, role: str = "coder", *, consensus: bool = False
) -> Coder:
    """The coder `name` as an ORM object, created (with `role`) if missing."""
    return session.get_one(Coder, coders.add_coder(session, name, role, consensus=consensus).id)


def list_coders(session: Session) -> list[Coder]:
    return list(session.scalars(select(Coder).order_by(Coder.name)))
