"""Undo and redo of one coder's coding actions: each step is replayed through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from qualcode.domain.corpus import CodingView
from qualcode.errors import DatabaseBusyError, QualcodeError
from qualcode.services import coding
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store

DEFAULT_DEPTH = 200


@dataclass(frozen=True)
class Change:
    """What one action did to the database: codings that now exist and codings that went."""

    label: str
    added: tuple[CodingView, ...] = ()
    removed: tuple[CodingView, ...] = ()

    @property
    def segment_ids(self) -> set[int]:
        return {view.segment_id for view in (*self.added, *self.removed)}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class _Step:
    kind: Literal["apply", "remove"]
    label: str
    codings: list[CodingView] = field(default_factory=list)


class CodingHistory:
    """Applies and removes codes for one coder and remembers how to take each action back.

    Undo and redo call the same services as the actions themselves, each in its own
    transaction. A coding that already existed is not recorded, so undo never deletes
    work that was there before. Steps on turns that were split or joined are forgotten
    (see `forget`), because their codings may have moved to other segments.
    """

    def __init__(self, project: Project, coder: str, *, depth: int = DEFAULT_DEPTH) -> None:
        self.project = project
        self.coder = coder
        self.depth = depth
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def apply(self, segment_id: int, key: str, *, span: tuple[int, int] | None = None) -> Change:
        """Apply `key` to the segment (or a span, in transcript offsets) and record it."""
        before = self._coding_ids(segment_id)
        view = coding.apply_code(self.project, segment_id, key, self.coder, span=span)
        if view.id in before:
            return Change(f"{key} was already applied")
        label = f"apply {key}"
        self._record(_Step("apply", label, [view]))
        return Change(label, added=(view,))

    def remove(self, segment_id: int, key: str, *, span: tuple[int, int] | None = None) -> Change:
        """Remove the coder's codings of `key` on the segment (one span if given)."""
        removed = coding.remove_code(self.project, segment_id, key, self.coder, span=span)
        label = f"remove {key}"
        self._record(_Step("remove", label, removed))
        return Change(label, removed=tuple(removed))

    def undo(self) -> Change | None:
        """Take back the last action; None when there is nothing to undo."""
        return self._replay(self._undo, self._redo, undoing=True)

    def redo(self) -> Change | None:
        """Do again the last undone action; None when there is nothing to redo."""
        return self._replay(self._redo, self._undo, undoing=False)

    def forget(self, segment_ids: set[int]) -> None:
        """Drop steps on these segments (after a split or join moved their codings)."""
        for stack in (self._undo, self._redo):
            stack[:] = [
                step
                for step in stack
                if not segment_ids & {view.segment_id for view in step.codings}
            ]

    def _record(self, step: _Step) -> None:
        self._undo.append(step)
        del self._undo[: -self.depth]
        self._redo.clear()

    def _replay(self, source: list[_Step], target: list[_Step], *, undoing: bool) -> Change | None:
        if not source:
            return None
        step = source[-1]
        deleting = (step.kind == "apply") == undoing
        try:
            if deleting:
                gone = [coding.delete_coding(self.project, v.id, self.coder) for v in step.codings]
                change = Change(self._label(step, undoing), removed=tuple(gone))
            else:
                back = coding.restore_codings(self.project, step.codings)
                step.codings = back
                change = Change(self._label(step, undoing), added=tuple(back))
        except DatabaseBusyError:
            raise
        except QualcodeError as error:
            source.pop()
            raise QualcodeError(
                f"Cannot {'undo' if undoing else 'redo'} '{step.label}': {error}"
            ) from error
        target.append(source.pop())
        return change

    @staticmethod
    def _label(step: _Step, undoing: bool) -> str:
        return f"{'undo' if undoing else 'redo'} {step.label}"

    def _coding_ids(self, segment_id: int) -> set[int]:
        def work(session: Session) -> set[int]:
            coder = code_store.coder_by_name(session, self.coder)
            if coder is None:
                return set()
            rows = coding_store.codings_for_segments(session, [segment_id], [coder.id])
            return {row.id for row, _, _ in rows}

        return self.project.read(work)
