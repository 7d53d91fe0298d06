"""The audit report's tables laid out from its values: coverage, disagreements, the
adjudication log and the coefficients' definitions."""

from __future__ import annotations

from qualcode.analysis.agreement.definitions import BANDS, DEFINITIONS
from qualcode.domain.agreement import AdjudicationView, CoderCoverage, Disagreement, LayerCoding
from qualcode.domain.table import ResultTable

TEXT_CHARS = 200


def coverage_table(coverage: list[CoderCoverage]) -> ResultTable:
    """Per coder: transcripts coded or marked done, and turns coded out of their turns."""
    rows: list[list[str | int | float | None]] = [
        [
            c.coder,
            c.transcripts,
            c.marked_done,
            c.turns_coded,
            c.turns_in_coded_transcripts,
            c.share,
            c.codings,
        ]
        for c in coverage
    ]
    return ResultTable(
        title="Coders and coverage",
        columns=[
            "coder",
            "transcripts",
            "of them marked done",
            "participant turns coded",
            "participant turns in those transcripts",
            "share coded",
            "codings",
        ],
        rows=rows,
        notes=[
            "A coder takes part in a transcript once they have coded any turn in it or marked "
            "it done, as in the agreement's units: the turns of a transcript marked done that "
            "they left uncoded count as coded with nothing.",
            "Participant turns: moderators' turns are no units of agreement and count in "
            "neither column, nor do codings on them.",
        ],
    )


def disagreements_table(found: list[Disagreement]) -> ResultTable:
    """One row per disagreement, its text cut at TEXT_CHARS characters."""
    rows: list[list[str | int | float | None]] = []
    for d in found:
        text = d.text if len(d.text) <= TEXT_CHARS else d.text[: TEXT_CHARS - 1] + "…"
        decision = d.resolution.decision if d.resolution else ""
        rows.append(
            [
                d.transcript,
                d.turn,
                d.segment_id,
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
            "transcript",
            "turn",
            "segment id",
            "speaker",
            "code",
            "coded by",
            "not coded by",
            "adjudicated",
            "text",
        ],
        rows=rows,
    )


def adjudication_table(log: list[AdjudicationView]) -> ResultTable:
    """Every adjudication, oldest first, with what it replaced and applied."""
    rows: list[list[str | int | float | None]] = []
    for a in log:
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
    """The definition and reference of every coefficient, with the interpretation bands."""
    return ResultTable(
        title="How each coefficient is defined",
        columns=["coefficient", "definition", "reference"],
        rows=[[d.name, d.definition, d.reference] for d in DEFINITIONS],
        notes=list(BANDS),
    )
