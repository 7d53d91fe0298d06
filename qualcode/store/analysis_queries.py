"""SQL for the analysis queries: coded turns per code and group, co-occurrence, quotations.

Every query counts *turns* (segments): a turn counts once for a code however many codings of
that code's layer it holds. Roll-up goes through an ancestor map of (code id, ancestor id)
pairs, every code paired with itself and with each code whose key is a dotted prefix of its
own, so that a parent counts a turn once even when two of its children coded it. The map is
sent as a VALUES list, which SQLite and PostgreSQL both accept in a CTE.

All statements are plain SQLAlchemy Core; none is specific to one database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    func,
    literal,
    or_,
    select,
    values,
)
from sqlalchemy.orm import Session

from qualcode.store.models import Code, Coder, Coding, Segment, Speaker, Transcript

AncestorMap = Sequence[tuple[int, int]]
"""(code id, ancestor id) pairs, a code being its own ancestor."""


@dataclass(frozen=True)
class TurnScope:
    """Which turns a query looks at; empty tuples mean no restriction."""

    departments: tuple[str, ...] = ()
    group_kinds: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    transcript_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Layer:
    """Whose codings count: the coders' ids, or None for every coder."""

    coder_ids: tuple[int, ...] | None = None
    by_coder: bool = field(default=False)


class CodedTurns(NamedTuple):
    """Distinct turns coded with (a descendant of) a code, per transcript and speaker."""

    ancestor_id: int
    transcript_id: int
    speaker_id: int | None
    coder_id: int | None
    turns: int
    words: int


class TurnTotals(NamedTuple):
    """All turns in scope per transcript and speaker, coded or not."""

    transcript_id: int
    speaker_id: int | None
    turns: int
    words: int


class TranscriptFacts(NamedTuple):
    id: int
    title: str
    department: str | None
    group_kind: str | None


class SpeakerFacts(NamedTuple):
    id: int
    label: str
    role: str | None


class CoOccurrence(NamedTuple):
    first_id: int
    second_id: int
    turns: int


class QuotedCoding(NamedTuple):
    """One coding of a quoted turn, with the turn's place and text."""

    segment_id: int
    transcript_id: int
    title: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    start_time: float | None
    segment_start: int
    text: str
    span_start: int | None
    span_end: int | None
    code_key: str
    coder: str


def codes_in_order(session: Session, codebook_id: int) -> list[tuple[int, str, str]]:
    """(id, key, name) of the codebook's codes in codebook order."""
    query = (
        select(Code.id, Code.key, Code.name)
        .where(Code.codebook_id == codebook_id)
        .order_by(Code.sort_order, Code.key)
    )
    return [(code_id, key, name) for code_id, key, name in session.execute(query)]


def coders(session: Session) -> list[tuple[int, str, bool]]:
    """(id, name, is_consensus) of every coder, by name."""
    query = select(Coder.id, Coder.name, Coder.is_consensus).order_by(Coder.name)
    return [(coder_id, name, bool(flag)) for coder_id, name, flag in session.execute(query)]


def transcript_facts(session: Session) -> dict[int, TranscriptFacts]:
    query = select(Transcript.id, Transcript.title, Transcript.department, Transcript.group_kind)
    return {row[0]: TranscriptFacts(*row) for row in session.execute(query)}


def speaker_facts(session: Session) -> dict[int, SpeakerFacts]:
    query = select(Speaker.id, Speaker.label, Speaker.role)
    return {row[0]: SpeakerFacts(*row) for row in session.execute(query)}


