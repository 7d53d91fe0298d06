"""The supervisor's audit report: coverage, agreement, disagreements, adjudications, definitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

import qualcode
from qualcode.analysis.agreement.audit_tables import (
    adjudication_table,
    coverage_table,
    definitions_table,
    disagreements_table,
)
from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.interpret import interpret_interval
from qualcode.domain.agreement import ALL_CODES, AgreementOptions, Disagreement
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import Cell, ResultSet, ResultTable
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import adjudication
from qualcode.services import agreement as agree
from qualcode.services.blind import BLIND_KEY
from qualcode.services.codebooks import codebook_info
from qualcode.services.model_audit import model_agreement_table
from qualcode.services.project import Project
from qualcode.services.scope import resolve
from qualcode.store import agreement_queries as store
from qualcode.store import codes as code_store


def audit_report(
    project: Project, coders: tuple[str, ...] | None = None, *, actor: str | None = None
) -> ResultSet:
    """Every table of the audit, described with the codebook and its version."""
    by_code = agree.agreement(project, AgreementOptions(coders=coders), actor=actor)
    by_department = agree.agreement(
        project, AgreementOptions(coders=coders, by="department", intervals=False), actor=actor
    )
    tables = [
        design_table(project, coders),
        coverage_table(agree.coverage(project, coders)),
        *by_code.tables,
        model_agreement_table(project, coders, actor=actor),
        rounds_table(project, coders, actor=actor),
        *by_department.tables,
        disagreements_table(adjudication.disagreements(project, coders=coders, actor=actor)),
        adjudication_table(adjudication.adjudication_log(project)),
        definitions_table(),
    ]
    query = by_code.query
    return ResultSet.describe(
        tables,
        codebook=query["codebook"],
        codebook_version=query["codebook_version"],
        coder_layer=query["coder_layer"],
        qualcode_version=query["qualcode_version"],
        filters={"report": "audit", "unit": "turn", **_agreement_filters(query["filters"])},
    )


def _agreement_filters(filters: str) -> dict[str, str]:
    """The scope and the codes of the agreement tables (their "key = value; ..." line):
    the codes nobody compared used have no row, and the audit says so as `agree` does."""
    pairs = dict(part.partition(" = ")[::2] for part in filters.split("; "))
    found: dict[str, str] = {k: pairs[k] for k in ("scope", "codes") if k in pairs}
    if "codes" in found:  # the audit has no --codes: `agree --codes` shows the others
        found["codes"] = found["codes"].replace("(--codes names others)", "(agree --codes: others)")
    return found


def design_table(project: Project, coders: tuple[str, ...] | None = None) -> ResultTable:
    """The study design a methods section reports (COREQ items; O'Connor & Joffe 2020):
    units, coders, the sample coded independently, blind mode, codebook, intervals."""

    def work(session: Session) -> list[list[Cell]]:
        context = agree.load_context(session, AgreementOptions(coders=coders))
        takers = agree.load_spans(session, context).takers
        turns = store.turn_counts(session)
        roles = {name: role for _, name, role, _ in store.coders(session)}
        n_corpus, t_corpus = len(context.transcripts), sum(turns.values())
        t_sample = sum(turns.get(tid, 0) for tid in takers)
        scope = resolve(session, TurnScope())
        moderators = set(store.segments_of_roles(session, scope.excluded_roles))
        in_sample = sum(1 for sid, *_ in store.segments_of(session, takers) if sid in moderators)
        titles = sorted(context.transcripts[tid].title for tid in takers)
        sample = (
            f"{counted(len(takers), 'transcript')} "
            f"({_share(len(takers), n_corpus)} of the corpus), "
            f"{counted(t_sample, 'turn')} ({_share(t_sample, t_corpus)}), of which {in_sample} are "
            f"moderators' turns ({', '.join(scope.excluded_roles) or 'no moderator roles'}; "
            "no units)" + (f": {', '.join(titles)}" if len(titles) <= 12 else "")
        )
        return [
            ["unit of segmentation", "turns: the segments of each transcript as imported"],
            [
                "unit of agreement",
                "turn: a code is applied to a turn when any coding of it lies in the turn "
                "(whole turn or a span)",
            ],
            [
                "coders compared",
                ", ".join(f"{c} ({roles.get(c, 'coder')})" for c in context.coders),
            ],
            ["corpus", f"{counted(n_corpus, 'transcript')}, {counted(t_corpus, 'turn')}"],
            ["coded independently by two or more of them", sample],
            ["blind mode", _blind_history(session, context.coder_ids)],
            ["codebook", f"{context.codebook}, version {context.codebook_version}"],
            [
                "intervals",
                "95 %: Gwet's (2014) standard errors for percent agreement and the kappa "
                f"family, Krippendorff's bootstrap for alpha ({Bootstrap().resamples} "
                f"resamples, seed {Bootstrap().seed})",
            ],
        ]

    return ResultTable(
        title="Study design",
        columns=["item", "value"],
        rows=project.read(work),
        notes=[
            "A coder takes part in a transcript once they have coded in it or marked it done; "
            "only the participant turns of transcripts two or more compared coders took part "
            "in are units of agreement."
        ],
    )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _blind_history(session: Session, coder_ids: tuple[int, ...]) -> str:
    """What qualcode knows about blind mode during coding: the last switch and how many of
    the coders' codings were made since (earlier switches are not recorded)."""
    setting = code_store.get_setting(session, BLIND_KEY) or {}
    total = store.codings_made(session, coder_ids)
    if not setting.get("at"):
        return f"off (never switched on); {counted(total, 'coding')} made without it"
    since = datetime.fromisoformat(setting["at"])
    made = store.codings_made(session, coder_ids, since)
    state = "on" if setting.get("on") else "off"
    who = f" by {setting['by']}" if setting.get("by") else ""
    return (
        f"{state} since {setting['at']}{who}; {made} of {total} codings of these coders were "
        f"made since then (earlier switches are not recorded)"
    )


def rounds_table(
    project: Project, coders: tuple[str, ...] | None = None, *, actor: str | None = None
) -> ResultTable:
    """Agreement per codebook the coders coded with (round by round), all codes pooled."""

    def rounds(session: Session) -> list[tuple[int, str, int, int]]:
        ids = agree.load_context(session, AgreementOptions(coders=coders)).coder_ids
        return store.codebooks_coded(session, ids)

    rows: list[list[Cell]] = []
    notes = [
        "All codes of each codebook pooled (turn level); rounds are the codebooks loaded, "
        "in load order (a codebook edited in place keeps one round)."
    ]
    for book_id, name, version, codings in project.read(rounds):
        try:
            found = agree.agreement_rows(
                project, AgreementOptions(coders=coders), book_id, actor=actor
            )
        except QualcodeError as error:
            notes.append(f"{name} v{version}: {error}")
            continue
        pooled = [row for row in found if row.code == ALL_CODES] or found[-1:]
        for row in pooled:
            low, high = row.intervals.get("krippendorff_alpha", (None, None))
            kappa = row.cohen_kappa if row.cohen_kappa is not None else row.fleiss_kappa
            rows.append(
                [
                    name,
                    version,
                    codings,
                    row.n_units,
                    row.percent_agreement,
                    kappa,
                    row.krippendorff_alpha,
                    low,
                    high,
                    interpret_interval("alpha", row.krippendorff_alpha, low, high),
                ]
            )
    return ResultTable(
        title="Agreement round by round (per codebook version)",
        columns=[
            "codebook",
            "version",
            "codings",
            "units",
            "percent agreement",
            "kappa",
            "Krippendorff's alpha",
            "ci_low",
            "ci_high",
            "band",
        ],
        rows=rows,
        notes=notes,
    )


def disagreements_report(
    project: Project, found: list[Disagreement], coders: tuple[str, ...] | None = None
) -> ResultSet:
    """The disagreement list as a result set, for export."""
    book = codebook_info(project)
    layers = coders or tuple(sorted({name for d in found for name in d.codes}))
    return ResultSet.describe(
        [disagreements_table(found)],
        codebook=book.name,
        codebook_version=str(book.version),
        coder_layer=", ".join(layers) or "(none)",
        qualcode_version=qualcode.__version__,
        filters={"report": "disagreements"},
    )
