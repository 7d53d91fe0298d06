"""The parts of a department report: a code's figures across groups, its ranked quotes,
the memos, the statement cards and the pseudonymiser (assembled by services.report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from sqlalchemy.orm import Session

from qualcode.analysis.contingency import RESIDUAL_THRESHOLD, wilson_interval
from qualcode.analysis.pseudonymise import Pseudonymiser
from qualcode.analysis.quote_ranking import Candidate, rank_quotes
from qualcode.domain.corpus import CodeInfo
from qualcode.domain.layer import Layer
from qualcode.domain.quote import Quote
from qualcode.domain.report import CardEntry, CodeSection, MemoEntry, QuoteRule, ReportQuote, Share
from qualcode.domain.scope import TurnScope
from qualcode.domain.text import multi_line
from qualcode.domain.turns import clock
from qualcode.services import analysis
from qualcode.services import quotes as quote_service
from qualcode.services.analysis import CompareQuery
from qualcode.services.project import Project
from qualcode.store import report_data

CANDIDATES = 500  # quotes read per code before ranking


@dataclass(frozen=True)
class Citing:
    """How a report cites: the department's scope, the layer, the ranking rule, names,
    renaming."""

    scope: TurnScope
    layer: Layer
    rule: QuoteRule
    names: bool
    pseudonymiser: Pseudonymiser | None
    actor: str | None = None  # who asks: in blind mode a coder sees only their own layer

    @property
    def department(self) -> str:
        return self.scope.departments[0]


@dataclass(frozen=True)
class Figures:
    """Comparisons of the report's codes across groups, one per code depth."""

    reports: tuple[analysis.ComparisonReport, ...]

    @property
    def query(self) -> dict[str, object]:
        return dict(self.reports[0].result_set.query) if self.reports else {}

    def coded_here(self, key: str, group: str) -> bool:
        """Whether any turn of the group holds the code (so it has quotes to cite)."""
        return any(share.group == group and share.coded for share in self.shares(key))

    def tests(self, key: str) -> str:
        """The code's tests across the groups, in words: the turn-level 2 x k test (Holm over
        the codes of its depth) and, where transcripts nest in the groups, the focus-group
        permutation test."""
        for report in self.reports:
            comparison = report.comparison
            keys = [k for _, k, _ in comparison.codes]
            if key not in keys:
                continue
            row = keys.index(key)
            test = comparison.tests[row]
            if test.p_value is None:
                words = f"turns: not tested ({test.problem})"
            else:
                words = f"turns: {test.method} p = {_p(test.p_value)}, Holm {_p(test.p_holm)}"
            if comparison.clusters is None:
                return words
            cluster = comparison.clusters[row]
            if cluster.p_value is None:
                return f"{words}; focus groups as the unit: not tested ({cluster.problem})"
            return (
                f"{words}; focus groups as the unit: permutation p = {_p(cluster.p_value)} "
                f"(the smallest this design can give: {_p(cluster.smallest_p)})"
            )
        return ""

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


def compare_figures(
    project: Project, query: CompareQuery, rows: Sequence[CodeInfo], actor: str | None = None
) -> Figures:
    """One comparison per depth (the rows of one comparison may not contain each other)."""
    reports = []
    for depth in sorted({code_depth(code.key) for code in rows}):
        keys = tuple(code.key for code in rows if code_depth(code.key) == depth)
        reports.append(analysis.compare(project, replace(query, codes=keys), actor=actor))
    return Figures(tuple(reports))


def code_section(
    citing: Citing,
    code: CodeInfo,
    by_department: Figures,
    by_group: Figures | None,
    quotes: Sequence[ReportQuote],
) -> CodeSection:
    shares = by_department.shares(code.key)
    here = next(
        (s for s in shares if s.group == citing.department),
        Share(citing.department, 0, 0, None, None),
    )
    others = tuple(s for s in shares if s.group != citing.department)
    return CodeSection(
        key=code.key,
        name=code.name,
        definition=code.definition,
        depth=code_depth(code.key),
        here=here,
        others=others,
        pooled=_pooled(others),
        by_group=tuple(by_group.shares(code.key)) if by_group else (),
        stands_out=stands_out(here),
        tests=by_department.tests(code.key),
        quotes=tuple(quotes) if here.coded else (),
    )


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _pooled(others: Sequence[Share]) -> Share | None:
    coded, turns = sum(s.coded for s in others), sum(s.turns for s in others)
    if not turns:
        return None
    low, high = wilson_interval(coded, turns)
    return Share(f"the other {len(others)} departments", coded, turns, low, high)


