"""Splitting and joining segments: the rows of the turns and of their dependants (codings,
memos, suggestions, card sections) move with their text."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qualcode.domain.suggestion import holds_evidence
from qualcode.domain.turns import time_at
from qualcode.store import cards as card_store
from qualcode.store.codings import codings_on_segment
from qualcode.store.models import Coding, Memo, Segment, Suggestion, Transcript
from qualcode.store.transcripts import renumber_from

_COPIED = ("coder_id", "code_id", "origin", "memo", "created_at")


def move_memos(session: Session, source: int, target: int) -> None:
    session.execute(update(Memo).where(Memo.segment_id == source).values(segment_id=target))


def suggestions_on(session: Session, segment_ids: list[int]) -> list[Suggestion]:
    """Every suggestion on the segments (any coder, any status), in id order."""
    return list(
        session.scalars(
            select(Suggestion).where(Suggestion.segment_id.in_(segment_ids)).order_by(Suggestion.id)
        )
    )


def copy_suggestion(session: Session, suggestion: Suggestion, segment_id: int) -> None:
    """The same suggestion (code, coder, score, reason, status) on another segment."""
    names = ("code_id", "coder_id", "score", "model_version", "status", "reason", "created_at")
    values = {name: getattr(suggestion, name) for name in names}
    session.add(Suggestion(segment_id=segment_id, **values))


def split_segment(session: Session, segment: Segment, at: int) -> int:
    """Split the segment at transcript offset `at` (strictly inside it); returns the id of
    the second half. Whole-turn codings go to both halves, span codings with their text (one
    crossing `at` is cut in two); pending suggestions by `_share_pending`."""
    text = session.get_one(Transcript, segment.transcript_id).text
    renumber_from(session, segment.transcript_id, segment.ordinal + 1, 1)
    split_time = time_at(
        segment.start_time, segment.end_time, segment.start_char, segment.end_char, at
    )
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
    for coding in codings_on_segment(session, segment.id):
        if coding.start_char is None:
            session.add(_copy(coding, second.id, None, None))
        elif coding.start_char >= at:
            coding.segment_id = second.id
        elif coding.end_char is not None and coding.end_char > at:
            session.add(_copy(coding, second.id, at, coding.end_char))
            coding.end_char = at
    _share_pending(session, segment, second, text)
    return second.id


def _share_pending(session: Session, first: Segment, second: Segment, text: str) -> None:
    """Give each half of a split turn the pending suggestions its text holds evidence for."""
    halves = (text[first.start_char : first.end_char], text[second.start_char : second.end_char])
    for suggestion in suggestions_on(session, [first.id]):
        if suggestion.status != "pending":
            continue
        in_first, in_second = (holds_evidence(half, suggestion.reason) for half in halves)
        if in_second and not in_first:
            suggestion.segment_id = second.id
        elif in_first == in_second:
            copy_suggestion(session, suggestion, second.id)


def join_segments(session: Session, first: Segment, second: Segment) -> None:
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
    for coding in codings_on_segment(session, second.id):
        if coding.start_char is not None:
            coding.segment_id = first.id
    move_memos(session, second.id, first.id)
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
    for suggestion in suggestions_on(session, [first, second]):
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


def _copy(coding: Coding, segment_id: int, start: int | None, end: int | None) -> Coding:
    values = {name: getattr(coding, name) for name in _COPIED}
    return Coding(segment_id=segment_id, start_char=start, end_char=end, **values)


def _whole_layers(session: Session, segment_id: int) -> dict[tuple[int, int], Coding]:
    return {
        (coding.coder_id, coding.code_id): coding
        for coding in codings_on_segment(session, segment_id)
        if coding.start_char is None
    }
