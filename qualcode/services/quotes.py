"""Quotes and search: the turns behind a figure, and turns found by their words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from qualcode import __version__
from qualcode.analysis.quotes import quote_table, quotes_of
from qualcode.domain.excerpt import excerpt
from qualcode.domain.layer import Layer
from qualcode.domain.quote import DEFAULT_LIMIT, Quote
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import ResultSet
from qualcode.errors import QualcodeError
from qualcode.services.analysis_context import deck_keys, read_context, scope_filters
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.store import analysis_queries as store
from qualcode.store import search as search_store
from qualcode.store import team as team_store


@dataclass(frozen=True)
class QuoteQuery:
    code: str
    layer: Layer = field(default_factory=Layer)
    scope: TurnScope = field(default_factory=TurnScope)
    limit: int = DEFAULT_LIMIT
    by_card: bool = False  # one table per card, each of at most `limit` quotes


@dataclass(frozen=True)
class SearchQuery:
    text: str
    scope: TurnScope = field(default_factory=TurnScope)
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class QuoteReport:
    quotes: list[Quote]
    result_set: ResultSet
    parts: tuple[list[Quote], ...] = ()  # the quotes of each table, where there are several


def quotes(project: Project, query: QuoteQuery, *, actor: str | None = None) -> QuoteReport:
    """Turns coded with the code (or a code below it), with speaker, role, place and time."""
    if query.limit < 1:
        raise QualcodeError("--limit must be at least 1.")

    def work(session: Session) -> QuoteReport:
        context = read_context(session, query.layer, query.scope, [query.code], actor)
        code_id = next(code_id for code_id, key, _ in context.codes if key == query.code)
        codes = context.rollup([code_id]).descendants(code_id)
        scopes: list[tuple[str, TurnScope]] = [("", context.scope)]
        if query.by_card:
            scopes = [
                (f" in card {key}", replace(context.scope, cards=(key,)))
                for key in deck_keys(session, context.scope)
            ]
        found: list[Quote] = []
        tables, parts = [], []
        for suffix, scope in scopes:
            quoted = quotes_of(
                store.quoted_codings(session, codes, context.layer, scope, limit=query.limit)
            )
            found += quoted
            parts.append(quoted)
            tables.append(quote_table(f"Quotes for {query.code}{suffix}", quoted, codes=True))
        turns = "participant turn" if context.scope.excluded_roles else "turn"
        if query.by_card or context.scope.cards:
            turns += " in a card's section"
        per = " per card" if query.by_card else ""
        filters = {
            "code": query.code,
            "by": "card" if query.by_card else "none",
            "unit": f"{turns} in scope, one quote per coded turn",
            "N": f"{len(found)} quotes (at most {query.limit}{per})",
            **scope_filters(context.scope),
        }
        return QuoteReport(found, context.describe(tables, filters), tuple(parts))

    return project.read(work)


def quotes_for_codes(
    project: Project,
    codes: Sequence[str],
    layer: Layer,
    scope: TurnScope,
    limit: int,
    *,
    actor: str | None = None,
) -> dict[str, list[Quote]]:
    """`quotes` of many codes (each with the codes below it) in one read, for a report."""
    if not codes:
        return {}

    def work(session: Session) -> dict[str, list[Quote]]:
        context = read_context(session, layer, scope, codes, actor)
        ids = {key: code_id for code_id, key, _ in context.codes}
        rollup = context.rollup(ids[key] for key in codes)
        return {
            key: quotes_of(
                store.quoted_codings(
                    session, rollup.descendants(ids[key]), context.layer, context.scope, limit=limit
                )
            )
            for key in codes
        }

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
            team_store.search_catch_up(session)
        found = [
            Quote(
                segment_id=hit.segment_id,
                transcript_id=hit.transcript_id,
                ordinal=hit.ordinal,
                transcript=hit.title,
                department=hit.department,
                group_kind=hit.group_kind,
                speaker=hit.speaker,
                role=hit.role,
                start_time=hit.start_time,
                text=excerpt(hit.text.strip(), [term.text for term in terms]),
            )
            for hit in search_store.search_turns(session, terms, query.scope, limit=query.limit)
        ]
        table = quote_table(f"Turns matching {query.text}", found, codes=False)
        filters = {
            "text": query.text,
            "search": engine,
            **scope_filters(query.scope),
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
    if dimension == "card":
        return replace(scope, cards=(value,))
    raise QualcodeError(f"Cannot narrow quotes to a {dimension} group.")
