"""Blind mode and the one visibility rule: while blind mode is on, a coder sees only their own
layer (codings, memos, quotes); the all-coders and consensus layers, agreement, disagreements
and a whole-project export are for supervisors. Every read service applies `visibility`, so
the CLI and the TUI show the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from qualcode.domain.layer import Layer, LayerKind
from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services.project import Project
from qualcode.services.roles import is_supervisor, require_supervisor
from qualcode.store.analysis_rows import get_setting

if TYPE_CHECKING:  # the read rules run on Core too (`qualcode freq`)
    from sqlalchemy.orm import Session

BLIND_KEY = "blind_mode"


@dataclass(frozen=True)
class Visibility:
    """What one person may see: every layer (`own` None) or only their own coder layer."""

    own: str | None = None

    def require_every_layer(self, what: str) -> None:
        """Refuse a view of several coders' work (`what`, e.g. "agreement") to a blind coder."""
        if self.own is not None:
            raise PermissionDenied(f"Blind mode is on: only a supervisor sees {what}.")

    def coders(self, requested: Sequence[str] | None) -> list[str] | None:
        """The coders whose codings to show when `requested` are asked for (None = all)."""
        if self.own is None:
            return list(requested) if requested else None
        return [name for name in requested if name == self.own] if requested else [self.own]

    def layer(self, asked: Layer) -> Layer:
        """The layer to count when `asked` is asked for: a blind coder's own (also for all
        coders); another coder's or the consensus is refused."""
        if self.own is None:
            return asked
        if asked.kind is LayerKind.ALL or asked == Layer.coder(self.own):
            return Layer.coder(self.own)
        raise PermissionDenied(
            f"Blind mode is on: {self.own} sees only their own layer; "
            f"ask for --coder {self.own} (or none)."
        )


def _is_on(session: Connection | Session) -> bool:
    return bool((get_setting(session, BLIND_KEY) or {}).get("on"))


def blind_mode(project: Project) -> bool:
    """Whether blind mode is on."""
    return project.read(_is_on)


def set_blind_mode(project: Project, on: bool, *, actor: str | None) -> bool:
    """Switch blind mode on or off (a supervisor's decision once supervisors exist)."""

    from qualcode.store import codes as store

    def work(session: Session) -> bool:
        require_supervisor(session, actor, "switch blind mode")
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        store.put_setting(session, BLIND_KEY, {"on": on, "by": actor, "at": stamp})
        return on

    return project.write(work)


def hides_other_layers(session: Connection | Session, coder: str | None) -> bool:
    """True while blind mode keeps other coders' work (codings, memos) from `coder`."""
    return _is_on(session) and not is_supervisor(session, coder)


def visibility(session: Connection | Session, actor: str | None) -> Visibility:
    """The rule for `actor`: everything, or (blind mode on, not a supervisor) their own layer.

    While blind mode is on a coder must say who they are; a supervisor still sees all.
    """
    if not hides_other_layers(session, actor):
        return Visibility()
    if not actor:
        raise QualcodeError(
            "Blind mode is on, so say who you are (--coder NAME or QUALCODE_CODER=NAME) "
            "to see your own codings."
        )
    return Visibility(own=actor)


def visibility_for(project: Project, actor: str | None) -> Visibility:
    """`visibility` in its own read, for a UI choosing what to offer."""
    return project.read(lambda session: visibility(session, actor))


@dataclass(frozen=True)
class VisibleLayers:
    """The layers one person may choose to count."""

    every: bool  # the all-coders layer
    consensus: bool  # the consensus layer (there is one, and they may see it)
    coders: tuple[str, ...]  # the coders' own layers, by name


def visible_layers(project: Project, actor: str | None) -> VisibleLayers:
    """The layers `actor` may choose: all of them, or a blind coder's own."""

    from qualcode.store import codes as store

    def work(session: Session) -> VisibleLayers:
        own = visibility(session, actor).own
        if own is not None:
            return VisibleLayers(every=False, consensus=False, coders=(own,))
        coders = store.list_coders(session)
        return VisibleLayers(
            every=True,
            consensus=any(coder.is_consensus for coder in coders),
            coders=tuple(coder.name for coder in coders if not coder.is_consensus),
        )

    return project.read(work)
