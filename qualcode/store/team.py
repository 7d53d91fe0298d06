"""Team mode on PostgreSQL: whether it is on, who the server says is logged in, and the
set-up itself (the SQL lives in `qualcode.store.team_sql`).

Every command asks whether team mode is on, so the cache modules (and the PostgreSQL
dialect they pull in) are imported only where a cache is written, and the questions are asked
in Core: they take a Core connection (the short commands) or an ORM session alike, and what
they read once is kept for that connection or session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, func, inspect, select, text

from qualcode.domain.layer import MODEL_ROLE
from qualcode.store import team_sql
from qualcode.store.tables import setting

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TEAM = "team"  # the setting `qualcode team setup` writes: role names and login mapping
OWNER = "owner"  # the server role of the login that owns the tables
_CACHED = "qualcode_team"  # keys of what is read once per session (or connection)
_CACHED_ROLE = "qualcode_server_role"
_PER_CONNECTION: WeakKeyDictionary[Connection, dict[str, Any]] = WeakKeyDictionary()


def _cache(db: Connection | Session) -> dict[str, Any]:
    """What this session or connection has read already (a connection's `info` would outlive
    it in the pool)."""
    if isinstance(db, Connection):
        return _PER_CONNECTION.setdefault(db, {})
    return db.info


def _dialect(db: Connection | Session) -> str:
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


def settings(session: Connection | Session) -> dict[str, Any] | None:
    """The team setting on a PostgreSQL project set up for a team, else None."""
    if _dialect(session) != "postgresql":
        return None
    cache = _cache(session)
    if _CACHED not in cache:
        query = select(setting.c.value).where(setting.c.key == TEAM)
        cache[_CACHED] = session.execute(query).scalar()
    found: dict[str, Any] | None = cache[_CACHED]
    return found


def is_team(session: Connection | Session) -> bool:
    return settings(session) is not None


def login(session: Connection | Session) -> str:
    """The server's name for who is connected (`current_user`)."""
    return str(session.execute(select(func.current_user())).scalar())


def login_coder(session: Connection | Session) -> str:
    """The coder name the connected login acts as: its mapping, else the login's own name."""
    who = login(session)
    mapped = (settings(session) or {}).get("logins", {}).get(who)
    return str(mapped) if mapped else who


def in_role(session: Connection | Session, role: str) -> bool:
    """True when the connected login is (directly or through groups) a member of `role`."""
    return bool(
        session.execute(select(func.pg_has_role(func.current_user(), role, "MEMBER"))).scalar()
    )


def server_role(session: Connection | Session) -> str | None:
    """In team mode, what the server makes the connected login: OWNER, "supervisor" (a
    member of the supervisor role) or "coder"; None outside team mode."""
    found = settings(session)
    if found is None:
        return None
    cache = _cache(session)
    if _CACHED_ROLE not in cache:
        if owns_tables(session):
            role = OWNER
        elif in_role(session, found["supervisor_role"]):
            role = "supervisor"
        else:
            role = "coder"
        cache[_CACHED_ROLE] = role
    return str(cache[_CACHED_ROLE])


def group_role(session: Connection | Session) -> str | None:
    """The team group role (supervisor's first) the connected login is in, else None."""
    found = settings(session)
    if found is None:
        return None
    for key in ("supervisor_role", "coder_role"):
        if in_role(session, found[key]):
            return str(found[key])
    return None


def owns_tables(session: Connection | Session) -> bool:
    """True when the connected login may set the project up: it owns the coder table (or is
    a superuser)."""
    row = session.execute(
        text(
            "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'coder'"
        )
    ).scalar()
    return bool(row)


def set_up(session: Session, coder: str, supervisor: str) -> list[str]:
    """Create the roles, GRANTs, policies and functions; record the role names. Returns the
    tables of the schema."""
    from qualcode.store import coding_summary, search
    from qualcode.store.codes import get_setting, put_setting

    schema = str(session.scalar(select(func.current_schema())))
    tables = sorted(inspect(session.connection()).get_table_names(schema=schema))
    statements = team_sql.setup_statements(
        schema=schema,
        coder=coder,
        supervisor=supervisor,
        tables=tables,
        refresh_lock=coding_summary.REFRESH_LOCK,
        cell_marks=coding_summary.CELL_MARKS,
        model_role=MODEL_ROLE,
        any_coder=coding_summary.ANY_CODER,
        any_consensus=coding_summary.ANY_CONSENSUS,
        ts_config=search.TS_CONFIG,
    )
    _execute(session, statements)
    previous = get_setting(session, TEAM) or {}
    put_setting(
        session,
        TEAM,
        {"coder_role": coder, "supervisor_role": supervisor, "logins": previous.get("logins", {})},
    )
    session.info.pop(_CACHED, None)
    session.info.pop(_CACHED_ROLE, None)
    return tables


def add_login(
    session: Session, login_name: str, coder: str, *, supervisor: bool, password: str | None
) -> None:
    """Create LOGIN role `login_name` in the coder or supervisor group, acting as `coder`."""
    found = settings(session)
    assert found is not None
    group, other = found["supervisor_role"], found["coder_role"]
    if not supervisor:
        group, other = other, group
    from qualcode.store.codes import put_setting

    verifier = _verifier(session, login_name, password) if password is not None else None
    _execute(session, team_sql.login_statements(login_name, group, other, verifier))
    logins = dict(found.get("logins", {}))
    if coder != login_name:
        logins[login_name] = coder
    else:
        logins.pop(login_name, None)
    put_setting(session, TEAM, {**found, "logins": logins})
    session.info.pop(_CACHED, None)


def _verifier(session: Session, login_name: str, password: str) -> str:
    """The password hashed by libpq as the server wants it stored (SCRAM-SHA-256 unless the
    server's `password_encryption` says otherwise), computed here on the client."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a live psycopg connection
    hashed: bytes = driver.pgconn.encrypt_password(password.encode(), login_name.encode())
    return hashed.decode()


def refresh_summary(session: Connection | Session) -> int:
    """Bring the marked transcripts' counts up to date (`coding_summary.refresh`); on
    PostgreSQL through the server's function `qualcode_refresh_summary()`, in team mode the
    owner's (no login may write the summary itself). Returns how many."""
    from qualcode.store import coding_summary

    return coding_summary.refresh(session)


def search_catch_up(session: Session) -> int:
    """Index the turns the search index lacks (`search.catch_up`); in team mode through the
    owner's function. Returns how many."""
    from qualcode.store import search

    if is_team(session):
        return int(session.scalar(select(func.qualcode_search_catch_up())) or 0)
    return search.catch_up(session)


def _execute(session: Session, statements: list[str]) -> None:
    # Through the driver's cursor without parameters: the bodies hold '%' and ':'.
    cursor = session.connection().connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()
