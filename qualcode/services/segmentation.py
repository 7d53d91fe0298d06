"""Split and join segments; offsets stay valid, and codings and suggestions move with their
text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.domain.suggestion import holds_evidence
from qualcode.errors import QualcodeError
from qualcode.services.coding import find_segment
from qualcode.services.project import Project
from qualcode.store import cards as card_store
from qualcode.store import codings as store
from qualcode.store import segments as segment_store
from qualcode.store.models import Coding, Segment, Suggestion, Transcript
from qualcode.store.transcripts import renumber_from
from qualcode.store.turn_rows import RowState, read_state

_COPIED = ("coder_id", "code_id", "origin", "memo", "created_at")


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
        first, second = _pair(session, segment_id)
        both = [first.id, second.id]
        before = read_state(session, segments=both)
        _join(session, first, second)
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
    text = session.get_one(Transcript, segment.transcript_id).text
    renumber_from(session, segment.transcript_id, segment.ordinal + 1, 1)
    split_time = _interpolate(segment, at)
    second = Segment(
        transcript_id=segment.transcript_id,
        speaker_id=segment.speaker_id,
        ordinal=segment.ordinal + 1,
        start_char=at,
        end_char=segment.end_char,
        word_count=len(text[at : segment.end_char].split()),
        start_time=split_time,
        end_time=segment.end_time,
    )
    segment.end_char = at
    segment.end_time = split_time if split_time is not None else segment.end_time
    segment.word_count = len(text[segment.start_char : at].split())
    session.add(second)
    session.flush()
    card_store.follow_split(session, segment.id, second.id)
    for coding in store.codings_on_segment(session, segment.id):
        if coding.start_char is None:
            session.add(_copy(coding, second.id, None, None))
        elif coding.start_char >= at:
            coding.segment_id = second.id
        elif coding.end_char is not None and coding.end_char > at:
            session.add(_copy(coding, second.id, at, coding.end_char))
            coding.end_char = at
    _share_pending(session, segment, second, text)
    return segment.id, second.id


def _share_pending(session: Session, first: Segment, second: Segment, text: str) -> None:
    """Give each half of a split turn the pending suggestions its text holds evidence for."""
    halves = (text[first.start_char : first.end_char], text[second.start_char : second.end_char])
    for suggestion in segment_store.suggestions_on(session, [first.id]):
        if suggestion.status != "pending":
            continue
        in_first, in_second = (holds_evidence(half, suggestion.reason) for half in halves)
        if in_second and not in_first:
            suggestion.segment_id = second.id
        elif in_first == in_second:
            segment_store.copy_suggestion(session, suggestion, second.id)


def _pair(session: Session, segment_id: int) -> tuple[Segment, Segment]:
    first = find_segment(session, segment_id)
    second = store.next_segment(session, first)
    if second is None:
        raise QualcodeError(f"Segment {segment_id} is the last of its transcript; nothing to join.")
    return first, second


def _join(session: Session, first: Segment, second: Segment) -> None:
    """Merge `second` into `first`, the turn before it, with every coding, memo and
    suggestion."""
    first_whole = _whole_layers(session, first.id)
    second_whole = _whole_layers(session, second.id)
    for layer, coding in first_whole.items():
        if layer not in second_whole:
            coding.start_char, coding.end_char = first.start_char, first.end_char
    for layer, coding in second_whole.items():
        if layer in first_whole:
            session.delete(coding)
        else:
            coding.start_char, coding.end_char = second.start_char, second.end_char
            coding.segment_id = first.id
    for coding in store.codings_on_segment(session, second.id):
        if coding.start_char is not None:
            coding.segment_id = first.id
    segment_store.move_memos(session, second.id, first.id)
    _join_suggestions(session, first.id, second.id)
    first.end_char = second.end_char
    first.end_time = second.end_time if second.end_time is not None else first.end_time
    first.word_count += second.word_count
    card_store.follow_join(session, first, second.id)
    session.flush()
    session.delete(second)
    session.flush()
    renumber_from(session, first.transcript_id, second.ordinal + 1, -1)


def _join_suggestions(session: Session, first: int, second: int) -> None:
    """Keep one suggestion per code and coder on the joined turn `first`."""
    kept: dict[tuple[int, int], Suggestion] = {}
    for suggestion in segment_store.suggestions_on(session, [first, second]):
        key = (suggestion.code_id, suggestion.coder_id)
        other = kept.get(key)
        if other is None:
            kept[key] = suggestion
            continue
        if _rank(suggestion) > _rank(other):
            kept[key], suggestion = suggestion, other
        session.delete(suggestion)
    session.flush()  # the dropped rows go before the moved ones meet the unique index
    for suggestion in kept.values():
        suggestion.segment_id = first


def _rank(suggestion: Suggestion) -> tuple[bool, float]:
    """Which of two suggestions of one code for one coder a join keeps: decided, then best."""
    return suggestion.status != "pending", suggestion.score


def _ids(state: RowState) -> dict[str, set[int]]:
    """The section rows a turn edit touched, read again afterwards even if they moved away."""
    return {"section": set(state.table("section"))}


def _interpolate(segment: Segment, at: int) -> float | None:
    """Estimate the time at offset `at`, assuming speech at an even pace within the turn."""
    if segment.start_time is None or segment.end_time is None:
        return None
    share = (at - segment.start_char) / (segment.end_char - segment.start_char)
    return round(segment.start_time + share * (segment.end_time - segment.start_time), 3)


def _copy(coding: Coding, segment_id: int, start: int | None, end: int | None) -> Coding:
    values = {name: getattr(coding, name) for name in _COPIED}
    return Coding(segment_id=segment_id, start_char=start, end_char=end, **values)


def _whole_layers(session: Session, segment_id: int) -> dict[tuple[int, int], Coding]:
    return {
        (coding.coder_id, coding.code_id): coding
        for coding in store.codings_on_segment(session, segment_id)
        if coding.start_char is None
    }
