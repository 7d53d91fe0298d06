"""Co-occurrence tables shared by the CLI, the TUI and the report: pairs of codes on the same
turn (or overlapping spans), counted in the layer and scope of `qualcode.services.analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from qualcode.analysis.frequency import select_codes
from qualcode.domain.layer import Layer
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import ResultSet
from qualcode.domain.wording import counted
from qualcode.services.analysis_context import (
    TurnCounts,
    check_depth,
    code_filters,
    counting,
    deck_keys,
    read_context,
    scope_filters,
)
from qualcode.services.project import Project

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class CooccurrenceQuery:
    """`across_coders`: in the all-coders layer, pair two codes on a turn even when two
    different coders applied them (by default one coder must have applied both)."""

    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    codes: tuple[str, ...] = ()
    depth: int | None = None
    overlap: bool = False
    across_coders: bool = False
    by_card: bool = False  # one pair table and matrix per card


def cooccurrence(
    project: Project, query: CooccurrenceQuery, *, actor: str | None = None
) -> ResultSet:
    """Pairs of codes in the same turn (or overlapping spans): counts and Jaccard."""
    from qualcode.analysis.cooccurrence import cooccurrence_tables
    from qualcode.store.analysis_queries import co_occurrences

    check_depth(query.depth, "--depth")

    def work(session: Connection | Session) -> ResultSet:
        context = read_context(session, query.layer, query.scope, query.codes, actor)
        rows = select_codes(context.codes, query.codes, query.depth)
        row_ids = [code_id for code_id, _, _ in rows]
        scopes: list[tuple[str, TurnScope]] = [("", context.scope)]
        if query.by_card:
            scopes = [
                (f" in card {key}", replace(context.scope, cards=(key,)))
                for key in deck_keys(session, context.scope)
            ]
        tables, code_turns = [], 0
        for suffix, scope in scopes:
            part = replace(context, scope=scope)
            turns: dict[int, int] = {}
            for row in TurnCounts.of((), scope).coded(session, part, row_ids):
                turns[row.code_id] = turns.get(row.code_id, 0) + row.turns
            pairs = co_occurrences(
                session,
                context.rollup(row_ids),
                context.layer,
                scope,
                overlap=query.overlap,
                same_coder=not query.across_coders,
            )
            found = cooccurrence_tables(
                rows, turns, pairs, overlap=query.overlap, same_coder=not query.across_coders
            )
            tables += [table.model_copy(update={"title": table.title + suffix}) for table in found]
            code_turns += sum(turns.values())
        unit = "overlapping codings" if query.overlap else "same turn"
        unit += ", one coder applied both" if not query.across_coders else ", any coders"
        if query.by_card or context.scope.cards:
            unit += "; turns in a card's section"
        filters = {
            "by": "card" if query.by_card else "none",
            "unit": unit,
            "N": f"{code_turns} code-turns over {counted(len(rows), 'code')}",
            **scope_filters(context.scope),
            **code_filters(query.codes, query.depth),
        }
        return context.describe(tables, filters)

    return counting(project, work)
