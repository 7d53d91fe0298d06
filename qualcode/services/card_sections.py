"""Card sections set by hand in the workbench: give a run of turns to a card, or move the
start of a section by one turn.

Sections tile a transcript: each runs from its start to the turn before the next start
(`store.cards.write_sections`), so an edit is a change of starts. A start set or moved by
hand has origin `manual` and survives `cards detect`. Each edit is one transaction and
returns the section rows before and after, for the workbench's undo. While the project has
a supervisor, only a supervisor edits sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.domain.cards import SectionStart
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import cards as store
from qualcode.store.models import Segment
from qualcode.store.turn_rows import RowState, read_state

ACTION = "set card sections"


@dataclass(frozen=True)
class SectionEdit:
    """The section rows of the transcript before and after an edit, and what it did."""

    before: RowState
    after: RowState
    label: str


def assign_turns(
    project: Project,
    first_segment_id: int,
    last_segment_id: int,
    card_key: str | None,
    *,
    actor: str | None = None,
) -> SectionEdit:
    """The turns from `first_segment_id` to `last_segment_id` (either order, one transcript)
    form a section of `card_key`; with None they join the section before them. The turn
    after the run keeps the card it had."""

    def work(session: Session) -> SectionEdit:
        require_supervisor(session, actor, ACTION)
        first, last = _segment(session, first_segment_id), _segment(session, last_segment_id)
        if first.transcript_id != last.transcript_id:
            raise QualcodeError("Mark turns of one transcript to give them to a card.")
        transcript_id = first.transcript_id
        card_id = _card_id(session, card_key)
        order = store.turn_ids(session, transcript_id)
        position = {segment_id: index for index, segment_id in enumerate(order)}
        low, high = sorted((position[first.id], position[last.id]))
        starts = {
            position[start.segment_id]: start for start in store.starts_of(session, transcript_id)
        }
        following = _card_at(starts, high + 1) if high + 1 < len(order) else None
        kept = [start for at, start in starts.items() if not low <= at <= high + 1]
        if card_key is not None:
            kept.append(SectionStart(order[low], card_id, "manual"))
        if high + 1 < len(order):
            if high + 1 in starts:
                kept.append(starts[high + 1])
            else:
                chosen = {position[start.segment_id]: start for start in kept}
                if _card_at(chosen, high) != following:
                    kept.append(SectionStart(order[high + 1], following, "manual"))
        before = _rows(session, transcript_id)
        store.write_sections(session, transcript_id, kept, order=order)
        turns = f"turns {low + 1}-{high + 1}" if low != high else f"turn {low + 1}"
        what = f"card {card_key}" if card_key else "no card"
        return SectionEdit(before, _rows(session, transcript_id), f"give {turns} to {what}")

    return project.write(work)


def open_section(
    project: Project, segment_id: int, card_key: str | None, *, actor: str | None = None
) -> SectionEdit:
    """The turn opens a section of `card_key`, running to the next start (None: the turn
    opens no section; it joins the section before)."""

    def work(session: Session) -> SectionEdit:
        require_supervisor(session, actor, ACTION)
        turn = _segment(session, segment_id)
        card_id = _card_id(session, card_key)
        starts = store.starts_of(session, turn.transcript_id)
        kept = [start for start in starts if start.segment_id != turn.id]
        if card_key is not None:
            kept.append(SectionStart(turn.id, card_id, "manual"))
        elif len(kept) == len(starts):
            raise QualcodeError(f"Turn {turn.ordinal + 1} opens no section; nothing to take back.")
        before = _rows(session, turn.transcript_id)
        store.write_sections(session, turn.transcript_id, kept)
        label = f"turn {turn.ordinal + 1} opens {f'card {card_key}' if card_key else 'no section'}"
        return SectionEdit(before, _rows(session, turn.transcript_id), label)

    return project.write(work)


def move_start(
    project: Project, segment_id: int, step: int, *, actor: str | None = None
) -> SectionEdit:
    """Move the start of the card section holding the turn `step` turns earlier (negative)
    or later; the section before gives or takes those turns."""

    def work(session: Session) -> SectionEdit:
        require_supervisor(session, actor, ACTION)
        turn = _segment(session, segment_id)
        order = store.turn_ids(session, turn.transcript_id)
        position = {sid: index for index, sid in enumerate(order)}
        starts = sorted(
            (position[start.segment_id], start)
            for start in store.starts_of(session, turn.transcript_id)
        )
        holding = [(at, start) for at, start in starts if at <= position[turn.id]]
        if not holding or holding[-1][1].card_id is None:
            raise QualcodeError(
                "This turn is in the opening, which always starts at the first turn; move the "
                "start of the card after it, or give turns to a card."
            )
        at, start = holding[-1]
        earlier = holding[-2][0] if len(holding) > 1 else -1
        later = next((other for other, _ in starts if other > at), len(order))
        moved = at + step
        if not earlier < moved < later:
            raise QualcodeError(
                "The section cannot start there: it would swallow the section before it or "
                "leave itself empty."
            )
        kept = [other for _, other in starts if other is not start]
        kept.append(SectionStart(order[moved], start.card_id, "manual", start.score))
        before = _rows(session, turn.transcript_id)
        store.write_sections(session, turn.transcript_id, kept, order=order)
        direction = "earlier" if step < 0 else "later"
        return SectionEdit(
            before, _rows(session, turn.transcript_id), f"start the section {direction}"
        )

    return project.write(work)


def _card_at(starts: dict[int, SectionStart], at: int) -> int | None:
    """The card id in effect at a position, given the starts by position (None: opening)."""
    chosen = [position for position in starts if position <= at]
    return starts[max(chosen)].card_id if chosen else None


def _segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFoundError(f"No segment {segment_id}; see `qualcode segments TRANSCRIPT`.")
    return segment


def _card_id(session: Session, key: str | None) -> int | None:
    if key is None:
        return None
    card = store.card_by_key(session, key)
    if card is None:
        known = ", ".join(row.key for row in store.cards(session)) or "none yet"
        raise NotFoundError(f"No card '{key}' in the deck (cards: {known}).")
    return card.id


def _rows(session: Session, transcript_id: int) -> RowState:
    return read_state(session, ids={"section": store.section_ids(session, transcript_id)})
