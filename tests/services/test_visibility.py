"""One visibility rule for every read service: with blind mode on, a coder sees only their own
layer; agreement, disagreements, the audit and a whole-project export are a supervisor's."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.domain.agreement import AgreementOptions
from qualcode.domain.layer import Layer
from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services import (
    adjudication,
    agreement,
    analysis,
    audit,
    blind,
    exchange,
    quotes,
    roles,
)
from qualcode.services.analysis import FrequencyQuery
from qualcode.services.blind import VisibleLayers
from qualcode.services.project import Project
from qualcode.services.quotes import QuoteQuery

TB = "temporality.breaks"


def blind_on(project: Project) -> None:
    roles.add_coder(project, "sue", roles.SUPERVISOR)
    blind.set_blind_mode(project, True, actor="sue")


def test_comparing_coders_is_a_supervisors_view_in_blind_mode(
    two_coders: Project, tmp_path: Path
) -> None:
    blind_on(two_coders)
    qdpx = tmp_path / "study.qdpx"
    reads = [
        lambda: agreement.agreement_rows(two_coders, AgreementOptions(), actor="anna"),
        lambda: agreement.agreement(two_coders, AgreementOptions(), actor="anna"),
        lambda: adjudication.disagreements(two_coders, actor="anna"),
        lambda: audit.audit_report(two_coders, actor="anna"),
        lambda: exchange.export_project_qdpx(two_coders, qdpx, actor="anna"),
    ]
    for read in reads:
        with pytest.raises(PermissionDenied, match="Blind mode is on: only a supervisor sees"):
            read()
    assert not qdpx.exists()
    with pytest.raises(QualcodeError, match="say who you are"):
        adjudication.disagreements(two_coders)
    # The supervisor sees everything: ben coded breaks on turn 3, anna workarounds.
    found = adjudication.disagreements(two_coders, actor="sue")
    assert [(d.segment_id, d.code_key) for d in found] == [
        (3, "jobcrafting.workarounds"),
        (3, TB),
    ]
    assert agreement.agreement_rows(two_coders, AgreementOptions(), actor="sue")
    assert exchange.export_project_qdpx(two_coders, qdpx, actor="sue").codings == 4


def test_a_blind_coder_quotes_and_counts_only_their_own_layer(two_coders: Project) -> None:
    # anna coded breaks on turn 2; ben on a span of turn 2 and on turn 3.
    everyone = quotes.quotes(two_coders, QuoteQuery(code=TB)).quotes
    assert [(q.segment_id, q.coders) for q in everyone] == [(2, ["anna", "ben"]), (3, ["ben"])]
    blind_on(two_coders)
    own = quotes.quotes(two_coders, QuoteQuery(code=TB), actor="anna")
    assert [(q.segment_id, q.coders) for q in own.quotes] == [(2, ["anna"])]
    assert own.result_set.query["coder_layer"] == "coder anna"
    for layer in (Layer.coder("ben"), Layer.parse("consensus")):
        with pytest.raises(PermissionDenied, match="anna sees only their own layer"):
            quotes.quotes(two_coders, QuoteQuery(code=TB, layer=layer), actor="anna")
    with pytest.raises(QualcodeError, match="say who you are"):
        quotes.quotes(two_coders, QuoteQuery(code=TB))
    counted = analysis.frequency(two_coders, FrequencyQuery(codes=(TB,)), actor="anna")
    assert counted.query["coder_layer"] == "coder anna"
    supervised = quotes.quotes(two_coders, QuoteQuery(code=TB), actor="sue").quotes
    assert supervised == everyone


def test_the_layers_offered_follow_the_same_rule(two_coders: Project) -> None:
    assert blind.visible_layers(two_coders, "anna") == VisibleLayers(
        every=True, consensus=False, coders=("anna", "ben")
    )
    blind_on(two_coders)
    assert blind.visible_layers(two_coders, "anna") == VisibleLayers(
        every=False, consensus=False, coders=("anna",)
    )
    assert blind.visible_layers(two_coders, "sue").coders == ("anna", "ben", "sue")
