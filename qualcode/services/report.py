"""The department report (`qualcode report`): figures, quotes, open codes and memos of one
department, assembled from the analysis services so that every figure matches `compare`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from qualcode import __version__
from qualcode.analysis.contingency import RESIDUAL_THRESHOLD, wilson_interval
from qualcode.analysis.pseudonymise import Pseudonymiser
from qualcode.analysis.quote_ranking import Candidate, QuoteRule, rank_quotes
from qualcode.domain.corpus import CodeInfo
from qualcode.domain.report import (
    CardEntry,
    CodeSection,
    MemoEntry,
    Report,
    ReportQuote,
    Share,
)
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services import analysis
from qualcode.services.analysis import (
    CompareQuery,
    CooccurrenceQuery,
    LayerChoice,
    Quote,
    QuoteQuery,
    TurnScope,
)
from qualcode.services.codebooks import codebook_info
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import codes as code_store
from qualcode.store import report_data

OPEN = "open"
CANDIDATES = 500  # quotes read per code before ranking


@dataclass(frozen=True)
class ReportQuery:
    department: str
    by: str | None = None  # "group-kind" for figures per focus-group kind within the department
    codes: tuple[str, ...] = ()
    concepts: bool = False
    layer: LayerChoice = field(default_factory=LayerChoice)
    rule: QuoteRule = field(default_factory=QuoteRule)
    names: bool = False
    pseudonymise: bool = False
    extra_names: tuple[str, ...] = ()


def departments(project: Project) -> list[str]:
    from qualcode.services.corpus import list_transcripts

    return sorted({t.department for t in list_transcripts(project) if t.department})


def build_report(project: Project, query: ReportQuery) -> Report:
    """One department's analysis: every concept and code with figures and ranked quotes."""
    known = departments(project)
    if query.department not in known:
        raise NotFoundError(
            f"No department '{query.department}'; the departments are "
            f"{', '.join(known) or 'none yet (set one with --department at import)'}."
        )
    book = codebook_info(project)
    rows = _row_codes(book.codes, query)
    by_department = _compare(project, CompareQuery(by="department", layer=query.layer), rows)
    by_group = (
        _compare(
            project,
            CompareQuery(
                by=query.by, layer=query.layer, scope=TurnScope(departments=(query.department,))
            ),
            rows,
        )
        if query.by
        else None
    )
    pseudonymiser = _pseudonymiser(project, query)
    sections = [
        _section(project, query, code, by_department, by_group, pseudonymiser) for code in rows
    ]
    concept_sections = tuple(s for s in sections if not _is_open(s.key))
    open_sections = tuple(s for s in sections if _is_open(s.key) and s.depth > 1 and s.here.coded)
    memos = _memos(project, query.department, [code.id for code in rows])
    cards = _cards(project, query, pseudonymiser)
    pairs = analysis.cooccurrence(
        project,
        CooccurrenceQuery(layer=query.layer, scope=TurnScope(departments=(query.department,))),
    ).tables[0]
    provenance = by_department.query
    return Report(
        department=query.department,
        title=f"{query.department}: analysis of the focus groups",
        provenance=(
            ("Department", query.department),
            ("Codebook", f"{provenance.get('codebook')} v{provenance.get('codebook_version')}"),
            ("Coder layer", str(provenance.get("coder_layer"))),
            ("Unit", "turn (a speaker's turn in a focus group)"),
            ("Share", "turns coded with the code / the group's turns; 95 % Wilson interval"),
            ("Compared with", "the other departments (adjusted residuals, Agresti 2013)"),
            ("Quotes attributed by", "name and role" if query.names else "role only"),
            ("Date", date.today().isoformat()),
            ("qualcode", __version__),
        ),
        ranking_rule=query.rule.describe(),
        sections=concept_sections,
        open_codes=open_sections,
        memos=tuple(memos),
        cards=cards,
        cooccurrences=tuple((str(r[0]), str(r[1]), int(r[2] or 0)) for r in pairs.rows),
        replacements=pseudonymiser.report() if pseudonymiser else (),
    )


def set_quote_choice(
    project: Project, code: str, segment_id: int, action: str | None, actor: str | None
) -> None:
    """Pin (`pin`), exclude (`exclude`) or release (None) a turn as a quote for a code."""
    if action not in (report_data.PIN, report_data.EXCLUDE, None):
        raise QualcodeError(f"Unknown quote choice '{action}'; use pin or exclude.")

    def work(session: Session) -> None:
        require_supervisor(session, actor, "pin or exclude report quotes")
        found = code_store.active_code(session, code)
        if found is None:
            raise NotFoundError(f"No code '{code}' in the active codebook.")
        coder = code_store.coder_by_name(session, actor) if actor else None
        report_data.set_choice(session, found.id, segment_id, action, coder.id if coder else None)

    project.write(work)


