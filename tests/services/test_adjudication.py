"""Disagreements, adjudication into the consensus layer, the log and undo, blind mode."""

from __future__ import annotations

import pytest

from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services import adjudication, blind, corpus, roles
from qualcode.services.coding import apply_code
from qualcode.services.project import Project

TB, JW, RHYTHM = "temporality.breaks", "jobcrafting.workarounds", "temporality.rhythm"


def consensus(project: Project, segment_id: int) -> list[tuple[str, int | None, int | None]]:
    views = corpus.segments(project, 1, coders=["consensus"])
    view = next(v for v in views if v.id == segment_id)
    return sorted(
        ((c.code_key, c.start_char, c.end_char) for c in view.codings),
        key=lambda c: (c[0], c[1] if c[1] is not None else -1),
    )


def test_disagreements_list_units_where_coders_differ(two_coders):
    found = adjudication.disagreements(two_coders)
    assert [(d.segment_id, d.code_key) for d in found] == [(3, JW), (3, TB)]
    tb = found[1]
    assert (tb.coded_by, tb.not_coded_by) == (["ben"], ["anna"])
    assert tb.codes == {"anna": [JW], "ben": [TB]}
    assert tb.text.startswith("I keep a paper list")
    assert tb.speaker == "Bo" and tb.transcript == "fg" and tb.resolution is None
    # Turn 2 is no disagreement at turn level: both coded TB there (ben on a span).
    assert adjudication.disagreements(two_coders, code=JW, coders=("anna", "ben"))[0].code_key == JW


def test_take_a_coder_logs_and_resolves(two_coders):
    view = adjudication.adjudicate(
        two_coders, 3, TB, "take", supervisor="sue", coder="ben", memo="clearly breaks"
    )
    assert consensus(two_coders, 3) == [(TB, None, None)]
    assert (view.decision, view.supervisor, view.memo) == ("take:ben", "sue", "clearly breaks")
    assert view.replaced == [] and [c.code_key for c in view.applied] == [TB]
    resolved = adjudication.disagreements(two_coders, code=TB)[0].resolution
    assert resolved is not None and resolved.id == view.id
    log = adjudication.adjudication_log(two_coders)
    assert [(a.id, a.segment_id, a.code_key, a.undone_at) for a in log] == [(view.id, 3, TB, None)]


def test_both_takes_the_union_of_spans_and_neither_removes(two_coders):
    adjudication.adjudicate(two_coders, 2, TB, "both", supervisor=None)
    # anna's whole turn covers ben's span, so the union is the whole turn.
    assert consensus(two_coders, 2) == [(TB, None, None)]
    adjudication.adjudicate(two_coders, 2, TB, "take", supervisor=None, coder="ben")
    assert consensus(two_coders, 2) == [(TB, 29, 63)]
    adjudication.adjudicate(two_coders, 2, TB, "neither", supervisor=None)
    assert consensus(two_coders, 2) == []


def test_recode_and_undo_restore_the_layer_exactly(two_coders):
    adjudication.adjudicate(two_coders, 2, TB, "both", supervisor=None)  # creates the layer
    apply_code(two_coders, 3, RHYTHM, "consensus", span=(95, 100))  # already in the layer
    before = consensus(two_coders, 3)
    first = adjudication.adjudicate(two_coders, 3, TB, "take", supervisor=None, coder="ben")
    second = adjudication.adjudicate(
        two_coders, 3, TB, "recode", supervisor=None, other_code=RHYTHM
    )
    assert consensus(two_coders, 3) == [(RHYTHM, None, None), (RHYTHM, 95, 100)]
    assert sorted(c.code_key for c in second.replaced) == [TB, RHYTHM]
    with pytest.raises(QualcodeError, match=f"Adjudication {second.id}.*undo it first"):
        adjudication.undo_adjudication(two_coders, first.id, supervisor=None)
    adjudication.undo_adjudication(two_coders, second.id, supervisor=None)
    assert consensus(two_coders, 3) == [(TB, None, None), *before]
    undone = adjudication.undo_adjudication(two_coders, first.id, supervisor=None)
    assert undone.undone_at is not None
    assert consensus(two_coders, 3) == before
    with pytest.raises(QualcodeError, match="already undone"):
        adjudication.undo_adjudication(two_coders, first.id, supervisor=None)
    still_active = [a.undone_at is None for a in adjudication.adjudication_log(two_coders)]
    assert still_active == [True, False, False]


def test_decisions_are_checked(two_coders):
    with pytest.raises(QualcodeError, match="whose version"):
        adjudication.adjudicate(two_coders, 3, TB, "take", supervisor=None)
    with pytest.raises(QualcodeError, match="code to apply"):
        adjudication.adjudicate(two_coders, 3, TB, "recode", supervisor=None)
    with pytest.raises(QualcodeError, match="Unknown decision"):
        adjudication.adjudicate(two_coders, 3, TB, "maybe", supervisor=None)  # type: ignore[arg-type]


def test_only_supervisors_adjudicate_once_roles_exist(two_coders):
    roles.add_coder(two_coders, "sue", roles.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        adjudication.adjudicate(two_coders, 3, TB, "neither", supervisor="anna")
    view = adjudication.adjudicate(two_coders, 3, TB, "neither", supervisor="sue")
    with pytest.raises(PermissionDenied):
        adjudication.undo_adjudication(two_coders, view.id, supervisor="ben")
    assert adjudication.compared_coders(two_coders, 3) == ["anna", "ben"]


def test_blind_mode_shows_a_coder_only_their_layer(two_coders):
    assert blind.blind_mode(two_coders) is False
    assert blind.visibility_for(two_coders, "anna").own is None
    blind.set_blind_mode(two_coders, True, actor="sue")
    assert blind.blind_mode(two_coders) is True
    assert blind.visibility_for(two_coders, "anna").own == "anna"
    assert blind.visibility_for(two_coders, "anna").coders(["ben"]) == []
    with pytest.raises(QualcodeError, match="Blind mode is on"):
        blind.visibility_for(two_coders, None)
    roles.add_coder(two_coders, "sue", roles.SUPERVISOR)
    assert blind.visibility_for(two_coders, "sue").own is None
    with pytest.raises(PermissionDenied):
        blind.set_blind_mode(two_coders, False, actor="anna")
    blind.set_blind_mode(two_coders, False, actor="sue")
    assert blind.visibility_for(two_coders, "anna").own is None
