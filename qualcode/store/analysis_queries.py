"""SQL for the analysis queries: coded turns per code and group, co-occurrence, quotations.

The unit is the *turn* (segment): a turn counts once for a code however many codings of the
chosen layer it holds there. Roll-up: a code also counts every turn coded with one of its
descendants (codes whose key starts with its key and a dot), once per turn even when two of
its children coded it.

How the roll-up is written, and why: each coding yields one (turn, code) unit for itself and
one for each ancestor, produced by one scan of ``coding`` per level of the hierarchy with a
CASE that maps a code id to its ancestor at that level; GROUP BY then keeps one unit per
(turn, code). A join to a code->ancestor table gives the same result, but SQLite's planner
then loops over the small table and reads ``coding`` through ``ix_coding_code_id``, one
random row lookup per coding, about twice as slow on a million codings. The scans touch only
``coding``, so no planner can take that path, and the SQL is the same on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from qualcode.domain.counts import CoOccurrence, QuotedCoding
from qualcode.domain.layer import Layer
from qualcode.domain.rollup import RollUp
from qualcode.domain.scope import TurnScope
from qualcode.store.analysis_rows import (  # noqa: F401 (the readers every analysis shares)
    coders,
    codes_in_order,
    speaker_labels,
    speaker_roles,
    transcript_facts,
)
from qualcode.store.cards import section_turns
from qualcode.store.layers import coding_layer_filter, participant_turns
from qualcode.store.models import Code, Coder, Coding, Segment, Speaker, Transcript

# The columns that place a turn for a reader: id, transcript, turn, group, speaker, time.
TURN_COLUMNS = (
    Segment.id,
    Segment.transcript_id,
    Segment.ordinal,
    Transcript.title,
    Transcript.department,
    Transcript.group_kind,
    Speaker.label,
    Speaker.role,
    Segment.start_time,
)


def co_occurrences(
    session: Connection | Session,
    rollup: RollUp,
    layer: Layer,
    scope: TurnScope,
    *,
    overlap: bool,
    same_coder: bool = True,
) -> list[CoOccurrence]:
    """Turns holding two row codes, per pair of code ids (first < second).

    With `same_coder` (the default), a turn counts for a pair only when one coder of the
    layer applied both codes there, so that two coders' different readings of a turn make
    no pair. With `overlap`, a turn counts only when a coding of one overlaps a coding of
    the other (a whole-turn coding covers its whole turn); otherwise sharing the turn is
    enough.
    """
    if not rollup.own:
        return []
    units = coding_units(rollup, layer, spans=overlap, by_coder=same_coder, scope=scope)
    columns = [units.c.code_id, units.c.segment_id, units.c.coder_id]
    if overlap:
        columns += [
            func.coalesce(units.c.start_char, Segment.start_char).label("start"),
            func.coalesce(units.c.end_char, Segment.end_char).label("end"),
        ]
    found = (
        select(*columns)
        .select_from(units)
        .join(Segment, Segment.id == units.c.segment_id)
        .where(units.c.code_id.is_not(None))
    )
    if not overlap:
        found = found.distinct()
    found_cte = scoped(found, scope).cte("found")
    first, second = found_cte.alias("first"), found_cte.alias("second")
    condition = and_(first.c.segment_id == second.c.segment_id, first.c.code_id < second.c.code_id)
    if same_coder:
        condition = and_(condition, first.c.coder_id == second.c.coder_id)
    if overlap:
        condition = and_(condition, first.c.start < second.c.end, second.c.start < first.c.end)
    query = (
        select(first.c.code_id, second.c.code_id, func.count(func.distinct(first.c.segment_id)))
        .select_from(first)
        .join(second, condition)
        .group_by(first.c.code_id, second.c.code_id)
    )
    return [CoOccurrence(*row) for row in session.execute(query)]


def quoted_codings(
    session: Session, code_ids: Sequence[int], layer: Layer, scope: TurnScope, *, limit: int
) -> list[QuotedCoding]:
    """The codings of `code_ids` on the first `limit` turns they coded, in transcript order."""
    order = (Transcript.department, Transcript.title, Transcript.id, Segment.ordinal)
    coded = (
        select(Segment.id)
        .select_from(Coding)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Coding.code_id.in_(code_ids), *coding_layer_filter(layer), *narrowed(scope))
    )
    first = scoped(coded, scope, joined=True).group_by(Segment.id, *order)
    turn_ids = list(session.scalars(first.order_by(*order).limit(limit)))
    if not turn_ids:
        return []
    query = (
        select(
            *TURN_COLUMNS,
            Segment.start_char,
            segment_text().label("text"),
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
        .where(Segment.id.in_(turn_ids), Coding.code_id.in_(code_ids), *coding_layer_filter(layer))
        .order_by(*order, Code.sort_order, Coder.name, Coding.start_char)
    )
    return [QuotedCoding._make(row) for row in session.execute(query)]


def segment_text() -> ColumnElement[str]:
    """A segment's text cut from its transcript's (SQL substr counts characters from 1)."""
    length = Segment.end_char - Segment.start_char
    return func.substr(Transcript.text, Segment.start_char + 1, length)


def filtered(query: Select, scope: TurnScope) -> Select:
    """Restrict a query that selects from segment and joins transcript to the scope's filters
    (departments, group kinds, roles, transcripts), moderators' turns included: for finding
    text, not counting it."""
    return scoped(query, scope, joined=True, participants=False)


def coding_units(
    rollup: RollUp,
    layer: Layer,
    *,
    spans: bool = False,
    by_coder: bool = False,
    scope: TurnScope | None = None,
) -> Subquery:
    """(code_id, segment_id, coder_id[, start_char, end_char]) per coding and row code.

    One scan for codes counting themselves, one per level for ancestors; code_id is NULL
    where a coding has no row code at that level; coder_id is NULL unless `by_coder`.
    """
    coder = Coding.coder_id if by_coder else cast(null(), Integer)
    extra = [Coding.start_char, Coding.end_char] if spans else []
    own = Coding.code_id.in_(rollup.own)
    scans = [select(case((own, Coding.code_id)).label("code_id"), Coding.segment_id)]
    for level in rollup.levels:
        ancestor = case(*((Coding.code_id.in_(below), row) for row, below in level))
        scans.append(select(ancestor.label("code_id"), Coding.segment_id))
    filters = [*coding_layer_filter(layer), *(narrowed(scope) if scope else [])]
    return union_all(
        *(scan.add_columns(coder.label("coder_id"), *extra).where(*filters) for scan in scans)
    ).subquery("units")


def narrowed(scope: TurnScope) -> list[ColumnElement[bool]]:
    """Where the scope narrows the transcripts (a department's report), the codings of their
    turns only: lets the database start from those turns instead of every coding of a code
    in the whole corpus (a thousand transcripts: 1.3 s to 0.1 s per code on SQLite)."""
    if not (scope.departments or scope.group_kinds or scope.transcript_ids):
        return []
    turns = scoped(select(Segment.id), scope, participants=False)
    return [Coding.segment_id.in_(turns)]


def scoped(
    query: Select, scope: TurnScope, *, joined: bool = False, participants: bool = True
) -> Select:
    """The scope's filters (cards too) and (with `participants`) the moderator rule. Codings
    exist only in transcripts their layer has coded, so coded turns need no coverage filter."""
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
        query = query.where(
            Segment.speaker_id.in_(select(Speaker.id).where(Speaker.role.in_(scope.roles)))
        )
    if scope.cards:
        query = query.where(Segment.id.in_(select(section_turns(scope.cards).c.segment_id)))
    if participants:
        query = query.where(*participant_turns(Segment.speaker_id, scope))
    return query
