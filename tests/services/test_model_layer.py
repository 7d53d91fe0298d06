"""The suggester as a coder: `suggest write` stores the layer model:<version>, which agreement
compares with a human exactly as it compares two humans."""

from __future__ import annotations

import pytest

from qualcode.domain.agreement import AgreementOptions
from qualcode.domain.imports import ImportSpec
from qualcode.errors import QualcodeError
from qualcode.services import (
    agreement,
    analysis,
    audit,
    coding,
    corpus,
    done,
    importing,
    model_audit,
    model_layer,
)
from qualcode.services.project import Project

GROUP = """[00:00:00] Kim (moderator): What about your lunch break, and the system?
[00:00:10] Anne (nurse): We never get a proper lunch break. The phone rings all the time.
[00:00:20] Bo (secretary): I keep a paper list next to the system, a workaround.
[00:00:30] Anne (nurse): Our breaks are too short and the phone interrupts us.
[00:00:40] Bo (secretary): Nobody recognises the documentation we do for management.
[00:00:50] Cai (doctor): I agree.
"""


@pytest.fixture
def group(coded_project: Project, write_file) -> Project:
    importing.import_one(coded_project, ImportSpec(path=write_file("g.txt", GROUP)))
    turns = corpus.segments(coded_project, 2)
    for turn, key in zip(
        turns[1:],
        ["temporality.breaks", "jobcrafting.workarounds", "temporality", None, "open"],
        strict=True,
    ):
        if key:
            coding.apply_code(coded_project, turn.id, key, "anna")
    done.mark_done(coded_project, 2, "anna")
    return coded_project


def model_codings(project: Project, layer: str, transcript: int) -> list[tuple[int, str]]:
    return [
        (turn.id, view.code_key)
        for turn in corpus.segments(project, transcript, coders=[layer])
        for view in turn.codings
    ]


def test_the_model_layer_agrees_with_a_human_as_a_human_with_its_codings_would(group) -> None:
    run = model_layer.write_model_layer(group, [2], top=1, min_score=0.3)
    assert run.layer.startswith("model:codebook-three_concepts-v1")
    assert (run.transcripts, run.segments, run.moderator_turns) == (1, 5, 1)
    written = model_codings(group, run.layer, 2)
    assert len(written) == run.codings >= 3
    moderator = corpus.segments(group, 2)[0]
    assert moderator.id not in {turn for turn, _ in written}  # moderators' turns: never
    # A human given exactly the model's codings and done mark.
    for turn, key in written:
        coding.apply_code(group, turn, key, "mimic")
    done.mark_done(group, 2, "mimic")
    for concepts in (False, True):
        model = agreement.agreement_rows(
            group, AgreementOptions(coders=("anna", run.layer), concepts=concepts)
        )
        human = agreement.agreement_rows(
            group, AgreementOptions(coders=("anna", "mimic"), concepts=concepts)
        )
        assert [row.model_copy(update={"coders": ()}) for row in model] == [
            row.model_copy(update={"coders": ()}) for row in human
        ]
        assert model and all(row.coders == ("anna", run.layer) for row in model)
    # Through the command's parser too: the layer name is a coder name like any other.
    table = agreement.agreement(group, AgreementOptions(coders=("anna", run.layer)))
    assert run.layer in table.query["coder_layer"]


def test_writing_again_replaces_the_layer_and_it_stays_out_of_all_coders(group) -> None:
    first = model_layer.write_model_layer(group, [2], top=2, min_score=0.1)
    again = model_layer.write_model_layer(group, [2], top=1, min_score=0.3)
    assert again.layer == first.layer and again.replaced == first.codings
    assert len(model_codings(group, again.layer, 2)) == again.codings < first.codings
    # Agreement by default compares the humans only (here one: too few).
    with pytest.raises(QualcodeError, match="at least two coders"):
        agreement.agreement_rows(group, AgreementOptions())
    # The all-coders tables count anna's codings and none of the model's.
    table = analysis.frequency(group, analysis.FrequencyQuery()).tables[0]
    counts = {row[0]: row[-1] for row in table.rows}
    assert counts["temporality"] == 2 and counts["jobcrafting"] == 1


