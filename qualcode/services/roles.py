"""Coder roles: who may change the codebook, delete transcripts, adjudicate, alter a layer.

The rules take a Core connection (the short commands) or an ORM session alike.

While a project has no supervisor at all it is in single-user mode and everyone may do
everything (so a lone researcher never meets these rules). Once a supervisor exists, the
rules apply and every guarded action must name its actor (`--coder`, QUALCODE_CODER).

On a PostgreSQL server in team mode (`qualcode.services.team`) the server says who acts:
the actor must be the coder of the database login, a supervisor is a member of the
supervisor role, and the login that owns the tables administers everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from qualcode.domain.coding import CoderInfo
from qualcode.errors import NotFoundError, PermissionDenied, QualcodeError
from qualcode.services.project import Project
from qualcode.store import coders as store
from qualcode.store import team as team_store
from qualcode.store.coders import CoderRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CODER = "coder"
SUPERVISOR = "supervisor"
ROLES = (CODER, SUPERVISOR)


def single_user(session: Connection | Session) -> bool:
    """True while nobody is a supervisor (and the project is no team server): then no rule
    applies."""
    return not team_store.is_team(session) and store.count_supervisors(session) == 0


def require_supervisor(session: Connection | Session, actor: str | None, action: str) -> None:
    """Refuse `action` (e.g. "load a codebook") unless `actor` is a supervisor."""
    if single_user(session) or team_store.server_role(session) == team_store.OWNER:
        return
    coder = _actor(session, actor, action)
    role = _role(session, coder)
    if role != SUPERVISOR:
        how = (
            "to add your login to the supervisor role"
            if team_store.is_team(session)
            else "to make you one with `qualcode coder role`"
        )
        raise PermissionDenied(
            f"Only a supervisor may {action}; {coder.name} is a {role}. "
            f"Ask a supervisor to do it, or {how}."
        )


def team_refusal(session: Connection | Session, action: str, why: str = "") -> str | None:
    """On a team server, the sentence refusing a coder's login `action`, one of the acts
    that are a supervisor's there whatever the project's coder rows say (importing
    transcripts, splitting and joining turns: they change what every coder codes); None when
    the login may (a supervisor, the tables' owner, or no team mode). `why` (in parentheses)
    names what asked for it."""
    if team_store.server_role(session) != CODER:
        return None
    login = team_store.login(session)
    return (
        f"Only a supervisor can {action} in team mode{f' ({why})' if why else ''}; ask a "
        "supervisor to do it, or ask the "
        f"project's owner to put your login '{login}' in the supervisor role "
        f"(`qualcode team add-login {login} --role supervisor`)."
    )


def require_team_supervisor(session: Connection | Session, action: str) -> None:
    """Refuse `action` to a coder's login on a team server (see `team_refusal`)."""
    refusal = team_refusal(session, action)
    if refusal is not None:
        raise PermissionDenied(refusal)


def is_supervisor(session: Connection | Session, name: str | None) -> bool:
    server = team_store.server_role(session)
    if server == team_store.OWNER:
        return True
    coder = store.coder_row(session, name) if name else None
    return coder is not None and _role(session, coder) == SUPERVISOR


def require_layer_access(session: Connection | Session, actor: str | None, owner_id: int) -> None:
    """Refuse to change the codings of coder `owner_id` unless `actor` owns them or supervises."""
    if single_user(session) or team_store.server_role(session) == team_store.OWNER:
        return
    coder = _actor(session, actor, "change codings")
    if coder.id != owner_id and _role(session, coder) != SUPERVISOR:
        owner = store.coder_by_id(session, owner_id)
        raise PermissionDenied(
            f"{coder.name} may not change the codings of {owner.name if owner else 'another coder'}"
            "; a coder changes only their own layer (supervisors adjudicate)."
        )


def coder_for_write(session: Connection | Session, name: str) -> CoderRow:
    """The coder `name` about to write. While nobody supervises, a coder is created on
    their first write; once someone does, only a supervisor adds coders."""
    _require_login(session, name)
    coder = store.coder_row(session, name)
    if coder is not None:
        return coder
    if not single_user(session):
        raise PermissionDenied(
            f"No coder '{name}' in this project; a supervisor adds coders with "
            "`qualcode coder add NAME`."
        )
    return store.add_coder(session, name)


def require_import(
    session: Connection | Session,
    actor: str | None,
    *,
    codebook_changed: bool,
    new_coders: list[str],
    layers: set[int],
) -> None:
    """What an import of another tool's file may do, as if each part were done by hand:
    adding codes (or cards) and adding coders are a supervisor's; writing codings or memos
    into a coder's layer is that coder's or a supervisor's. Called inside the import's
    transaction, so a refusal stores nothing."""
    if single_user(session):
        return
    if codebook_changed:
        require_supervisor(session, actor, "add codes to the codebook from a file")
    if new_coders:
        shown = ", ".join(repr(name) for name in new_coders[:3])
        require_supervisor(session, actor, f"add the coders {shown} named in the file")
    for owner in sorted(layers):
        require_layer_access(session, actor, owner)


def _actor(session: Connection | Session, actor: str | None, action: str) -> CoderRow:
    if not actor:
        raise PermissionDenied(
            f"This project has supervisors, so to {action} say who you are: "
            "--coder NAME or QUALCODE_CODER=NAME."
        )
    _require_login(session, actor)
    coder = store.coder_row(session, actor)
    if coder is None:
        raise PermissionDenied(
            f"No coder '{actor}' in this project; a supervisor adds coders with "
            "`qualcode coder add NAME`."
        )
    return coder


def _role(session: Connection | Session, coder: CoderRow) -> str:
    """The coder's role; on a team server, what the server makes the login."""
    server = team_store.server_role(session)
    if server in (CODER, SUPERVISOR):
        return str(server)
    return coder.role


def _require_login(session: Connection | Session, name: str) -> None:
    """On a team server, refuse acting as anyone but the login's own coder (the owner of
    the tables administers the project and may)."""
    server = team_store.server_role(session)
    if server is None or server == team_store.OWNER:
        return
    own = team_store.login_coder(session)
    if name != own:
        raise PermissionDenied(
            f"On this team server you are '{own}' (your database login), so you cannot act "
            f"as '{name}'; to act as {name}, log in as {name}."
        )


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise QualcodeError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
    return role


def coder_info(coder: CoderRow) -> CoderInfo:
    return CoderInfo(id=coder.id, name=coder.name, role=coder.role, is_consensus=coder.is_consensus)


def add_coder(
    project: Project, name: str, role: str = CODER, *, actor: str | None = None
) -> CoderInfo:
    """Create coder `name` with `role`; once supervisors exist, only they may add coders."""
    _check_role(role)
    if not name.strip():
        raise QualcodeError("A coder needs a name.")

    def work(session: Session) -> CoderInfo:
        require_supervisor(session, actor, "add coders")
        if store.coder_row(session, name.strip()) is not None:
            raise QualcodeError(
                f"Coder '{name.strip()}' already exists; change a role with `qualcode coder role`."
            )
        return coder_info(store.add_coder(session, name.strip(), role))

    return project.write(work)


def set_role(project: Project, name: str, role: str, *, actor: str | None = None) -> CoderInfo:
    """Give coder `name` the `role`; the last supervisor cannot step down."""
    _check_role(role)

    def work(session: Session) -> CoderInfo:
        require_supervisor(session, actor, "change roles")
        if team_store.is_team(session):
            raise QualcodeError(
                "On a team server a role is the login's group role: as the tables' owner, run "
                f"`qualcode team add-login {name} --role {role}`."
            )
        coder = store.coder_row(session, name)
        if coder is None:
            raise NotFoundError(f"No coder '{name}'. List them with `qualcode coder list`.")
        last = coder.role == SUPERVISOR and store.count_supervisors(session) == 1
        if last and role != SUPERVISOR:
            raise QualcodeError(
                f"{name} is the last supervisor; make someone else a supervisor first."
            )
        store.set_role(session, coder.id, role)
        return coder_info(coder._replace(role=role))

    return project.write(work)


def list_coders(project: Project) -> list[CoderInfo]:
    return project.read(lambda session: [coder_info(c) for c in store.list_coders(session)])
