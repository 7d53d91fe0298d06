"""Blind mode: while on, each coder sees only their own layer (supervisors see every layer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from qualcode.errors import QualcodeError
from qualcode.services.project import Project
from qualcode.services.roles import is_supervisor, require_supervisor
from qualcode.store import codes as store

BLIND_KEY = "blind_mode"


def _is_on(session: Session) -> bool:
    return bool((store.get_setting(session, BLIND_KEY) or {}).get("on"))


def blind_mode(project: Project) -> bool:
    """Whether blind mode is on."""
    return project.read(_is_on)


def set_blind_mode(project: Project, on: bool, *, actor: str | None) -> bool:
    """Switch blind mode on or off (a supervisor's decision once supervisors exist)."""

    def work(session: Session) -> bool:
        require_supervisor(session, actor, "switch blind mode")
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        store.put_setting(session, BLIND_KEY, {"on": on, "by": actor, "at": stamp})
        return on

    return project.write(work)


def hides_other_layers(session: Session, coder: str | None) -> bool:
    """True while blind mode keeps other coders' work (codings, memos) from `coder`."""
    return _is_on(session) and not is_supervisor(session, coder)


def coders_visible_to(project: Project, coder: str | None) -> list[str] | None:
    """The layers `coder` may see: None for all, else just their own.

    While blind mode is on a coder must say who they are; a supervisor still sees all.
    """

    def work(session: Session) -> list[str] | None:
        if not hides_other_layers(session, coder):
            return None
        if not coder:
            raise QualcodeError(
                "Blind mode is on, so say who you are (--coder NAME or QUALCODE_CODER=NAME) "
                "to see your own codings."
            )
        return [coder]

    return project.read(work)


def visible_coders(
    project: Project, actor: str | None, requested: list[str] | None
) -> list[str] | None:
    """The coders whose codings to show when `actor` asks for `requested` (None = all)."""
    allowed = coders_visible_to(project, actor)
    if allowed is None:
        return requested
    return [name for name in requested if name in allowed] if requested else allowed
