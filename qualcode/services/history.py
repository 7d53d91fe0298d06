"""Undo and redo of one coder's actions on the coding screen: apply, remove, accept a
suggestion, split and join, and card sections set by hand.

Each action runs through its service; the history then records the rows it changed, as they
were before and after (see qualcode.store.turn_rows). Undo writes the rows back as they were
before, redo as they were after, with their original ids, each in its own transaction, and
only if nobody changed them meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from qualcode.domain.coding import CodingView
from qualcode.errors import DatabaseBusyError, QualcodeError
from qualcode.services import card_sections, coding, segmentation, suggestions
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import turn_rows
from qualcode.store.models import Code, Coder
from qualcode.store.turn_rows import RowState

DEFAULT_DEPTH = 200
Kind = Literal["coding", "suggestion", "turns", "sections"]


@dataclass(frozen=True)
class Change:
    """What one action did: codings that now exist and codings that went. `turns` says the
    turns themselves changed (split or join; read them again), `suggestions` that a
    suggestion changed status, and `sections` that the card sections changed."""

    label: str
    added: tuple[CodingView, ...] = ()
    removed: tuple[CodingView, ...] = ()
    turns: tuple[int, ...] = ()
    suggestions: bool = False
    sections: bool = False

    @property
    def segment_ids(self) -> set[int]:
        return {view.segment_id for view in (*self.added, *self.removed)}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.turns or self.suggestions or self.sections)


@dataclass(frozen=True)
class _Step:
    kind: Kind
    label: str
    before: RowState
    after: RowState


class CodingHistory:
    """Runs one coder's coding-screen actions and remembers how to take each one back.

    An action that changed nothing (a code that was already there) is not recorded, so undo
    never deletes work that existed before. Undo and redo refuse, with a message, when the
    rows changed since (another coder or program edited them), and drop that step.
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

    # -- actions -----------------------------------------------------------------------------

    def apply(self, segment_id: int, key: str, *, span: tuple[int, int] | None = None) -> Change:
        """Apply `key` to the segment (or a span, in transcript offsets) and record it."""
        before_ids = self._coding_ids(segment_id)
        view = coding.apply_code(self.project, segment_id, key, self.coder, span=span)
        if view.id in before_ids:
            return Change(f"{key} was already applied")
        label = f"apply {key}"
        self._record("coding", label, RowState(), self._rows(coding=[view.id]))
        return Change(label, added=(view,))

    def remove(self, segment_id: int, key: str, *, span: tuple[int, int] | None = None) -> Change:
        """Remove the coder's codings of `key` on the segment (one span if given)."""
        ids = self._coding_ids(segment_id)
        before = self._rows(coding=ids)
        removed = coding.remove_code(self.project, segment_id, key, self.coder, span=span)
        gone = {view.id for view in removed}
        kept = {i: row for i, row in before.table("coding").items() if i in gone}
        label = f"remove {key}"
        self._record("coding", label, RowState(rows={"coding": kept}), RowState())
        return Change(label, removed=tuple(removed))

    def accept(self, segment_id: int, suggestion_id: int) -> Change:
        """Accept a suggestion for the turn: its code is applied with origin `suggestion`."""
        ids = self._coding_ids(segment_id)
        before = self._rows(coding=ids, suggestion=[suggestion_id])
        view = suggestions.accept_suggestion(self.project, suggestion_id, self.coder)
        after = self._rows(coding=[*ids, view.id], suggestion=[suggestion_id])
        label = f"accept {view.code_key}"
        self._record("suggestion", label, *turn_rows.narrow(before, after))
        added = () if view.id in ids else (view,)
        return Change(label, added=added, suggestions=True)

    def split(self, segment_id: int, at: int) -> Change:
        """Split the turn at transcript offset `at` (see segmentation.split_turn)."""
        edit = segmentation.split_turn(self.project, segment_id, at)
        return self._record("turns", "split", edit.before, edit.after, turns=edit.segment_ids)

    def join(self, segment_id: int) -> Change:
        """Join the turn with the next one (see segmentation.join_turns)."""
        edit = segmentation.join_turns(self.project, segment_id)
        return self._record("turns", "join", edit.before, edit.after, turns=edit.segment_ids)

    def assign_turns(self, first_id: int, last_id: int, card_key: str | None) -> Change:
        """Give the turns from `first_id` to `last_id` to a card (None: to no card; see
        card_sections.assign_turns)."""
        edit = card_sections.assign_turns(
            self.project, first_id, last_id, card_key, actor=self.coder
        )
        return self._record("sections", edit.label, edit.before, edit.after, sections=True)

    def open_section(self, segment_id: int, card_key: str | None) -> Change:
        """The turn opens a section of the card (None: no section; card_sections.open_section)."""
        edit = card_sections.open_section(self.project, segment_id, card_key, actor=self.coder)
        return self._record("sections", edit.label, edit.before, edit.after, sections=True)

    def move_section(self, segment_id: int, step: int) -> Change:
        """Move the start of the card section holding the turn (see card_sections.move_start)."""
        edit = card_sections.move_start(self.project, segment_id, step, actor=self.coder)
        return self._record("sections", edit.label, edit.before, edit.after, sections=True)

    # -- undo and redo -----------------------------------------------------------------------

    def undo(self) -> Change | None:
        """Take back the last action; None when there is nothing to undo."""
        return self._replay(self._undo, self._redo, undoing=True)

    def redo(self) -> Change | None:
        """Do again the last undone action; None when there is nothing to redo."""
        return self._replay(self._redo, self._undo, undoing=False)

    def _record(
        self, kind: Kind, label: str, before: RowState, after: RowState, **change: object
    ) -> Change:
        if before.rows or after.rows:
            self._undo.append(_Step(kind, label, before, after))
            del self._undo[: -self.depth]
            self._redo.clear()
        return Change(label, **change)  # type: ignore[arg-type]

    def _replay(self, source: list[_Step], target: list[_Step], *, undoing: bool) -> Change | None:
        if not source:
            return None
        step = source[-1]
        current, wanted = (step.after, step.before) if undoing else (step.before, step.after)
        label = f"{'undo' if undoing else 'redo'} {step.label}"

        def work(session: Session) -> Change:
            changes = turn_rows.write_state(session, current, wanted)
            removed = tuple(_view(session, row) for row, _ in changes if row)
            added = tuple(_view(session, row) for _, row in changes if row)
            if step.kind == "sections":
                return Change(label, sections=True)
            if step.kind == "turns":
                ids = {row["id"] for row in wanted.table("segment").values()}
                return Change(label, turns=tuple(sorted(ids)))
            return Change(label, added, removed, suggestions=step.kind == "suggestion")

        try:
            change = self.project.write(work)
        except DatabaseBusyError:
            raise
        except QualcodeError as error:
            source.pop()
            raise QualcodeError(
                f"Cannot {'undo' if undoing else 'redo'} '{step.label}': {error}. "
                "That step is dropped; the rest of the history still works."
            ) from error
        target.append(source.pop())
        return change

    # -- reading -----------------------------------------------------------------------------

    def _rows(self, **ids: list[int] | set[int]) -> RowState:
        return self.project.read(lambda session: turn_rows.read_state(session, ids=ids))

    def _coding_ids(self, segment_id: int) -> set[int]:
        def work(session: Session) -> set[int]:
            coder = code_store.coder_by_name(session, self.coder)
            if coder is None:
                return set()
            rows = coding_store.codings_for_segments(session, [segment_id], [coder.id])
            return {row.id for row, _, _ in rows}

        return self.project.read(work)


def _view(session: Session, row: turn_rows.Row) -> CodingView:
    """A coding row as the screen shows it, with its code key and coder name."""
    fields = ("id", "segment_id", "start_char", "end_char", "origin", "memo")
    return CodingView(
        code_key=session.get_one(Code, row["code_id"]).key,
        coder=session.get_one(Coder, row["coder_id"]).name,
        **{name: row[name] for name in fields},
    )