def test_the_audit_shows_the_models_agreement_with_each_human_per_concept(group) -> None:
    coding.apply_code(group, corpus.segments(group, 2)[1].id, "temporality.breaks", "ben")
    done.mark_done(group, 2, "ben")
    run = model_layer.write_model_layer(group, [2], min_score=0.3)
    report = audit.audit_report(group)
    [table] = [t for t in report.tables if t.title == model_audit.TITLE]
    humans = {row[1] for row in table.rows}
    assert humans == {"anna", "ben"} and {row[0] for row in table.rows} == {run.layer}
    concepts = {row[2] for row in table.rows}
    assert {"temporality", model_audit.ALL_CONCEPTS} <= concepts
    # Each row is what `agree --concepts` gives for that human and the model.
    rows = agreement.agreement_rows(
        group, AgreementOptions(coders=("anna", run.layer), concepts=True, intervals=False)
    )
    expected = {
        (model_audit.ALL_CONCEPTS if row.code == "(all codes)" else row.code): (
            row.n_units,
            row.percent_agreement,
            row.cohen_kappa,
            row.krippendorff_alpha,
        )
        for row in rows
    }
    shown = {
        concept: (units, percent, kappa, alpha)
        for _, human, concept, units, _b, _c, _m, percent, kappa, alpha, *_ in table.rows
        if human == "anna"
    }
    assert shown == expected


def test_bad_options_are_refused(group) -> None:
    with pytest.raises(QualcodeError, match="--top"):
        model_layer.write_model_layer(group, [2], top=0)
    with pytest.raises(QualcodeError, match="--min-score"):
        model_layer.write_model_layer(group, [2], min_score=2.0)


def test_the_tables_count_the_model_layer_like_a_coder(group) -> None:
    from qualcode.domain.layer import Layer

    missing = Layer.parse("model:nothing-yet")
    with pytest.raises(QualcodeError, match="suggest write"):
        analysis.frequency(group, analysis.FrequencyQuery(layer=missing))
    run = model_layer.write_model_layer(group, [2], min_score=0.3)
    written = model_codings(group, run.layer, 2)
    for layer in (Layer.parse(run.layer), Layer.coder(run.layer)):
        table = analysis.frequency(group, analysis.FrequencyQuery(layer=layer)).tables[0]
        counts = {row[0]: row[-1] for row in table.rows}
        for concept in ("temporality", "jobcrafting", "relational_coordination", "open"):
            expected = len({turn for turn, key in written if key.split(".")[0] == concept})
            assert counts.get(concept, 0) == expected


def test_in_blind_mode_the_supervisor_audits_the_model_and_a_coder_may_not_write_it(
    group,
) -> None:
    from qualcode.errors import PermissionDenied
    from qualcode.services import blind, roles

    coding.apply_code(group, corpus.segments(group, 2)[1].id, "temporality.breaks", "ben")
    done.mark_done(group, 2, "ben")
    roles.add_coder(group, "sue", roles.SUPERVISOR)
    blind.set_blind_mode(group, True, actor="sue")
    with pytest.raises(PermissionDenied):
        model_layer.write_model_layer(group, [2], actor="anna")
    run = model_layer.write_model_layer(group, [2], min_score=0.3, actor="sue")
    report = audit.audit_report(group, actor="sue")
    [table] = [t for t in report.tables if t.title == model_audit.TITLE]
    assert {row[1] for row in table.rows} == {"anna", "ben"}
    assert {row[0] for row in table.rows} == {run.layer}
    [rounds] = [t for t in report.tables if t.title.startswith("Agreement round by round")]
    assert rounds.rows  # computed for the supervisor, not a note about blind mode