def coded_turns(
    session: Session, ancestors: AncestorMap, layer: Layer, scope: TurnScope
) -> list[CodedTurns]:
    """Distinct coded turns and their words per (ancestor, transcript, speaker[, coder]).

    The inner query keeps one row per (ancestor, turn[, coder]); the outer one counts them.
    Transcripts and speakers partition turns, so callers may add these counts up to any
    coarser group (department, group kind, role) without counting a turn twice.
    """
    if not ancestors:
        return []
    mapping = _ancestor_cte(ancestors)
    coder = Coding.coder_id if layer.by_coder else literal(None, Integer)
    inner = (
        select(
            mapping.c.ancestor_id,
            Segment.transcript_id,
            Segment.speaker_id,
            coder.label("coder_id"),
            Segment.id,
            Segment.word_count,
        )
        .select_from(Coding)
        .join(mapping, mapping.c.code_id == Coding.code_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(*_layer_filter(layer))
        .group_by(
            mapping.c.ancestor_id,
            Segment.transcript_id,
            Segment.speaker_id,
            *([Coding.coder_id] if layer.by_coder else []),
            Segment.id,
            Segment.word_count,
        )
    )
    pairs = _scoped(inner, scope).subquery("pairs")
    query = select(
        pairs.c.ancestor_id,
        pairs.c.transcript_id,
        pairs.c.speaker_id,
        pairs.c.coder_id,
        func.count(),
        func.sum(pairs.c.word_count),
    ).group_by(pairs.c.ancestor_id, pairs.c.transcript_id, pairs.c.speaker_id, pairs.c.coder_id)
    return [CodedTurns(*row) for row in session.execute(query)]


def turn_totals(session: Session, scope: TurnScope) -> list[TurnTotals]:
    """Turns and words per (transcript, speaker) in scope: the denominators of the measures."""
    query = select(
        Segment.transcript_id, Segment.speaker_id, func.count(), func.sum(Segment.word_count)
    ).group_by(Segment.transcript_id, Segment.speaker_id)
    return [TurnTotals(*row) for row in session.execute(_scoped(query, scope))]


def co_occurrences(
    session: Session, ancestors: AncestorMap, layer: Layer, scope: TurnScope, *, overlap: bool
) -> list[CoOccurrence]:
    """Turns in which two codes (rolled up) both occur, per pair of ancestor ids (first < second).

    With `overlap`, a pair counts only in turns where a coding of one overlaps a coding of
    the other; a whole-turn coding covers the whole turn.
    """
    if not ancestors:
        return []
    mapping = _ancestor_cte(ancestors)
    start = func.coalesce(Coding.start_char, Segment.start_char)
    end = func.coalesce(Coding.end_char, Segment.end_char)
    units = (
        select(
            mapping.c.ancestor_id,
            Coding.segment_id,
            start.label("start"),
            end.label("end"),
        )
        .select_from(Coding)
        .join(mapping, mapping.c.code_id == Coding.code_id)
        .join(Segment, Segment.id == Coding.segment_id)
        .where(*_layer_filter(layer))
    )
    if not overlap:
        # Same turn: one unit per (code, turn) whatever the spans.
        units = units.with_only_columns(mapping.c.ancestor_id, Coding.segment_id).distinct()
    units_cte = _scoped(units, scope).cte("units")
    first, second = units_cte.alias("first"), units_cte.alias("second")
    condition = and_(
        first.c.segment_id == second.c.segment_id, first.c.ancestor_id < second.c.ancestor_id
    )
    if overlap:
        condition = and_(condition, first.c.start < second.c.end, second.c.start < first.c.end)
    query = (
        select(
            first.c.ancestor_id,
            second.c.ancestor_id,
            func.count(func.distinct(first.c.segment_id)),
        )
        .select_from(first)
        .join(second, condition)
        .group_by(first.c.ancestor_id, second.c.ancestor_id)
    )
    return [CoOccurrence(*row) for row in session.execute(query)]


def quoted_codings(
    session: Session,
    code_ids: Sequence[int],
    layer: Layer,
    scope: TurnScope,
    *,
    limit: int | None,
) -> list[QuotedCoding]:
    """Codings of the codes on the first `limit` coded turns in scope, in transcript order."""
    order = (Transcript.department, Transcript.title, Transcript.id, Segment.ordinal)
    turns = (
        select(Segment.id)
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Coding.code_id.in_(list(code_ids)), *_layer_filter(layer))
        .group_by(Segment.id, *order)
        .order_by(*order)
        .limit(limit)
    )
    turn_ids = list(session.scalars(_scoped(turns, scope, joined=True)))
    if not turn_ids:
        return []
    query = (
        select(
            Segment.id,
            Segment.transcript_id,
            Transcript.title,
            Transcript.department,
            Transcript.group_kind,
            Speaker.label,
            Speaker.role,
            Segment.start_time,
            Segment.start_char,
            segment_text(),
            Coding.start_char,
            Coding.end_char,
            Code.key,
            Coder.name,
        )
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(
            Segment.id.in_(turn_ids), Coding.code_id.in_(list(code_ids)), *_layer_filter(layer)
        )
        .order_by(*order, Coding.start_char, Code.sort_order, Coder.name)
    )
    return [QuotedCoding(*row) for row in session.execute(query)]


def segment_text() -> ColumnElement[str]:
    """A segment's text, cut from its transcript (SQL substr counts characters from 1)."""
    length = Segment.end_char - Segment.start_char
    return func.substr(Transcript.text, Segment.start_char + 1, length).label("text")


def scoped(query: Select, scope: TurnScope, *, joined: bool = False) -> Select:
    """Restrict a query that selects from segment to the turns in scope."""
    return _scoped(query, scope, joined=joined)


def _scoped(query: Select, scope: TurnScope, *, joined: bool = False) -> Select:
    if scope.departments or scope.group_kinds:
        if not joined:
            query = query.join(Transcript, Transcript.id == Segment.transcript_id)
        if scope.departments:
            query = query.where(Transcript.department.in_(scope.departments))
        if scope.group_kinds:
            query = query.where(Transcript.group_kind.in_(scope.group_kinds))
    if scope.transcript_ids:
        query = query.where(Segment.transcript_id.in_(scope.transcript_ids))
    if scope.roles:
        roles = select(Speaker.id).where(Speaker.role.in_(scope.roles))
        query = query.where(Segment.speaker_id.in_(roles))
    return query


def _layer_filter(layer: Layer) -> list[ColumnElement[bool]]:
    return [] if layer.coder_ids is None else [Coding.coder_id.in_(layer.coder_ids)]


def _ancestor_cte(ancestors: AncestorMap):  # noqa: ANN202 - a CTE of two integer columns
    table = values(
        column("code_id", Integer), column("ancestor_id", Integer), name="ancestors"
    ).data(list(ancestors))
    return table.cte("ancestors")


__all__ = [
    "AncestorMap",
    "CoOccurrence",
    "CodedTurns",
    "Layer",
    "QuotedCoding",
    "SpeakerFacts",
    "TranscriptFacts",
    "TurnScope",
    "TurnTotals",
    "co_occurrences",
    "coded_turns",
    "codes_in_order",
    "coders",
    "or_",
    "quoted_codings",
    "scoped",
    "segment_text",
    "speaker_facts",
    "transcript_facts",
    "turn_totals",
]
