"""Analysis commands: freq, compare, cooccur, quotes, search; tables on screen or in files."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from qualcode.cli.common import DbOption, console, friendly, project
from qualcode.cli.output import (
    FormatOption,
    OutputOption,
    TableOption,
    emit,
    fits,
    query_line,
    short_codes,
    show_tables,
)
from qualcode.config import coder_name
from qualcode.domain.layer import Layer
from qualcode.domain.limits import DEFAULT_LIMIT
from qualcode.domain.scope import Coverage, TurnScope
from qualcode.domain.table import ResultSet
from qualcode.domain.turns import clock
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import analysis, cooccurrence

if TYPE_CHECKING:
    from qualcode.domain.quote import Quote
    from qualcode.services.quotes import QuoteReport

LayerCoderOption = Annotated[
    str | None,
    typer.Option("--coder", help="Count only this coder's codings (default: all coders)."),
]
ConsensusOption = Annotated[
    bool, typer.Option("--consensus", help="Count only the consensus layer.")
]
LayerOption = Annotated[
    str | None,
    typer.Option(
        "--layer", help="The coder layer: 'all' (default), 'consensus' or a coder's name."
    ),
]
DepartmentOption = Annotated[
    list[str] | None, typer.Option("--department", help="Only these departments (repeatable).")
]
GroupKindOption = Annotated[
    list[str] | None,
    typer.Option("--group-kind", help="Only these focus-group kinds (repeatable)."),
]
RoleOption = Annotated[
    list[str] | None, typer.Option("--role", help="Only turns of speakers in these roles.")
]
CodesOption = Annotated[
    list[str] | None,
    typer.Option("--codes", help="Only these codes and the codes below them (KEY,KEY or repeat)."),
]
DepthOption = Annotated[
    int | None, typer.Option("--depth", help="Only codes above this depth (1 = top level).")
]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many turns.")]
CardOption = Annotated[
    list[str] | None,
    typer.Option("--card", help="Only the turns in these cards' sections (KEY,KEY or repeat)."),
]
ByCardOption = Annotated[
    str | None,
    typer.Option("--by", help="card: one table per statement card.", show_default=False),
]
ScopeOption = Annotated[
    Coverage,
    typer.Option(
        "--scope",
        help="coded: only transcripts the layer has coded (a coding or a done mark); "
        "all: every transcript.",
    ),
]
ModeratorsOption = Annotated[
    bool,
    typer.Option(
        "--include-moderators",
        help="Count moderators' turns too (default: participant turns only).",
    ),
]


@friendly
def freq(
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Columns: department, group-kind, transcript, speaker, speaker-role, coder "
            "or card (the turns in each card's section); repeat or comma-separate to combine "
            "(card,department: the card x department matrix).",
        ),
    ] = None,
    card: CardOption = None,
    measure: Annotated[
        str,
        typer.Option(
            "--measure",
            help="turns, transcripts, speakers, words, per1000 (words coded per 1,000 "
            "words) or percent (of the group's turns).",
        ),
    ] = "turns",
    layer_coder: LayerCoderOption = None,
    consensus: ConsensusOption = False,
    department: DepartmentOption = None,
    group_kind: GroupKindOption = None,
    role: RoleOption = None,
    scope: ScopeOption = Coverage.CODED,
    include_moderators: ModeratorsOption = False,
    codes: CodesOption = None,
    depth: DepthOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    db: DbOption = None,
) -> None:
    """Code frequencies: codes (parents rolled up) by department, group kind, role, coder, card."""
    query = analysis.FrequencyQuery(
        by=_split(by),
        measure=measure,
        layer=Layer.of_options(layer_coder, consensus),
        scope=_scope(department, group_kind, role, scope, include_moderators, card),
        codes=_split(codes),
        depth=depth,
    )
    emit(
        analysis.frequency(project(db), query, actor=_actor(layer_coder)), fmt, output, table=table
    )


@friendly
def compare(
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Columns: department, group-kind, speaker-role or card (the turns in each "
            "card's section), or two of them (repeat or comma-separate), e.g. card,department "
            "for the card x department matrix. [default: department]",
            show_default=False,
        ),
    ] = None,
    card: CardOption = None,
    codes: Annotated[
        list[str] | None,
        typer.Option("--codes", help="Rows: these codes, rolled up (KEY,KEY or repeat)."),
    ] = None,
    level: Annotated[
        int, typer.Option("--level", help="Rows without --codes: codes at this level (1 = top).")
    ] = 1,
    layer_coder: LayerCoderOption = None,
    consensus: ConsensusOption = False,
    department: DepartmentOption = None,
    group_kind: GroupKindOption = None,
    role: RoleOption = None,
    scope: ScopeOption = Coverage.CODED,
    include_moderators: ModeratorsOption = False,
    omnibus: Annotated[
        bool,
        typer.Option(
            "--omnibus",
            help="Add the codes x groups chi-square (it counts code applications, not turns).",
        ),
    ] = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    db: DbOption = None,
) -> None:
    """Compare groups: coded turns, shares with 95 % CIs, a test per code (Holm), residuals,
    and focus groups as the unit."""
    query = analysis.CompareQuery(
        # repeated like freq's (a str option kept only the last: '--by department --by
        # group-kind' compared group kinds alone)
        by=",".join(_split(by)) or "department",
        layer=Layer.of_options(layer_coder, consensus),
        scope=_scope(department, group_kind, role, scope, include_moderators, card),
        codes=_split(codes),
        level=level,
        omnibus=omnibus,
    )
    result = analysis.compare(project(db), query, actor=_actor(layer_coder)).result_set
    emit(result, fmt, output, table=table)


@friendly
def cooccur(
    overlap: Annotated[
        bool, typer.Option("--overlap", help="Count only overlapping codings, not shared turns.")
    ] = False,
    across_coders: Annotated[
        bool,
        typer.Option(
            "--across-coders",
            help="Pair two codes on a turn even when different coders applied them "
            "(default: one coder applied both).",
        ),
    ] = False,
    by: ByCardOption = None,
    card: CardOption = None,
    codes: CodesOption = None,
    depth: DepthOption = None,
    layer_coder: LayerCoderOption = None,
    consensus: ConsensusOption = False,
    department: DepartmentOption = None,
    group_kind: GroupKindOption = None,
    role: RoleOption = None,
    scope: ScopeOption = Coverage.CODED,
    include_moderators: ModeratorsOption = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    db: DbOption = None,
) -> None:
    """Code co-occurrence in the same turn (or overlapping spans): counts and Jaccard."""
    query = cooccurrence.CooccurrenceQuery(
        layer=Layer.of_options(layer_coder, consensus),
        scope=_scope(department, group_kind, role, scope, include_moderators, card),
        codes=_split(codes),
        depth=depth,
        overlap=overlap,
        across_coders=across_coders,
        by_card=_by_card(by),
    )
    result = cooccurrence.cooccurrence(project(db), query, actor=_actor(layer_coder))
    emit(result, fmt, output, table=table, show=_show_cooccur)


@friendly
def quotes(
    code: Annotated[str, typer.Argument(help="Code key; codes below it are included.")],
    limit: LimitOption = DEFAULT_LIMIT,
    by: ByCardOption = None,
    card: CardOption = None,
    layer_coder: LayerCoderOption = None,
    consensus: ConsensusOption = False,
    department: DepartmentOption = None,
    group_kind: GroupKindOption = None,
    role: RoleOption = None,
    scope: ScopeOption = Coverage.CODED,
    include_moderators: ModeratorsOption = False,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    db: DbOption = None,
) -> None:
    """Coded turns to quote: text, speaker, role, transcript and time."""
    from qualcode.services import quotes as quote_service  # search's stack: only these two

    query = quote_service.QuoteQuery(
        code=code,
        layer=Layer.of_options(layer_coder, consensus),
        scope=_scope(department, group_kind, role, scope, include_moderators, card),
        limit=limit,
        by_card=_by_card(by),
    )
    _emit_quotes(
        quote_service.quotes(project(db), query, actor=_actor(layer_coder)), fmt, output, table
    )


@friendly
def search(
    text: Annotated[
        str, typer.Argument(help='Words and "phrases" a turn must all hold; word* for prefixes.')
    ],
    limit: LimitOption = DEFAULT_LIMIT,
    department: DepartmentOption = None,
    group_kind: GroupKindOption = None,
    role: RoleOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    db: DbOption = None,
) -> None:
    """Full-text search over turns (best matches first), with filters."""
    from qualcode.services import quotes as quote_service

    query = quote_service.SearchQuery(
        text=text, scope=_scope(department, group_kind, role), limit=limit
    )
    _emit_quotes(quote_service.search(project(db), query), fmt, output, table)


def _actor(layer_coder: str | None) -> str | None:
    """Who is asking: $QUALCODE_CODER, else the coder whose layer is asked for."""
    return coder_name(None) or layer_coder


def _split(values: list[str] | None) -> tuple[str, ...]:
    """Repeated options and comma-separated values alike."""
    return tuple(
        part.strip() for value in values or [] for part in value.split(",") if part.strip()
    )


def _scope(
    departments: list[str] | None,
    group_kinds: list[str] | None,
    roles: list[str] | None,
    coverage: Coverage = Coverage.CODED,
    include_moderators: bool = False,
    cards: list[str] | None = None,
) -> TurnScope:
    return TurnScope(
        departments=tuple(departments or ()),
        group_kinds=tuple(group_kinds or ()),
        roles=tuple(roles or ()),
        cards=_split(cards),
        coverage=coverage,
        include_moderators=include_moderators,
    )


def _by_card(by: str | None) -> bool:
    if by is None:
        return False
    if by.strip() != "card":
        raise QualcodeError(f"--by '{by}' must be card (one table per statement card).")
    return True


def _show_cooccur(result: ResultSet) -> None:
    """Co-occurrence tables with short code labels and a legend when the codes are too wide."""
    if fits(result, console):
        show_tables(result)
        return
    shortened, legend = short_codes(result, code_columns=2)
    show_tables(shortened)
    console.print(legend)


def _emit_quotes(
    report: QuoteReport, fmt: str | None, output: Path | None, table: str | None
) -> None:
    """Quotes in the terminal as blocks (a header line, then the text); else as a table."""

    def show(result: ResultSet) -> None:
        console.print(query_line(result))
        parts = report.parts or (report.quotes,)
        for number, (described, found) in enumerate(zip(result.tables, parts, strict=True)):
            if number:
                console.print()
            console.print(Text(f"{described.title}: {counted(len(found), 'turn')}", style="bold"))
            for quote in found:
                console.print()
                console.print(quote_header(quote))
                if quote.codes:
                    codes = f"{', '.join(quote.codes)} ({', '.join(quote.coders)})"
                    console.print(Text(indented(codes), style="cyan"))
                console.print(Text(indented(quote.text)))

    emit(report.result_set, fmt, output, table=table, show=show)


def indented(text: str) -> str:
    """The text wrapped to the terminal's width, every line indented by four spaces."""
    width = max(console.width - 1, 20)
    return "\n".join(textwrap.wrap(text, width, initial_indent="    ", subsequent_indent="    "))


def quote_header(quote: Quote) -> Text:
    """`Ward.txt, turn 2 · Anne (nurse) · 00:01:02 · Ward, staff · segment 2`."""
    who = quote.speaker or "no speaker"
    if quote.role:
        who += f" ({quote.role})"
    group = ", ".join(part for part in (quote.department, quote.group_kind) if part)
    details = [who, clock(quote.start_time), group, f"segment {quote.segment_id}"]
    return Text.assemble(
        (f"{quote.transcript}, turn {quote.turn}", "bold"),
        (" · " + " · ".join(part for part in details if part), "dim"),
    )
