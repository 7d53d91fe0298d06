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
from qualcode.domain.corpus import CodeInfo
from qualcode.domain.layer import Layer
from qualcode.domain.report import CodeSection, QuoteRule, Report, Share
from qualcode.domain.scope import TurnScope
from qualcode.errors import NotFoundError, QualcodeError

# The UIs write reports through the service (re-exported):
from qualcode.exchange.report import FORMATS as FORMATS
from qualcode.exchange.report import report_format as report_format
from qualcode.exchange.report import write_report as write_report
from qualcode.services import cooccurrence
from qualcode.services.analysis import CompareQuery
from qualcode.services.codebooks import codebook_info
from qualcode.services.cooccurrence import CooccurrenceQuery
from qualcode.services.project import Project
from qualcode.services.report_parts import (
    Citing,
    card_entries,
    cited_quotes,
    code_depth,
    code_section,
    compare_figures,
    memo_entries,
    pseudonymiser_for,
)
from qualcode.services.roles import require_supervisor
from qualcode.store import codes as code_store
from qualcode.store import report_data

OPEN = "open"


@dataclass(frozen=True)
class ReportQuery:
    department: str
    by: str | None = None  # "group-kind" for figures per focus-group kind within the department
    codes: tuple[str, ...] = ()
    concepts: bool = False
    layer: Layer = field(default_factory=Layer)
    rule: QuoteRule = field(default_factory=QuoteRule)
    names: bool = False
    pseudonymise: bool = False
    extra_names: tuple[str, ...] = ()
    scope: TurnScope = field(default_factory=TurnScope)  # coverage and moderators; no filters
    actor: str | None = None  # who asks: in blind mode a coder's report counts their own layer

    def within(self, department: str | None = None) -> TurnScope:
        """The report's scope, narrowed to one department when given."""
        return replace(self.scope, departments=(department,) if department else ())


def _scope_text(project: Project, scope: TurnScope) -> str:
    """The scope in words with the study's moderator roles (the figures use them; the
    default list named 'interviewer' in a study whose roles are moderator, facilitator)."""
    from qualcode.services.scope import get_moderator_roles

    return scope.with_moderator_roles(get_moderator_roles(project)).describe()


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
    by_department = compare_figures(
        project,
        CompareQuery(by="department", layer=query.layer, scope=query.within()),
        rows,
        query.actor,
    )
    by_group = (
        compare_figures(
            project,
            CompareQuery(by=query.by, layer=query.layer, scope=query.within(query.department)),
            rows,
            query.actor,
        )
        if query.by
        else None
    )
    pseudonymiser = (
        pseudonymiser_for(project, query.department, query.extra_names)
        if query.pseudonymise
        else None
    )
    citing = Citing(
        query.within(query.department),
        query.layer,
        query.rule,
        query.names,
        pseudonymiser,
        query.actor,
    )
    quoted = cited_quotes(
        project,
        citing,
        [code for code in rows if by_department.coded_here(code.key, query.department)],
    )
    sections = [
        code_section(citing, code, by_department, by_group, quoted.get(code.key, ()))
        for code in rows
    ]
    concept_sections = tuple(s for s in sections if not _is_open(s.key))
    open_sections = tuple(s for s in sections if _is_open(s.key) and s.depth > 1 and s.here.coded)
    memos = memo_entries(project, query.department, [code.id for code in rows], query.actor)
    cards = card_entries(project, citing)
    pairs = cooccurrence.cooccurrence(
        project,
        CooccurrenceQuery(layer=query.layer, scope=query.within(query.department)),
        actor=query.actor,
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
            ("Scope", _scope_text(project, query.scope)),
            ("Share", "coded turns / the group's turns in scope; 95 % Wilson interval"),
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


def build_summary(project: Project, query: ReportQuery) -> Report:
    """The cross-department summary: each code's share in every department, side by side."""
    book = codebook_info(project)
    rows = _row_codes(book.codes, query)
    figures = compare_figures(
        project,
        CompareQuery(by="department", layer=query.layer, scope=query.within()),
        rows,
        query.actor,
    )
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
                depth=code_depth(code.key),
                here=Share("All departments", coded, turns, low, high),
                others=tuple(shares),
                by_group=(),
                stands_out=(
                    "departments that stand out: " + "; ".join(marked)
                    if marked
                    else "no department stands out"
                ),
                quotes=(),
                tests=figures.tests(code.key),
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
            ("Scope", _scope_text(project, query.scope)),
            ("Share", "coded turns / the group's turns in scope; 95 % Wilson interval"),
            ("Date", date.today().isoformat()),
            ("qualcode", __version__),
        ),
        ranking_rule="The summary cites no quotes; each department's report does.",
        sections=tuple(s for s in sections if not _is_open(s.key)),
        open_codes=tuple(s for s in sections if _is_open(s.key) and s.depth > 1 and s.here.coded),
        memos=(),
        here_label="Across the departments",
    )


def _is_open(key: str) -> bool:
    return key == OPEN or key.startswith(OPEN + ".")
