"""Split and join segments; offsets stay valid, and codings and suggestions move with their
text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.errors import QualcodeError
from qualcode.services.finders import find_segment
from qualcode.services.project import Project
from qualcode.services.roles import require_team_supervisor
from qualcode.store import codings as store
from qualcode.store import segments as segment_store
from qualcode.store.models import Segment
from qualcode.store.turn_rows import RowState, read_state

# On a team server splitting and joining turns is a supervisor's: it moves every coder's
# codings (on SQLite and outside team mode, anyone who codes may).
ACTION = "split or join turns"


@dataclass(frozen=True)
class TurnEdit:
    """A split or join: the segments it left, and every row of the turns before and after
    it (all coders' codings, memos, suggestions, adjudications), so it can be undone."""

    segment_ids: tuple[int, ...]
    before: RowState
    after: RowState


def split_turn(project: Project, segment_id: int, at: int) -> TurnEdit:
    """Split the turn at transcript offset `at` into two, recording the rows before and after.

    A whole-turn coding applies to both halves; a span coding goes with the half that holds
    its text, and a span that crosses `at` is cut in two. A pending suggestion goes with the
    half whose text holds a term its reason names, and to both halves when both or neither
    do; decided suggestions stay with the first half.
    """

    def work(session: Session) -> TurnEdit:
        require_team_supervisor(session, ACTION)
        before = read_state(session, segments=[segment_id])
        halves = _split(session, segment_id, at)
        return TurnEdit(halves, before, read_state(session, segments=halves, ids=_ids(before)))

    return project.write(work)


def join_turns(project: Project, segment_id: int) -> TurnEdit:
    """Join the turn with the next one, recording the rows before and after.

    A code that covered both whole turns covers the joined turn; a code that covered one
    whole turn becomes a span over that turn's text. Suggestions of both turns stay on the
    joined turn, one per code and coder: a decided one before a pending one, else the higher
    score.
    """

    def work(session: Session) -> TurnEdit:
        require_team_supervisor(session, ACTION)
        first, second = _pair(session, segment_id)
        both = [first.id, second.id]
        before = read_state(session, segments=both)
        segment_store.join_segments(session, first, second)
        after = read_state(session, segments=both, ids=_ids(before))
        return TurnEdit((first.id,), before, after)

    return project.write(work)


def _split(session: Session, segment_id: int, at: int) -> tuple[int, int]:
    segment = find_segment(session, segment_id)
    if not segment.start_char < at < segment.end_char:
        raise QualcodeError(
            f"Cannot split segment {segment_id} at {at}: the offset must fall strictly "
            f"inside {segment.start_char}:{segment.end_char}."
        )
    return segment.id, segment_store.split_segment(session, segment, at)


def _pair(session: Session, segment_id: int) -> tuple[Segment, Segment]:
    first = find_segment(session, segment_id)
    second = store.next_segment(session, first)
    if second is None:
        raise QualcodeError(f"Segment {segment_id} is the last of its transcript; nothing to join.")
    return first, second


def _ids(state: RowState) -> dict[str, set[int]]:
    """The section rows a turn edit touched, read again afterwards even if they moved away."""
    return {"section": set(state.table("section"))}