def _row_codes(codes: Sequence[CodeInfo], query: ReportQuery) -> list[CodeInfo]:
    live = [code for code in codes if not code.retired]
    if query.codes:
        chosen = []
        for key in query.codes:
            found = [c for c in live if c.key == key or c.key.startswith(key + ".")]
            if not found:
                raise NotFoundError(f"No code '{key}'; see `qualcode codebook show`.")
            chosen += [c for c in found if c not in chosen]
        return chosen
    if query.concepts:
        return [code for code in live if "." not in code.key]
    return [code for code in live if code.key.count(".") <= 1]


@dataclass(frozen=True)
class _Figures:
    """Comparisons of the report's codes across groups, one per code depth."""

    reports: tuple[analysis.ComparisonReport, ...]

    @property
    def query(self) -> dict[str, object]:
        return dict(self.reports[0].result_set.query) if self.reports else {}

    def shares(self, key: str) -> list[Share]:
        for report in self.reports:
            comparison = report.comparison
            keys = [k for _, k, _ in comparison.codes]
            if key not in keys:
                continue
            row = keys.index(key)
            shares = []
            for column, group in enumerate(comparison.groups):
                coded, turns = comparison.counts[row][column], comparison.group_turns[column]
                low, high = wilson_interval(coded, turns) if turns else (None, None)
                shares.append(
                    Share(group, coded, turns, low, high, comparison.residual(row, column))
                )
            return shares
        return []


def _compare(project: Project, query: CompareQuery, rows: Sequence[CodeInfo]) -> _Figures:
    """One comparison per depth (the rows of one comparison may not contain each other)."""
    reports = []
    for depth in sorted({_depth(code.key) for code in rows}):
        keys = tuple(code.key for code in rows if _depth(code.key) == depth)
        reports.append(analysis.compare(project, replace(query, codes=keys)))
    return _Figures(tuple(reports))


def _section(
    project: Project,
    query: ReportQuery,
    code: CodeInfo,
    by_department: _Figures,
    by_group: _Figures | None,
    pseudonymiser: Pseudonymiser | None,
) -> CodeSection:
    shares = by_department.shares(code.key)
    here = next(
        (s for s in shares if s.group == query.department),
        Share(query.department, 0, 0, None, None),
    )
    return CodeSection(
        key=code.key,
        name=code.name,
        definition=code.definition,
        depth=_depth(code.key),
        here=here,
        others=tuple(s for s in shares if s.group != query.department),
        by_group=tuple(by_group.shares(code.key)) if by_group else (),
        stands_out=_stands_out(here),
        quotes=tuple(_quotes(project, query, code, pseudonymiser)) if here.coded else (),
    )


def _stands_out(here: Share) -> str:
    if here.residual is None:
        return "not tested (too few coded turns for the comparison)"
    if here.residual > RESIDUAL_THRESHOLD:
        return f"more talk than in the other departments (adjusted residual {here.residual:.2f})"
    if here.residual < -RESIDUAL_THRESHOLD:
        return f"less talk than in the other departments (adjusted residual {here.residual:.2f})"
    return f"no clear difference from the other departments (adjusted residual {here.residual:.2f})"


def _quotes(
    project: Project, query: ReportQuery, code: CodeInfo, pseudonymiser: Pseudonymiser | None
) -> list[ReportQuote]:
    found = analysis.quotes(
        project,
        QuoteQuery(
            code=code.key,
            layer=query.layer,
            scope=TurnScope(departments=(query.department,)),
            limit=CANDIDATES,
        ),
    ).quotes
    by_id = {quote.segment_id: quote for quote in found}
    choices = _choices(project, code.id)
    ranked = rank_quotes(
        [Candidate(q.segment_id, q.transcript_id, q.text, len(q.coders)) for q in found],
        query.rule,
        pinned=choices.pinned,
        excluded=choices.excluded,
    )
    ids = [c.segment_id for c in ranked]
    turns = project.read(lambda session: report_data.turn_numbers(session, ids))
    return [
        _cited(by_id[i], turns[i], query.names, pseudonymiser, i in choices.pinned) for i in ids
    ]


def _cited(
    quote: Quote, turn: int, names: bool, pseudonymiser: Pseudonymiser | None, pinned: bool
) -> ReportQuote:
    role = quote.role or "Participant"
    speaker = f"{quote.speaker} ({role})" if names and quote.speaker else role
    text = pseudonymiser(quote.text) if pseudonymiser else quote.text
    return ReportQuote(
        segment_id=quote.segment_id,
        turn=turn,
        text=text,
        speaker=speaker,
        group_kind=quote.group_kind,
        transcript=quote.transcript,
        time=analysis.clock(quote.start_time),
        coders=len(quote.coders),
        pinned=pinned,
    )


