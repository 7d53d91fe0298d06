"""The supervisor's audit report: coverage, agreement, disagreements, adjudications, definitions."""

from __future__ import annotations

import qualcode
from qualcode.analysis.agreement.definitions import BANDS, DEFINITIONS
from qualcode.domain.agreement import AgreementOptions, Disagreement, LayerCoding
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.services import adjudication
from qualcode.services import agreement as agree
from qualcode.services.codebooks import codebook_info
from qualcode.services.project import Project

TEXT_CHARS = 200


def audit_report(
    project: Project, coders: tuple[str, ...] | None = None, *, actor: str | None = None
) -> ResultSet:
    """Every table of the audit, described with the codebook and its version."""
    by_code = agree.agreement(project, AgreementOptions(coders=coders), actor=actor)
    by_department = agree.agreement(
        project, AgreementOptions(coders=coders, by="department"), actor=actor
    )
    tables = [
        coverage_table(project, coders),
        *by_code.tables,
        *by_department.tables,
        disagreements_table(adjudication.disagreements(project, coders=coders, actor=actor)),
        adjudication_table(project),
        definitions_table(),
    ]
    query = by_code.query
    return ResultSet.describe(
        tables,
        codebook=query["codebook"],
        codebook_version=query["codebook_version"],
        coder_layer=query["coder_layer"],
        qualcode_version=query["qualcode_version"],
        filters={"report": "audit", "unit": "turn"},
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


def coverage_table(project: Project, coders: tuple[str, ...] | None = None) -> ResultTable:
    rows: list[list[str | int | float | None]] = [
        [c.coder, c.transcripts, c.turns_coded, c.turns_in_coded_transcripts, c.share, c.codings]
        for c in agree.coverage(project, coders)
    ]
    return ResultTable(
        title="Coders and coverage",
        columns=[
            "coder",
            "transcripts",
            "turns coded",
            "turns in those transcripts",
            "share coded",
            "codings",
        ],
        rows=rows,
        notes=["A coder takes part in a transcript once they have coded any turn in it."],
    )


def disagreements_table(found: list[Disagreement]) -> ResultTable:
    rows: list[list[str | int | float | None]] = []
    for d in found:
        text = d.text if len(d.text) <= TEXT_CHARS else d.text[: TEXT_CHARS - 1] + "…"
        decision = d.resolution.decision if d.resolution else ""
        rows.append(
            [
                d.segment_id,
                d.transcript,
                d.ordinal,
                d.speaker,
                d.code_key,
                ", ".join(d.coded_by),
                ", ".join(d.not_coded_by),
                decision,
                text,
            ]
        )
    return ResultTable(
        title="Disagreements",
        columns=[
            "segment",
            "transcript",
            "#",
            "speaker",
            "code",
            "coded by",
            "not coded by",
            "adjudicated",
            "text",
        ],
        rows=rows,
    )


def adjudication_table(project: Project) -> ResultTable:
    rows: list[list[str | int | float | None]] = []
    for a in adjudication.adjudication_log(project):
        rows.append(
            [
                a.id,
                a.created_at.isoformat(timespec="seconds"),
                a.supervisor,
                a.segment_id,
                a.code_key,
                a.decision,
                _codings(a.replaced),
                _codings(a.applied),
                a.memo,
                a.undone_at.isoformat(timespec="seconds") if a.undone_at else None,
            ]
        )
    return ResultTable(
        title="Adjudication log",
        columns=[
            "id",
            "when",
            "supervisor",
            "segment",
            "code",
            "decision",
            "replaced",
            "applied",
            "memo",
            "undone at",
        ],
        rows=rows,
    )


def _codings(codings: list[LayerCoding]) -> str:
    def span(c: LayerCoding) -> str:
        return "" if c.start_char is None else f" [{c.start_char}:{c.end_char}]"

    return "; ".join(f"{c.code_key}{span(c)}" for c in codings) or "(none)"


def definitions_table() -> ResultTable:
    return ResultTable(
        title="How each coefficient is defined",
        columns=["coefficient", "definition", "reference"],
        rows=[[d.name, d.definition, d.reference] for d in DEFINITIONS],
        notes=list(BANDS),
    )
