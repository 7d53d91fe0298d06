"""The study's scope settings: which speaker roles are moderators.

The moderator role list is a project setting (a study manifest may declare it with
``moderator_roles:``); without one the domain's default list applies. Services that count
turns resolve a `TurnScope` here, so both UIs apply the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from qualcode.domain.scope import (
    DEFAULT_MODERATOR_ROLES,
    MODERATOR_ROLES_SETTING,
    TurnScope,
    moderator_roles,
)
from qualcode.services.project import Project
from qualcode.store.analysis_rows import get_setting

if TYPE_CHECKING:  # the scope is resolved on Core too (`qualcode freq`)
    from sqlalchemy.orm import Session


def study_moderator_roles(session: Connection | Session) -> tuple[str, ...]:
    """The project's moderator roles (normal form), or the default list."""
    setting = get_setting(session, MODERATOR_ROLES_SETTING)
    if setting is None:
        return DEFAULT_MODERATOR_ROLES
    return moderator_roles(setting.get("roles", []))


def resolve(session: Connection | Session, scope: TurnScope) -> TurnScope:
    """The scope with the project's moderator role list."""
    return scope.with_moderator_roles(study_moderator_roles(session))


def set_moderator_roles(project: Project, roles: Iterable[str]) -> tuple[str, ...]:
    """Store the study's moderator roles (an empty list: no turn is a moderator's)."""
    chosen = moderator_roles(roles)

    from qualcode.store.codes import put_setting

    def work(session: Session) -> tuple[str, ...]:
        put_setting(session, MODERATOR_ROLES_SETTING, {"roles": list(chosen)})
        return chosen

    return project.write(work)


def get_moderator_roles(project: Project) -> tuple[str, ...]:
    return project.read(study_moderator_roles)