def stands_out(here: Share) -> str:
    if here.residual is None:
        return "not tested (too few coded turns for the comparison)"
    if here.residual > RESIDUAL_THRESHOLD:
        return f"more talk than in the other departments (adjusted residual {here.residual:.2f})"
    if here.residual < -RESIDUAL_THRESHOLD:
        return f"less talk than in the other departments (adjusted residual {here.residual:.2f})"
    return f"no clear difference from the other departments (adjusted residual {here.residual:.2f})"


def cited_quotes(
    project: Project, citing: Citing, codes: Sequence[CodeInfo]
) -> dict[str, tuple[ReportQuote, ...]]:
    """Each code's quotes ranked by the rule and the supervisor's pins and exclusions, read
    in one pass: one analysis context, one query per code, one for the choices and one for
    the turn numbers."""
    found = quote_service.quotes_for_codes(
        project,
        [code.key for code in codes],
        citing.layer,
        citing.scope,
        CANDIDATES,
        actor=citing.actor,
    )

    def work(session: Session) -> tuple[dict[int, report_data.Choices], dict[int, int]]:
        choices = report_data.choices(session, [code.id for code in codes])
        ids = [quote.segment_id for quotes in found.values() for quote in quotes]
        return choices, report_data.turn_numbers(session, ids)

    choices, turns = project.read(work)
    cited = {}
    for code in codes:
        chosen = choices[code.id]
        by_id = {quote.segment_id: quote for quote in found[code.key]}
        ranked = rank_quotes(
            [
                Candidate(q.segment_id, q.transcript_id, q.text, len(q.coders))
                for q in by_id.values()
            ],
            citing.rule,
            pinned=chosen.pinned,
            excluded=chosen.excluded,
        )
        cited[code.key] = tuple(
            _cited(by_id[c.segment_id], turns[c.segment_id], citing, c.segment_id in chosen.pinned)
            for c in ranked
        )
    return cited


def _cited(quote: Quote, turn: int, citing: Citing, pinned: bool) -> ReportQuote:
    role = quote.role or "Participant"
    speaker = f"{quote.speaker} ({role})" if citing.names and quote.speaker else role
    text = citing.pseudonymiser(quote.text) if citing.pseudonymiser else quote.text
    return ReportQuote(
        segment_id=quote.segment_id,
        turn=turn,
        text=text,
        speaker=speaker,
        group_kind=quote.group_kind,
        transcript=quote.transcript,
        time=clock(quote.start_time),
        coders=len(quote.coders),
        pinned=pinned,
    )


def memo_entries(
    project: Project, department: str, code_ids: list[int], actor: str | None = None
) -> list[MemoEntry]:
    """The memos on the codes and the department's transcripts and turns (blind mode: a
    coder's own)."""
    from qualcode.services.blind import visibility

    def work(session: Session) -> list[MemoEntry]:
        own = visibility(session, actor).own
        entries = []
        for row in report_data.department_memos(session, department, code_ids):
            if own is not None and row.author != own:
                continue
            if row.target == "code":
                about = f"code {row.code_key}"
            elif row.turn is not None:
                about = f"{row.transcript}, turn {row.turn}"
            else:
                about = str(row.transcript or row.target)
            entries.append(MemoEntry(about, row.author, multi_line(row.text)))
        return entries

    return project.read(work)


def card_entries(project: Project, citing: Citing) -> tuple[CardEntry, ...]:
    """Each card discussed in the department: its participant turns, codes and best quote."""
    from qualcode.services import cards

    entries = []
    for card in cards.list_cards(project):
        found = cards.card_report(
            project,
            card.key,
            quotes=1,
            department=citing.department,
            layer=citing.layer,
            actor=citing.actor,
        )
        if not found.participant_turns:
            continue
        quote = None
        if found.quotes:
            best = found.quotes[0]
            turns = project.read(partial(report_data.turn_numbers, segment_ids=[best.segment_id]))
            role = best.role or "Participant"
            quote = ReportQuote(
                segment_id=best.segment_id,
                turn=turns[best.segment_id],
                text=citing.pseudonymiser(best.text) if citing.pseudonymiser else best.text,
                speaker=f"{best.speaker} ({role})" if citing.names and best.speaker else role,
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
                codes=tuple(
                    (use.code_key, use.own)
                    for use in sorted(found.codes, key=lambda use: (-use.own, use.code_key))[:5]
                    if use.own
                ),
                quote=quote,
            )
        )
    return tuple(entries)


def pseudonymiser_for(
    project: Project, department: str, extra_names: Sequence[str]
) -> Pseudonymiser:
    """Speaker labels of the department's transcripts become their roles; other names Name."""

    def work(session: Session) -> dict[str, str]:
        ids = report_data.department_transcripts(session, department)
        return report_data.speaker_names(session, ids)

    labels = project.read(work)
    labels.update({name: "Name" for name in extra_names if name not in labels})
    return Pseudonymiser(labels)


def code_depth(key: str) -> int:
    return key.count(".") + 1
