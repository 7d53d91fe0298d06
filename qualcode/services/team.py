"""Team mode on a PostgreSQL server: the database login is the coder's identity.

`qualcode team setup` (run by the login that owns the tables) creates a coder and a
supervisor group role, GRANTs and row-level security that enforce in the server what
`qualcode.services.roles` enforces in the app, and records itself in a setting. From then
on the acting coder is the server's `current_user` (or the coder `team add-login` mapped
it to), `--coder` cannot name anyone else, and a supervisor is a member of the supervisor
role. The owner of the tables administers the project and may act under any name.
SQLite files have no team mode: there a name is a claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services.project import Project
from qualcode.services.roles import CODER, ROLES, SUPERVISOR
from qualcode.store import coders as coder_store
from qualcode.store import team as team_store

if TYPE_CHECKING:  # every command asks `acting_coder`, in Core: no ORM import for it
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

CODER_ROLE = "qualcode_coder"
SUPERVISOR_ROLE = "qualcode_supervisor"
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class TeamSetup:
    coder_role: str
    supervisor_role: str
    tables: int  # tables of the schema the rights were set on


@dataclass(frozen=True)
class TeamLogin:
    login: str
    coder: str
    role: str


def set_up(
    project: Project, coder_role: str = CODER_ROLE, supervisor_role: str = SUPERVISOR_ROLE
) -> TeamSetup:
    """Create the group roles, GRANTs, policies and definer functions (idempotent)."""
    _require_server(project)
    for name in (coder_role, supervisor_role):
        _check_name(name, "role")
    if coder_role == supervisor_role:
        raise QualcodeError("The coder and the supervisor role need different names.")

    def work(session: Session) -> TeamSetup:
        _require_owner(session, "set up team mode")
        tables = team_store.set_up(session, coder_role, supervisor_role)
        return TeamSetup(coder_role, supervisor_role, len(tables))

    return project.write(work)


def reapply(project: Project) -> bool:
    """Set team mode up again with its recorded role names if it was on (after a restore,
    whose dump carries no GRANTs); True if it was."""
    if project.engine.dialect.name != "postgresql":
        return False

    def work(session: Session) -> bool:
        found = team_store.settings(session)
        if found is None or not team_store.owns_tables(session):
            return False
        team_store.set_up(session, found["coder_role"], found["supervisor_role"])
        return True

    return project.write(work)


def add_login(
    project: Project,
    login: str,
    role: str = CODER,
    *,
    coder: str | None = None,
    password: str | None = None,
) -> TeamLogin:
    """Create PostgreSQL LOGIN role `login` in the coder or supervisor group, acting as
    qualcode coder `coder` (default: the same name), who is added with that role."""
    _require_server(project)
    _check_name(login, "login")
    if role not in ROLES:
        raise QualcodeError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
    name = (coder or login).strip()
    if not name:
        raise QualcodeError("A login acts as a coder with a name.")

    def work(session: Session) -> TeamLogin:
        if not team_store.is_team(session):
            raise QualcodeError("Run `qualcode team setup` first: it creates the group roles.")
        _require_owner(session, "add logins")
        found = coder_store.coder_row(session, name)
        if found is None:
            coder_store.add_coder(session, name, role)
        elif found.role != role:
            coder_store.set_role(session, found.id, role)
        team_store.add_login(session, login, name, supervisor=role == SUPERVISOR, password=password)
        return TeamLogin(login, name, role)

    return project.write(work)


def acting_coder(project: Project, claimed: str | None) -> str | None:
    """Who acts: on a team server the login's coder (a `claimed` other name is refused,
    except for the tables' owner, who administers the project); elsewhere `claimed`."""
    if project.engine.dialect.name != "postgresql":
        return claimed

    def work(session: Connection) -> str | None:
        if not team_store.is_team(session):
            return claimed
        own = team_store.login_coder(session)
        if claimed is None or claimed == own:
            return own
        if team_store.owns_tables(session):
            return claimed
        raise PermissionDenied(
            f"On this team server you are '{own}' (your database login), so --coder and "
            f"QUALCODE_CODER cannot name '{claimed}'; to act as {claimed}, log in as {claimed}."
        )

    with project.engine.connect() as connection:
        return work(connection)


def _require_server(project: Project) -> None:
    if project.engine.dialect.name != "postgresql":
        raise QualcodeError(
            "Team mode needs a PostgreSQL server: a SQLite file is one person's project, where "
            "a coder name is a claim (see docs/teams.md)."
        )


def _require_owner(session: Session, action: str) -> None:
    if not team_store.owns_tables(session):
        raise PermissionDenied(
            f"Only the login that owns the project's tables may {action}; "
            f"'{team_store.login(session)}' does not. Connect as the owner (who ran "
            "`qualcode init`)."
        )


def _check_name(name: str, what: str) -> None:
    if not _ROLE_NAME.fullmatch(name):
        raise QualcodeError(
            f"'{name}' is not a usable {what} name: use lower-case letters, digits and _, "
            "starting with a letter or _ (at most 63 characters)."
        )
