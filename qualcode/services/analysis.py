"""Analysis tables shared by the CLI and the TUI: frequencies and comparison.
Each returns result sets that name the codebook version, the coder layer, the scope, the
unit and N, so that an exported table can be traced back.

Co-occurrence is in `qualcode.services.cooccurrence`.

Coder layers (`qualcode.domain.layer`): one coder, the consensus layer, or by default all
coders together, where a turn counts once per code however many coders coded it. Turns count
by the scope rule (`qualcode.domain.scope`): by default participant turns of the transcripts
the layer has coded. Quotes and search are in `qualcode.services.quotes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from qualcode.analysis.frequency import (
    DIMENSIONS,
    MEASURES,
    NONE_LABEL,
    Grouping,
    frequency_table,
    select_codes,
)
from qualcode.domain.codekey import CodeKey
from qualcode.domain.counts import TurnTotals
from qualcode.domain.layer import Layer
from qualcode.domain.scope import Coverage, TurnScope
from qualcode.domain.table import Cell, ResultSet, ResultTable
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services.analysis_context import (
    TurnCounts,
    check_depth,
    check_dimensions,
    code_filters,
    counting,
    deck_keys,
    layer_coder_names,
    read_context,
    scope_filters,
)
from qualcode.services.project import Project
from qualcode.store import analysis_rows as store
from qualcode.store import coding_summary as summary

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qualcode.analysis.comparison import Comparison

COMPARE_DIMENSIONS = ("department", "group-kind", "speaker-role", "card")

__all__ = [
    "COMPARE_DIMENSIONS",
    "DIMENSIONS",
    "MEASURES",
    "NONE_LABEL",
    "CompareQuery",
    "Comparison",
    "ComparisonReport",
    "FrequencyQuery",
    "code_rows",
    "compare",
    "frequency",
]


def __getattr__(name: str) -> Any:
    # The comparison's statistics (numpy, scipy) are imported when a comparison is made, so
    # that `qualcode freq` starts without them.
    if name == "Comparison":
        from qualcode.analysis.comparison import Comparison

        return Comparison
    raise AttributeError(name)


@dataclass(frozen=True)
class FrequencyQuery:
    by: tuple[str, ...] = ()
    measure: str = "turns"
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    codes: tuple[str, ...] = ()
    depth: int | None = None


@dataclass(frozen=True)
class CompareQuery:
    """Rows are `codes` (none may contain another) or else the codes at `level` (1 = top).
    `omnibus` adds the codes x groups chi-square, which counts code applications."""

    by: str = "department"
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    codes: tuple[str, ...] = ()
    level: int = 1
    omnibus: bool = False


@dataclass(frozen=True)
class ComparisonReport:
    comparison: Comparison
    result_set: ResultSet
    scope: str  # the scope in words


def frequency(project: Project, query: FrequencyQuery, *, actor: str | None = None) -> ResultSet:
    """Code frequencies: rows are codes (rolled up), columns the groups of `query.by`."""
    check_dimensions(query.by, DIMENSIONS)
    if query.measure not in MEASURES:
        raise QualcodeError(
            f"Unknown measure '{query.measure}'; choose one of {', '.join(MEASURES)}."
        )
    check_depth(query.depth, "--depth")

    def work(session: Connection | Session) -> ResultSet:
        context = read_context(session, query.layer, query.scope, query.codes, actor)
        rows = select_codes(context.codes, query.codes, query.depth)
        row_ids = [code_id for code_id, _, _ in rows]  # the summary rolls codes up
        if "card" in query.by:
            deck_keys(session, context.scope)  # a study without cards gets one sentence
        by_coder = "coder" in query.by
        layer, scope = context.layer, context.scope
        source = TurnCounts.of(query.by, scope)
        counted = source.coded(session, context, row_ids, by_coder=by_coder)
        overall = source.coded(session, context, row_ids) if by_coder else None
        totals = source.totals(session, layer, scope)
        coder_totals = _coder_totals(session, source, layer, scope) if by_coder else None
        grouping = Grouping(tuple(query.by), context.facts, layer_coder_names(session, layer))
        table = frequency_table(
            rows,
            grouping,
            query.measure,
            counted,
            totals,
            overall,
            coder_totals,
            denominator=_denominator(scope, query.measure) if query.by else None,
        )
        filters = {
            "by": ", ".join(query.by) or "none",
            "measure": MEASURES[query.measure],
            "unit": _unit(query.measure, source.unit(scope)),
            "N": _n(totals),
            **scope_filters(scope),
            **code_filters(query.codes, query.depth),
        }
        return context.describe([table], filters)

    return counting(project, work)


def _unit(measure: str, turn: str) -> str:
    """What a cell counts: coded turns, else the transcripts or speakers of coded turns
    (a cell of 2 under 'unit = participant turn' read as 2 turns), else words."""
    if measure == "transcripts":
        return f"transcript (with a coded {turn})"
    if measure == "speakers":
        return f"speaker (of a coded {turn})"
    if measure == "words":
        return f"word (of whole coded {turn}s)"
    return "word" if measure == "per1000" else turn


def _denominator(scope: TurnScope, measure: str) -> str:
    """The label of a table's last row: each group's turns in scope (words for per1000)."""
    turns = "participant turns" if scope.excluded_roles else "turns"
    return f"(words of the {turns} in scope)" if measure == "per1000" else f"({turns} in scope)"


DENOMINATORS = frozenset(
    f"({words}{turns} in scope)"
    for words in ("", "words of the ")
    for turns in ("participant turns", "turns")
)


def code_rows(table: ResultTable) -> list[list[Cell]]:
    """A frequency table's rows of codes, without its last row (each group's denominator)."""
    return [row for row in table.rows if row[0] not in DENOMINATORS]


def _coder_totals(
    session: Connection | Session, source: TurnCounts, layer: Layer, scope: TurnScope
) -> list[TurnTotals]:
    """Each coder's own denominators: the turns of the transcripts in that coder's scope."""
    every = source.totals(session, layer, replace(scope, coverage=Coverage.ALL))
    coders = summary.coder_transcripts(session, layer) if scope.coded_only else None
    ids = [coder_id for coder_id, _, _ in store.coders(session)]
    return [
        row._replace(coder_id=coder_id)
        for coder_id in ids
        for row in every
        if coders is None or (coder_id, row.transcript_id) in coders
    ]


def _n(totals: Sequence[TurnTotals]) -> str:
    turns = sum(row.turns for row in totals)
    words = sum(row.words for row in totals)
    transcripts = len({row.transcript_id for row in totals})
    return (
        f"{counted(turns, 'turn')} ({counted(words, 'word')}) in "
        f"{counted(transcripts, 'transcript')}"
    )


def compare(project: Project, query: CompareQuery, *, actor: str | None = None) -> ComparisonReport:
    """Codes x groups of coded turns: per-code tests (Holm), residuals, Wilson intervals and,
    by department or group kind, the focus groups as the unit."""
    by = tuple(part.strip() for part in query.by.split(",") if part.strip())
    check_dimensions(by, COMPARE_DIMENSIONS)
    if len(by) > 2:
        raise QualcodeError(
            f"Compare by one dimension or two (e.g. card,department), not '{query.by}'."
        )
    check_depth(query.level, "--level")

    from qualcode.analysis.comparison import compare_groups, comparison_tables

    def work(session: Connection | Session) -> ComparisonReport:
        context = read_context(session, query.layer, query.scope, query.codes, actor)
        rows = _comparison_rows(context.codes, query.codes, query.level)
        row_ids = [code_id for code_id, _, _ in rows]
        source = TurnCounts.of(by, context.scope)
        if "card" in by:
            deck_keys(session, context.scope)
        counted = source.coded(session, context, row_ids)
        totals = source.totals(session, context.layer, context.scope)
        grouping = Grouping(by, context.facts)
        comparison = compare_groups(
            rows,
            grouping,
            counted,
            totals,
            omnibus=query.omnibus,
            participants=not context.scope.include_moderators,
        )
        unit = source.unit(context.scope)
        if comparison.clusters is not None:
            unit += "; focus group (transcript) for the focus-group table"
        filters = {
            "by": query.by,
            "unit": unit,
            "N": _n(totals),
            **scope_filters(context.scope),
            "codes": ", ".join(query.codes) if query.codes else f"level {query.level}",
        }
        tables = comparison_tables(comparison)
        return ComparisonReport(
            comparison,
            context.describe(tables, filters),
            context.scope.describe(by_card=source.by_card),
        )

    return counting(project, work)


def _comparison_rows(
    codes: list[tuple[int, str, str]], keys: Sequence[str], level: int
) -> list[tuple[int, str, str]]:
    if not keys:
        return [code for code in codes if CodeKey(code[1]).level == level]
    for first in keys:
        for second in keys:
            if CodeKey(second).below(first):
                raise QualcodeError(
                    f"'{second}' is part of '{first}', so a turn would count in both rows; "
                    "compare codes that do not contain each other."
                )
    return [code for code in codes if code[1] in keys]
