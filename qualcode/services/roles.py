"""Coder roles: who may change the codebook, delete transcripts, adjudicate, alter a layer.

While a project has no supervisor at all it is in single-user mode and everyone may do
everything (so a lone researcher never meets these rules). Once a supervisor exists, the
rules apply and every guarded action must name its actor (`--coder`, QUALCODE_CODER).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.domain.corpus import CoderInfo
from qualcode.errors import NotFoundError, PermissionDenied, QualcodeError
from qualcode.services.project import Project
from qualcode.store import codes as store
from qualcode.store import roles as role_store
from qualcode.store.models import Coder

CODER = "coder"
SUPERVISOR = "supervisor"
ROLES = (CODER, SUPERVISOR)


def single_user(session: Session) -> bool:
    """True while nobody is a supervisor: then no rule applies."""
    return role_store.count_supervisors(session) == 0


def require_supervisor(session: Session, actor: str | None, action: str) -> None:
    """Refuse `action` (e.g. "load a codebook") unless `actor` is a supervisor."""
    if single_user(session):
        return
    coder = _actor(session, actor, action)
    if coder.role != SUPERVISOR:
        raise PermissionDenied(
            f"Only a supervisor may {action}; {coder.name} is a {coder.role}. "
            "Ask a supervisor to do it, or to make you one with `qualcode coder role`."
        )


def is_supervisor(session: Session, name: str | None) -> bool:
    coder = store.coder_by_name(session, name) if name else None
    return coder is not None and coder.role == SUPERVISOR


def require_layer_access(session: Session, actor: str | None, owner_id: int) -> None:
    """Refuse to change the codings of coder `owner_id` unless `actor` owns them or supervises."""
    if single_user(session):
        return
    coder = _actor(session, actor, "change codings")
    if coder.id != owner_id and coder.role != SUPERVISOR:
        owner = session.get(Coder, owner_id)
        raise PermissionDenied(
            f"{coder.name} may not change the codings of {owner.name if owner else 'another coder'}"
            "; a coder changes only their own layer (supervisors adjudicate)."
        )


def coder_for_write(session: Session, name: str) -> Coder:
    """The coder `name` about to write. While nobody supervises, a coder is created on
    their first write; once someone does, only a supervisor adds coders."""
    coder = store.coder_by_name(session, name)
    if coder is not None:
        return coder
    if not single_user(session):
        raise PermissionDenied(
            f"No coder '{name}' in this project; a supervisor adds coders with "
            "`qualcode coder add NAME`."
        )
    return store.ensure_coder(session, name)


def require_import(
    session: Session,
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


def _actor(session: Session, actor: str | None, action: str) -> Coder:
    if not actor:
        raise PermissionDenied(
            f"This project has supervisors, so to {action} say who you are: "
            "--coder NAME or QUALCODE_CODER=NAME."
        )
    coder = store.coder_by_name(session, actor)
    if coder is None:
        raise PermissionDenied(
            f"No coder '{actor}' in this project; a supervisor adds coders with "
            "`qualcode coder add NAME`."
        )
    return coder


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise QualcodeError(f"Unknown role '{role}'; use one of {', '.join(ROLES)}.")
    return role


def coder_info(coder: Coder) -> CoderInfo:
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
        if store.coder_by_name(session, name.strip()) is not None:
            raise QualcodeError(
                f"Coder '{name.strip()}' already exists; change a role with `qualcode coder role`."
            )
        return coder_info(store.ensure_coder(session, name.strip(), role))

    return project.write(work)


def set_role(project: Project, name: str, role: str, *, actor: str | None = None) -> CoderInfo:
    """Give coder `name` the `role`; the last supervisor cannot step down."""
    _check_role(role)

    def work(session: Session) -> CoderInfo:
        require_supervisor(session, actor, "change roles")
        coder = store.coder_by_name(session, name)
        if coder is None:
            raise NotFoundError(f"No coder '{name}'. List them with `qualcode coder list`.")
        last = coder.role == SUPERVISOR and role_store.count_supervisors(session) == 1
        if last and role != SUPERVISOR:
            raise QualcodeError(
                f"{name} is the last supervisor; make someone else a supervisor first."
            )
        role_store.set_role(session, coder, role)
        return coder_info(coder)

    return project.write(work)


def list_coders(project: Project) -> list[CoderInfo]:
    return project.read(lambda session: [coder_info(c) for c in store.list_coders(session)])
