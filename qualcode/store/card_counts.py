"""Coded turns and turn totals by statement card: the counts behind `--by card` and `--card`.

The coded-turn summary (`coding_summary`) is kept per transcript and speaker and knows no
sections, so card tables count from the turns themselves: each turn in a card's section
(`cards.section_turns`) carries that card's key. The rules are the summary's: a turn counts
once per row code (rolled up) however many of the layer's coders coded it; the scope's
filters and moderator rule apply; with the coded coverage, the denominators hold only the
transcripts in the layer's coded scope (a coding or a done mark).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection, Integer, func, literal, select
from sqlalchemy.orm import Session

from qualcode.domain.counts import CodedTurns, TurnTotals
from qualcode.domain.layer import Layer
from qualcode.domain.rollup import RollUp
from qualcode.domain.scope import TurnScope
from qualcode.store.analysis_queries import coding_units, scoped
from qualcode.store.cards import section_turns
from qualcode.store.coding_summary import coded_transcripts
from qualcode.store.models import Segment


def coded_turns(
    session: Connection | Session,
    rollup: RollUp,
    layer: Layer,
    scope: TurnScope,
    *,
    by_coder: bool = False,
) -> list[CodedTurns]:
    """Distinct coded turns and their words per (row code, transcript, speaker[, coder],
    card), over the turns in the sections of `scope.cards` (every card when none)."""
    if not rollup.own:
        return []
    units = coding_units(rollup, layer, by_coder=by_coder)
    distinct = (
        select(units.c.code_id, units.c.segment_id, units.c.coder_id)
        .where(units.c.code_id.is_not(None))
        .distinct()
        .subquery("coded")
    )
    sections = section_turns(scope.cards)
    query = (
        select(
            distinct.c.code_id,
            Segment.transcript_id,
            Segment.speaker_id,
            distinct.c.coder_id,
            func.count(),
            func.coalesce(func.sum(Segment.word_count), 0),
            sections.c.card,
        )
        .select_from(distinct)
        .join(Segment, Segment.id == distinct.c.segment_id)
        .join(sections, sections.c.segment_id == Segment.id)
    )
    query = scoped(query, replace(scope, cards=())).group_by(
        distinct.c.code_id,
        Segment.transcript_id,
        Segment.speaker_id,
        distinct.c.coder_id,
        sections.c.card,
    )
    return [CodedTurns(*row) for row in session.execute(query)]


def turn_totals(session: Connection | Session, layer: Layer, scope: TurnScope) -> list[TurnTotals]:
    """Turns and words per (transcript, speaker, card) in scope: the denominators."""
    sections = section_turns(scope.cards)
    query = (
        select(
            Segment.transcript_id,
            Segment.speaker_id,
            func.count(),
            func.coalesce(func.sum(Segment.word_count), 0),
            literal(None, Integer),
            sections.c.card,
        )
        .select_from(Segment)
        .join(sections, sections.c.segment_id == Segment.id)
    )
    query = scoped(query, replace(scope, cards=()))
    if scope.coded_only:
        query = query.where(Segment.transcript_id.in_(coded_transcripts(layer)))
    query = query.group_by(Segment.transcript_id, Segment.speaker_id, sections.c.card)
    return [TurnTotals(*row) for row in session.execute(query)]