def _choices(project: Project, code_id: int) -> report_data.Choices:
    return project.read(lambda session: report_data.choices(session, [code_id])[code_id])


def _memos(project: Project, department: str, code_ids: list[int]) -> list[MemoEntry]:
    def work(session: Session) -> list[MemoEntry]:
        entries = []
        for row in report_data.department_memos(session, department, code_ids):
            if row.target == "code":
                about = f"code {row.code_key}"
            elif row.turn is not None:
                about = f"{row.transcript}, turn {row.turn}"
            else:
                about = str(row.transcript or row.target)
            entries.append(MemoEntry(about, row.author, row.text))
        return entries

    return project.read(work)


def _cards(
    project: Project, query: ReportQuery, pseudonymiser: Pseudonymiser | None
) -> tuple[CardEntry, ...]:
    """Each card discussed in the department: its participant turns, codes and best quote."""
    from qualcode.services import cards

    entries = []
    for card in cards.list_cards(project):
        found = cards.card_report(project, card.key, quotes=1, department=query.department)
        if not found.participant_turns:
            continue
        quote = None
        if found.quotes:
            best = found.quotes[0]
            turns = project.read(lambda s, i=best.segment_id: report_data.turn_numbers(s, [i]))
            role = best.role or "Participant"
            quote = ReportQuote(
                segment_id=best.segment_id,
                turn=turns[best.segment_id],
                text=pseudonymiser(best.text) if pseudonymiser else best.text,
                speaker=f"{best.speaker} ({role})" if query.names and best.speaker else role,
                group_kind=best.group_kind,
                transcript=best.transcript,
                time=None,
                coders=best.coders,
            )
        statement = found.card.statement.get("en") or next(iter(found.card.statement.values()))
        entries.append(
            CardEntry(
                key=card.key,
                statement=statement,
                turns=found.participant_turns,
                codes=tuple((use.code_key, use.turns) for use in found.codes[:5]),
                quote=quote,
            )
        )
    return tuple(entries)


def _pseudonymiser(project: Project, query: ReportQuery) -> Pseudonymiser | None:
    if not query.pseudonymise:
        return None

    def work(session: Session) -> dict[str, str]:
        ids = report_data.department_transcripts(session, query.department)
        return report_data.speaker_names(session, ids)

    labels = project.read(work)
    labels.update({name: "Name" for name in query.extra_names if name not in labels})
    return Pseudonymiser(labels)


def _depth(key: str) -> int:
    return key.count(".") + 1


def _is_open(key: str) -> bool:
    return key == OPEN or key.startswith(OPEN + ".")


def build_summary(project: Project, query: ReportQuery) -> Report:
    """The cross-department summary: each code's share in every department, side by side."""
    book = codebook_info(project)
    rows = _row_codes(book.codes, query)
    figures = _compare(project, CompareQuery(by="department", layer=query.layer), rows)
    sections = []
    for code in rows:
        shares = figures.shares(code.key)
        coded, turns = sum(s.coded for s in shares), sum(s.turns for s in shares)
        low, high = wilson_interval(coded, turns) if turns else (None, None)
        marked = [
            f"{s.group} ({'more' if (s.residual or 0) > 0 else 'less'}, {s.residual:.2f})"
            for s in shares
            if s.residual is not None and abs(s.residual) > RESIDUAL_THRESHOLD
        ]
        sections.append(
            CodeSection(
                key=code.key,
                name=code.name,
                definition=code.definition,
                depth=_depth(code.key),
                here=Share("All departments", coded, turns, low, high),
                others=tuple(shares),
                by_group=(),
                stands_out=(
                    "departments that stand out: " + "; ".join(marked)
                    if marked
                    else "no department stands out"
                ),
                quotes=(),
            )
        )
    provenance = figures.query
    return Report(
        department="All departments",
        title="Cross-department summary",
        provenance=(
            ("Departments", ", ".join(departments(project))),
            ("Codebook", f"{provenance.get('codebook')} v{provenance.get('codebook_version')}"),
            ("Coder layer", str(provenance.get("coder_layer"))),
            ("Unit", "turn (a speaker's turn in a focus group)"),
            ("Share", "turns coded with the code / the group's turns; 95 % Wilson interval"),
            ("Date", date.today().isoformat()),
            ("qualcode", __version__),
        ),
        ranking_rule="The summary cites no quotes; each department's report does.",
        sections=tuple(s for s in sections if not _is_open(s.key)),
        open_codes=tuple(s for s in sections if _is_open(s.key) and s.depth > 1 and s.here.coded),
        memos=(),
        here_label="Across the departments",
    )
