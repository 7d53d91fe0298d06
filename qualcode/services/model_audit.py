"""The audit's view of the model's layers: how far each agrees with each human, per concept,
with the coefficients `qualcode agree` computes for two humans."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.analysis.agreement.interpret import interpret_interval
from qualcode.domain.agreement import ALL_CODES, AgreementOptions
from qualcode.domain.layer import MODEL_ROLE
from qualcode.domain.table import Cell, ResultTable
from qualcode.errors import QualcodeError
from qualcode.services import agreement as agree
from qualcode.services.project import Project
from qualcode.store import agreement_queries as store

TITLE = "The model's agreement with each coder (per concept, turn level)"
ALL_CONCEPTS = "all concepts"


def _layers(session: Session, coders: tuple[str, ...] | None) -> tuple[list[str], list[str]]:
    """The model layers that hold codings, and the humans to compare them with (`coders`, or
    every human coder who coded)."""
    coded = set(store.coders_with_codings(session))
    rows = store.coders(session)
    models = [name for cid, name, role, _ in rows if role == MODEL_ROLE and cid in coded]
    if coders:
        humans = [name for name in coders if name not in models]
    else:
        humans = [
            name
            for cid, name, role, consensus in rows
            if cid in coded and role != MODEL_ROLE and not consensus
        ]
    return models, humans


def model_agreement_table(
    project: Project,
    coders: tuple[str, ...] | None = None,
    *,
    intervals: bool = True,
    actor: str | None = None,
) -> ResultTable:
    """One row per model layer, human coder and concept (and all concepts pooled): units,
    percent agreement, Cohen's kappa and Krippendorff's alpha with its 95 % interval."""
    models, humans = project.read(lambda session: _layers(session, coders))
    rows: list[list[Cell]] = []
    notes = [
        "Each model layer (`qualcode suggest write`) is compared with each coder as "
        "`qualcode agree --coders CODER,MODEL --concepts` would: units are the participant "
        "turns of transcripts both coded or marked done (the model marks every transcript "
        "it wrote).",
        "A model trained on these coders' codings has seen most of these turns: its "
        "agreement here is optimistic. `qualcode suggest eval --split transcript` measures "
        "it on focus groups it never saw.",
    ]
    if not models:
        notes.append("No model layer yet: write one with `qualcode suggest write --all`.")
    for model in models:
        for human in humans:
            options = AgreementOptions(coders=(human, model), concepts=True, intervals=intervals)
            try:
                found = agree.agreement_rows(project, options, actor=actor)
            except QualcodeError as error:
                notes.append(f"{model} and {human}: {error}")
                continue
            for row in found:
                low, high = row.intervals.get("krippendorff_alpha", (None, None))
                rows.append(
                    [
                        model,
                        human,
                        ALL_CONCEPTS if row.code == ALL_CODES else row.code,
                        row.n_units,
                        row.both,
                        row.a_only,
                        row.b_only,
                        row.percent_agreement,
                        row.cohen_kappa,
                        row.krippendorff_alpha,
                        low,
                        high,
                        interpret_interval("alpha", row.krippendorff_alpha, low, high),
                    ]
                )
    return ResultTable(
        title=TITLE,
        columns=[
            "model",
            "coder",
            "concept",
            "units",
            "both",
            "coder only",
            "model only",
            "percent agreement",
            "Cohen's kappa",
            "Krippendorff's alpha",
            "ci_low",
            "ci_high",
            "band",
        ],
        rows=rows,
        notes=notes,
    )
