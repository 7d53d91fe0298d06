"""The department report's content, counted by hand on the study of conftest.py."""

from __future__ import annotations

import pytest

from qualcode.domain.report import CodeSection, QuoteRule, Report
from qualcode.errors import NotFoundError, PermissionDenied
from qualcode.services.project import Project
from qualcode.services.report import ReportQuery, build_report, build_summary, set_quote_choice
from qualcode.services.roles import add_coder


def section(report: Report, key: str) -> CodeSection:
    return next(s for s in (*report.sections, *report.open_codes) if s.key == key)


def test_shares_count_participant_turns_of_the_department(study: Project) -> None:
    ward = build_report(study, ReportQuery(department="Ward"))
    temporality = section(ward, "temporality")
    # turns 2 and 5 carry a temporality code (rolled up); 4 participant turns in Ward
    assert (temporality.here.coded, temporality.here.turns) == (2, 4)
    assert temporality.here.value == pytest.approx(0.5)
    (clinic,) = temporality.others
    assert (clinic.group, clinic.coded, clinic.turns) == ("Clinic", 1, 3)
    breaks = section(ward, "temporality.breaks")
    assert (breaks.here.coded, breaks.here.turns) == (2, 4)  # 2 (anna, ben), 5 (ben)
    workarounds = section(ward, "jobcrafting.workarounds")
    assert (workarounds.here.coded, workarounds.here.turns) == (1, 4)
    # Wilson 95 % interval for 2/4 (z = 1.959964): centre 0.5, half-width 0.3494...
    assert breaks.here.low == pytest.approx(0.1500, abs=1e-4)
    assert breaks.here.high == pytest.approx(0.8500, abs=1e-4)


def test_each_code_states_its_tests_across_the_departments(study: Project) -> None:
    ward = build_report(study, ReportQuery(department="Ward"))
    # temporality: Ward 2 of 4 participant turns, Clinic 1 of 3; expected counts below 5, so
    # Fisher's exact test of [[2, 1], [2, 2]]: P(X = x) = C(4, x) C(3, 3 - x) / C(7, 3) is
    # 1, 12, 18, 4 (/35) for x = 0..3; every table is at most as likely as the observed
    # 18/35, so p = 1. One focus group per department: no transcript-level test.
    assert section(ward, "temporality").tests == (
        "turns: Fisher's exact p = 1.000, Holm 1.000; focus groups as the unit: not tested "
        "(one transcript per group: nothing to compare within)"
    )


def test_quotes_follow_the_rule_and_pins(study: Project) -> None:
    query = ReportQuery(department="Ward", rule=QuoteRule(per_code=3, max_per_transcript=1))
    breaks = section(build_report(study, query), "temporality.breaks")
    # turn 2 is coded by both coders, turn 5 by ben only; one focus group, so 5 comes second
    assert [(q.turn, q.coders) for q in breaks.quotes] == [(2, 2), (5, 1)]
    assert breaks.quotes[0].speaker == "nurse"  # the role, not the name
    assert breaks.quotes[0].group_kind == "staff"
    set_quote_choice(study, "temporality.breaks", 5, "pin", "anna")
    set_quote_choice(study, "temporality.breaks", 2, "exclude", "anna")
    breaks = section(build_report(study, query), "temporality.breaks")
    assert [(q.turn, q.pinned) for q in breaks.quotes] == [(5, True)]


def test_only_a_supervisor_chooses_quotes_once_there_is_one(study: Project) -> None:
    add_coder(study, "sam", "supervisor")
    with pytest.raises(PermissionDenied):
        set_quote_choice(study, "temporality.breaks", 5, "pin", "anna")
    set_quote_choice(study, "temporality.breaks", 5, "pin", "sam")


def test_names_only_when_asked_and_pseudonymised_quotes(study: Project) -> None:
    named = build_report(study, ReportQuery(department="Ward", names=True))
    assert section(named, "temporality.breaks").quotes[0].speaker == "Anne (nurse)"
    hidden = build_report(study, ReportQuery(department="Ward", pseudonymise=True))
    workaround = section(hidden, "jobcrafting.workarounds").quotes[0]
    assert workaround.text.endswith("otherwise we lose patients, [nurse] knows.")
    # turn 3 is quoted for jobcrafting and for jobcrafting.workarounds: two replacements
    assert hidden.replacements == (("Anne", "nurse", 2),)


def test_open_codes_and_memos_of_the_department(study: Project) -> None:
    ward = build_report(study, ReportQuery(department="Ward"))
    clinic = build_report(study, ReportQuery(department="Clinic"))
    assert ward.open_codes == ()
    (it_system,) = clinic.open_codes
    assert (it_system.key, it_system.here.coded, it_system.here.turns) == ("open.it_system", 1, 3)
    assert [q.turn for q in it_system.quotes] == [3]
    assert [(m.about, m.text) for m in ward.memos] == [
        ("code temporality.breaks", "Breaks come up with the phone."),
        ("ward, turn 3", "Workaround: the paper list."),
    ]
    assert ("clinic", "Managers were relaxed.") in [(m.about, m.text) for m in clinic.memos]


def test_by_group_kind_and_the_summary(study: Project) -> None:
    ward = build_report(study, ReportQuery(department="Ward", by="group-kind", concepts=True))
    assert [s.key for s in ward.sections] == [
        "jobcrafting",
        "temporality",
        "relational_coordination",
    ]
    (staff,) = section(ward, "temporality").by_group
    assert (staff.group, staff.coded, staff.turns) == ("staff", 2, 4)
    summary = build_summary(study, ReportQuery(department="", concepts=True))
    temporality = section(summary, "temporality")
    assert (temporality.here.coded, temporality.here.turns) == (3, 7)


def test_unknown_department_is_named(study: Project) -> None:
    with pytest.raises(NotFoundError, match="No department 'Ward 9'.*Clinic, Ward"):
        build_report(study, ReportQuery(department="Ward 9"))


def test_statement_cards_discussed_in_the_department(study: Project) -> None:
    from qualcode.services import cards

    cards.add_card(
        study, cards.make_card("planning", {"en": "The opportunity for planning my daily work."})
    )
    cards.set_section_start(study, 2, "planning")  # Ward's turns 2-5 discuss the card
    ward = build_report(study, ReportQuery(department="Ward"))
    (card,) = ward.cards
    assert (card.key, card.turns) == ("planning", 4)
    assert card.codes == (
        ("temporality.breaks", 2),
        ("jobcrafting.workarounds", 1),
        ("temporality.rhythm", 1),
    )
    # turn 5 is coded by two coders with two codes: the cards' ranking puts it first
    assert card.quote is not None and card.quote.turn == 5
    assert build_report(study, ReportQuery(department="Clinic")).cards == ()


def test_scope_names_the_studys_moderator_roles(study: Project) -> None:
    """The report's Scope line named the default list (moderator, facilitator, interviewer)
    where the study declared moderator and facilitator, the roles its figures use."""
    from qualcode.services.scope import set_moderator_roles

    set_moderator_roles(study, ["moderator", "facilitator"])
    for report in (
        build_report(study, ReportQuery(department="Ward")),
        build_summary(study, ReportQuery(department="")),
    ):
        scope = dict(report.provenance)["Scope"]
        assert scope.startswith("participant turns (not moderator, facilitator) of ")
