"""Analysis use cases shared by the CLI and the TUI: frequencies, comparison, co-occurrence,
quotations and full-text search. Each returns result sets that name the codebook version and
the coder layer, so that an exported table can be traced back.

Coder layers (`qualcode.domain.layer`): one coder, the consensus layer, or by default all
coders together, where a turn counts once per code however many coders coded it. Turns count
by the scope rule (`qualcode.domain.scope`): by default participant turns of the transcripts
the layer has coded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from qualcode import __version__
from qualcode.analysis.comparison import Comparison, compare_groups, comparison_tables
from qualcode.analysis.cooccurrence import cooccurrence_tables
from qualcode.analysis.frequency import (
    DIMENSIONS,
    MEASURES,
    Facts,
    Grouping,
    frequency_table,
    select_codes,
)
from qualcode.domain.codekey import CodeKey
from qualcode.domain.layer import Layer, LayerKind
from qualcode.domain.rollup import RollUp
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.services.scope import resolve
from qualcode.store import analysis_queries as store
from qualcode.store import coding_summary as summary
from qualcode.store import search as search_store
from qualcode.store.layers import layer_coder_ids

COMPARE_DIMENSIONS = ("department", "group-kind", "speaker-role")
DEFAULT_LIMIT = 50
T = TypeVar("T")

__all__ = [
    "COMPARE_DIMENSIONS",
    "DIMENSIONS",
    "MEASURES",
    "CompareQuery",
    "Comparison",
    "ComparisonReport",
    "CooccurrenceQuery",
    "FrequencyQuery",
    "Quote",
    "QuoteQuery",
    "QuoteReport",
    "SearchQuery",
    "TurnScope",
    "compare",
    "cooccurrence",
    "frequency",
    "quotes",
    "scope_for_group",
    "search",
]


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
    """Rows are `codes` (none may contain another) or else the codes at `level` (1 = top)."""

    by: str = "department"
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    codes: tuple[str, ...] = ()
    level: int = 1


@dataclass(frozen=True)
class CooccurrenceQuery:
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    codes: tuple[str, ...] = ()
    depth: int | None = None
    overlap: bool = False


@dataclass(frozen=True)
class QuoteQuery:
    code: str
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class SearchQuery:
    text: str
    scope: TurnScope = field(default_factory=TurnScope)
    limit: int = DEFAULT_LIMIT


class Quote(BaseModel):
    """A turn to cite: where it is, who said it, and the text (the coded spans, if only spans)."""

    model_config = ConfigDict(frozen=True)

    segment_id: int
    transcript_id: int
    transcript: str
    department: str | None
    group_kind: str | None
    speaker: str | None
    role: str | None
    start_time: float | None
    text: str
    codes: list[str] = []
    coders: list[str] = []


@dataclass(frozen=True)
class ComparisonReport:
    comparison: Comparison
    result_set: ResultSet


@dataclass(frozen=True)
class QuoteReport:
    quotes: list[Quote]
    result_set: ResultSet


@dataclass(frozen=True)
class _Context:
    """What every analysis needs: the codebook, its codes, the layer, the scope (with the
    study's moderator roles) and the group facts."""

    codebook: str
    version: str
    codes: list[tuple[int, str, str]]
    layer: Layer
    scope: TurnScope
    facts: Facts

    def describe(self, tables: list[ResultTable], filters: Mapping[str, str]) -> ResultSet:
        return ResultSet.describe(
            tables,
            codebook=self.codebook,
            codebook_version=self.version,
            coder_layer=self.layer.label,
            qualcode_version=__version__,
            filters={"scope": self.scope.describe(), **filters},
        )

    def find(self, keys: Sequence[str]) -> None:
        known = {key for _, key, _ in self.codes}
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise NotFoundError(
                f"No code {', '.join(repr(k) for k in unknown)} in codebook '{self.codebook}'; "
                "see `qualcode codebook show` for the keys."
            )

    def rollup(self, row_ids: Iterable[int]) -> RollUp:
        """Roll every code of the codebook up into the row codes `row_ids`."""
        return RollUp.build(((code_id, key) for code_id, key, _ in self.codes), row_ids)


def frequency(project: Project, query: FrequencyQuery) -> ResultSet:
    """Code frequencies: rows are codes (rolled up), columns the groups of `query.by`."""
    _check_dimensions(query.by, DIMENSIONS)
    if query.measure not in MEASURES:
        raise QualcodeError(
            f"Unknown measure '{query.measure}'; choose one of {', '.join(MEASURES)}."
        )
    _check_depth(query.depth, "--depth")

    def work(session: Session) -> ResultSet:
        context = _context(session, query.layer, query.scope, query.codes)
        rows = select_codes(context.codes, query.codes, query.depth)
        row_ids = [code_id for code_id, _, _ in rows]  # the summary rolls codes up
        by_coder = "coder" in query.by
        layer, scope = context.layer, context.scope
        counted = summary.coded_turns(session, row_ids, layer, scope, by_coder=by_coder)
        overall = summary.coded_turns(session, row_ids, layer, scope) if by_coder else None
        totals = summary.turn_totals(session, layer, scope)
        coder_names = _layer_coder_names(session, layer)
        grouping = Grouping(tuple(query.by), context.facts, coder_names)
        table = frequency_table(rows, grouping, query.measure, counted, totals, overall)
        filters = {
            "by": ", ".join(query.by) or "none",
            "measure": MEASURES[query.measure],
            **_scope_filters(scope),
            **_code_filters(query.codes, query.depth),
        }
        return context.describe([table], filters)

    return _counting(project, work)


def compare(project: Project, query: CompareQuery) -> ComparisonReport:
    """Codes x groups of coded turns with chi-square, residuals and Wilson intervals."""
    _check_dimensions((query.by,), COMPARE_DIMENSIONS)
    _check_depth(query.level, "--level")

    def work(session: Session) -> ComparisonReport:
        context = _context(session, query.layer, query.scope, query.codes)
        rows = _comparison_rows(context.codes, query.codes, query.level)
        row_ids = [code_id for code_id, _, _ in rows]
        counted = summary.coded_turns(session, row_ids, context.layer, context.scope)
        totals = summary.turn_totals(session, context.layer, context.scope)
        grouping = Grouping((query.by,), context.facts)
        comparison = compare_groups(rows, grouping, counted, totals)
        filters = {
            "by": query.by,
            **_scope_filters(context.scope),
            "codes": ", ".join(query.codes) if query.codes else f"level {query.level}",
        }
        return ComparisonReport(
            comparison, context.describe(comparison_tables(comparison), filters)
        )

    return _counting(project, work)


def cooccurrence(project: Project, query: CooccurrenceQuery) -> ResultSet:
    """Pairs of codes in the same turn (or overlapping spans): counts and Jaccard."""
    _check_depth(query.depth, "--depth")

    def work(session: Session) -> ResultSet:
        context = _context(session, query.layer, query.scope, query.codes)
        rows = select_codes(context.codes, query.codes, query.depth)
        rollup = context.rollup(code_id for code_id, _, _ in rows)
        singles = summary.coded_turns(session, rollup.own, context.layer, context.scope)
        turns: dict[int, int] = {}
        for row in singles:
            turns[row.code_id] = turns.get(row.code_id, 0) + row.turns
        pairs = store.co_occurrences(
            session, rollup, context.layer, context.scope, overlap=query.overlap
        )
        tables = cooccurrence_tables(rows, turns, pairs, overlap=query.overlap)
        filters = {
            "unit": "overlapping codings" if query.overlap else "same turn",
            **_scope_filters(context.scope),
            **_code_filters(query.codes, query.depth),
        }
        return context.describe(tables, filters)

    return _counting(project, work)


def quotes(project: Project, query: QuoteQuery) -> QuoteReport:
    """Turns coded with the code (or a code below it), with speaker, role, place and time."""
    if query.limit < 1:
        raise QualcodeError("--limit must be at least 1.")

    def work(session: Session) -> QuoteReport:
        context = _context(session, query.layer, query.scope, [query.code])
        code_id = next(code_id for code_id, key, _ in context.codes if key == query.code)
        rollup = context.rollup([code_id])
        codings = store.quoted_codings(
            session, rollup.descendants(code_id), context.layer, context.scope, limit=query.limit
        )
        found = _quotes(codings)
        title = f"Quotes for {query.code}"
        table = _quote_table(title, found, codes=True)
        filters = {"code": query.code, **_scope_filters(context.scope), "limit": str(query.limit)}
        return QuoteReport(found, context.describe([table], filters))

    return project.read(work)


def search(project: Project, query: SearchQuery) -> QuoteReport:
    """Turns holding every word or "phrase" of the search text (FTS5 or tsvector index)."""
    terms = search_store.parse_terms(query.text)
    if not terms:
        raise QualcodeError('Give words to search for, e.g. qualcode search "break room".')
    if query.limit < 1:
        raise QualcodeError("--limit must be at least 1.")

    def work(session: Session) -> QuoteReport:
        book = active_codebook(session)
        engine = search_store.engine(session)
        if engine != search_store.SUBSTRING:
            search_store.catch_up(session)
        found = [
            Quote(
                segment_id=hit.segment_id,
                transcript_id=hit.transcript_id,
                transcript=hit.title,
                department=hit.department,
                group_kind=hit.group_kind,
                speaker=hit.speaker,
                role=hit.role,
                start_time=hit.start_time,
                text=hit.text.strip(),
            )
            for hit in search_store.search_turns(session, terms, query.scope, limit=query.limit)
        ]
        table = _quote_table(f"Turns matching {query.text}", found, codes=False)
        filters = {
            "text": query.text,
            "search": engine,
            **_scope_filters(query.scope),
            "limit": str(query.limit),
        }
        result = ResultSet.describe(
            [table],
            codebook=book.name,
            codebook_version=str(book.version),
            coder_layer="none (text search)",
            qualcode_version=__version__,
            filters=filters,
        )
        return QuoteReport(found, result)

    return project.write(work)  # the search may first catch the index up


def scope_for_group(scope: TurnScope, dimension: str, value: str) -> TurnScope:
    """Narrow a scope to one group of a comparison (for the quotes behind a cell)."""
    if dimension == "department":
        return replace(scope, departments=(value,))
    if dimension == "group-kind":
        return replace(scope, group_kinds=(value,))
    if dimension == "speaker-role":
        return replace(scope, roles=(value,))
    raise QualcodeError(f"Cannot narrow quotes to a {dimension} group.")


# ------------------------------------------------------------------ helpers
def _counting(project: Project, work: Callable[[Session], T]) -> T:
    """Run a read that adds up the coded-turn summary, recounting marked transcripts first."""
    if project.read(summary.is_stale):
        project.write(summary.refresh)
    return project.read(work)


def _context(session: Session, layer: Layer, scope: TurnScope, keys: Sequence[str]) -> _Context:
    """The context of an analysis whose codes `keys` must all be in the active codebook."""
    book = active_codebook(session)
    _check_layer(session, layer)
    coders = {coder_id: name for coder_id, name, _ in store.coders(session)}
    facts = Facts.of(
        store.transcript_facts(session),
        store.speaker_roles(session),
        coders,
        store.speaker_labels(session),
    )
    context = _Context(
        codebook=book.name,
        version=str(book.version),
        codes=store.codes_in_order(session, book.id),
        layer=layer,
        scope=resolve(session, scope),
        facts=facts,
    )
    context.find(keys)
    return context


def _check_layer(session: Session, layer: Layer) -> None:
    """Refuse a layer of codings that does not exist (or a model's, which has no codings)."""
    if layer.kind is LayerKind.MODEL:
        raise QualcodeError(
            f"The tables count codings; {layer.label} makes suggestions, not codings. "
            "Choose a coder, the consensus or all coders."
        )
    if layer_coder_ids(session, layer):
        return
    if layer.kind is LayerKind.CODER:
        known = ", ".join(name for _, name, flag in store.coders(session) if not flag)
        raise NotFoundError(
            f"No coder '{layer.name}' (coders: {known or 'none yet'}); check --coder."
        )
    if layer.kind is LayerKind.CONSENSUS:
        raise NotFoundError(
            "There is no consensus layer yet; adjudicate disagreements first, "
            "or choose a coder with --coder."
        )


def _layer_coder_names(session: Session, layer: Layer) -> tuple[str, ...]:
    ids = set(layer_coder_ids(session, layer))
    return tuple(name for coder_id, name, _ in store.coders(session) if coder_id in ids)


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


def _check_dimensions(by: Sequence[str], allowed: Sequence[str]) -> None:
    for dimension in by:
        if dimension not in allowed:
            raise QualcodeError(f"Cannot group by '{dimension}'; choose from {', '.join(allowed)}.")
    if len(set(by)) < len(by):
        raise QualcodeError("Name each --by dimension once.")


def _check_depth(depth: int | None, option: str) -> None:
    if depth is not None and depth < 1:
        raise QualcodeError(f"{option} must be 1 or more (1 = top-level codes).")


def _scope_filters(scope: TurnScope) -> dict[str, str]:
    filters = {
        "department": ", ".join(scope.departments),
        "group kind": ", ".join(scope.group_kinds),
        "speaker role": ", ".join(scope.roles),
        "transcripts": ", ".join(str(t) for t in scope.transcript_ids),
    }
    return {key: value for key, value in filters.items() if value}


def _code_filters(codes: Sequence[str], depth: int | None) -> dict[str, str]:
    filters = {"codes": ", ".join(codes)}
    if depth is not None:
        filters["depth"] = f"top {depth} level{'s' if depth > 1 else ''}"
    return {key: value for key, value in filters.items() if value}


def _quotes(codings: Sequence[store.QuotedCoding]) -> list[Quote]:
    """One quote per turn: the whole turn if any coding covers it, else its coded spans."""
    by_turn: dict[int, list[store.QuotedCoding]] = {}
    for coding in codings:
        by_turn.setdefault(coding.segment_id, []).append(coding)
    found = []
    for turn in by_turn.values():
        first = turn[0]
        spans = sorted(
            (c.span_start - first.segment_start, c.span_end - first.segment_start)
            for c in turn
            if c.span_start is not None and c.span_end is not None
        )
        whole = any(c.span_start is None for c in turn)
        text = (
            first.text.strip()
            if whole
            else " … ".join(first.text[start:end].strip() for start, end in _merged(spans))
        )
        found.append(
            Quote(
                segment_id=first.segment_id,
                transcript_id=first.transcript_id,
                transcript=first.title,
                department=first.department,
                group_kind=first.group_kind,
                speaker=first.speaker,
                role=first.role,
                start_time=first.start_time,
                text=text,
                codes=sorted({c.code_key for c in turn}),
                coders=sorted({c.coder for c in turn}),
            )
        )
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _quote_table(title: str, found: Sequence[Quote], *, codes: bool) -> ResultTable:
    columns = ["Turn", "Transcript", "Department", "Group kind", "Speaker", "Role", "Time", "Text"]
    if codes:
        columns += ["Codes", "Coders"]
    rows = []
    for quote in found:
        row: list[str | int | float | None] = [
            quote.segment_id,
            quote.transcript,
            quote.department,
            quote.group_kind,
            quote.speaker,
            quote.role,
            clock(quote.start_time),
            quote.text,
        ]
        if codes:
            row += [", ".join(quote.codes), ", ".join(quote.coders)]
        rows.append(row)
    return ResultTable(title=title, columns=columns, rows=rows)


def clock(seconds: float | None) -> str | None:
    """h:mm:ss of a time in seconds from the start of the recording."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
