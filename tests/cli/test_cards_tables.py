"""`--by card` and `--card` in freq, compare, cooccur, quotes and agree, counted by hand.

One focus group, two coders. Turns (segment id = turn number):

    opening    1 Moderator  welcome            anna: temporality.rhythm
               2 Anne       coffee?            anna: temporality.breaks
    planning   3 Anne       reads the card     anna: jobcrafting.task
               4 Bo         my list ...        anna: temporality.predictability,
                                               jobcrafting.task; ben: predictability
               5 Moderator  next card          anna: temporality.predictability
    disturbed  6 Bo         reads the card
               7 Anne       the phone ...      anna, ben: temporality.interruptions;
                                               ben: relational_coordination.communication
               8 Bo         yes                ben: relational_coordination

Card tables count the participant turns of the card sections: planning 3-4 (2 turns),
disturbed 6-8 (3 turns). Turn 2, a participant's, lies in the opening and counts in no card.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode.domain.agreement import AgreementOptions
from qualcode.services import agreement, cards, codebooks, coding
from qualcode.services.project import open_project

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"
MANIFEST = """\
transcripts:
  - file: fg.txt
    department: Ward
    group_kind: staff
    roles: {Moderator: moderator, Anne: nurse, Bo: physician}
cards:
  - key: planning
    statement: "The opportunity for planning my daily work is good."
  - key: disturbed
    statement: "We are frequently disturbed while doing tasks that require full attention."
"""
TRANSCRIPT = """\
Moderator: Welcome, here are the cards.
Anne: Do we get coffee during this?
Anne: The opportunity for planning my daily work is good. Not here.
Bo: My list is gone by nine every day.
Moderator: Next card.
Bo: We are frequently disturbed while doing tasks that require full attention.
Anne: The phone rings all the time, even in the break.
Bo: Yes.
"""
CODINGS = [
    (1, "temporality.rhythm", "anna"),
    (2, "temporality.breaks", "anna"),
    (3, "jobcrafting.task", "anna"),
    (4, "temporality.predictability", "anna"),
    (4, "jobcrafting.task", "anna"),
    (4, "temporality.predictability", "ben"),
    (5, "temporality.predictability", "anna"),
    (7, "temporality.interruptions", "anna"),
    (7, "temporality.interruptions", "ben"),
    (7, "relational_coordination.communication", "ben"),
    (8, "relational_coordination", "ben"),
]
CONCEPTS = "jobcrafting,temporality,relational_coordination"


@pytest.fixture
def study(tmp_path: Path, run, database_url: str) -> None:
    (tmp_path / "fg.txt").write_text(TRANSCRIPT, encoding="utf-8")
    manifest = tmp_path / "study.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    assert run("import", "--manifest", manifest).exit_code == 0
    project = open_project(database_url)
    spans = [(s.label, s.first_ordinal, s.last_ordinal) for s in cards.sections(project, "1")]
    assert spans == [("opening", 0, 1), ("planning", 2, 4), ("disturbed", 5, 7)]  # ordinals
    codebooks.load_codebook_file(project, CODEBOOK)
    for segment, key, coder in CODINGS:
        coding.apply_code(project, segment, key, coder)
    project.close()


def _json(run, *args: object) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _rows(table: dict) -> dict[str, list]:
    return {row[0] or row[1]: row[2:] for row in table["rows"]}


def test_freq_by_card_leaves_out_the_opening_even_with_moderators(study, run) -> None:
    (table,) = _json(run, "freq", "--by", "card", "--depth", "1")["tables"]
    assert table["columns"] == ["Code", "Name", "disturbed", "planning", "Total"]
    rows = _rows(table)
    assert rows["temporality"] == [1, 1, 2]  # turns 7 and 4; not 2 (opening) nor 5 (moderator)
    assert rows["jobcrafting"] == [0, 2, 2]
    assert rows["(participant turns in scope)"] == [3, 2, 5]
    (table,) = _json(run, "freq", "--by", "card", "--depth", "1", "--include-moderators")["tables"]
    rows = _rows(table)
    assert rows["temporality"] == [1, 2, 3]  # turn 5 now counts; turn 1 is the opening's
    assert rows["(turns in scope)"] == [3, 3, 6]


def test_compare_by_card_and_one_card(study, run) -> None:
    payload = _json(run, "compare", "--by", "card", "--codes", CONCEPTS)
    counts = payload["tables"][0]
    assert counts["title"] == "Coded turns by card"
    assert counts["columns"][2:] == ["disturbed", "planning", "Total"]
    rows = _rows(counts)
    assert rows["jobcrafting"] == [0, 2, 2]
    assert rows["temporality"] == [1, 1, 2]
    assert rows["relational_coordination"] == [2, 0, 2]
    assert rows["Participant turns in group"] == [3, 2, 5]
    assert "unit = participant turn in a card's section;" in payload["query"]["filters"]
    one = _json(run, "compare", "--by", "department", "--card", "planning", "--codes", CONCEPTS)
    rows = _rows(one["tables"][0])
    assert rows["temporality"] == [1, 1] and rows["Participant turns in group"] == [2, 2]
    assert "in the sections of card planning" in one["query"]["filters"]


def test_compare_by_card_and_department_is_the_card_x_department_matrix(study, run) -> None:
    payload = _json(run, "compare", "--by", "card,department", "--codes", CONCEPTS)
    counts = payload["tables"][0]
    assert counts["title"] == "Coded turns by card, department"
    assert counts["columns"][2:] == ["disturbed / Ward", "planning / Ward", "Total"]
    rows = _rows(counts)  # one department: the by-card counts above, now per (card, Ward)
    assert rows["jobcrafting"] == [0, 2, 2]
    assert rows["relational_coordination"] == [2, 0, 2]
    assert rows["Participant turns in group"] == [3, 2, 5]
    # a card is not a set of whole transcripts: no focus-group table
    assert not any(t["title"].startswith("Focus groups") for t in payload["tables"])
    twice = run("compare", "--by", "card,card")
    assert twice.exit_code == 1 and "Name each --by dimension once." in twice.output
    three = run("compare", "--by", "card,department,group-kind")
    assert three.exit_code == 1 and "Compare by one dimension or two" in three.output


def test_cooccur_by_card_pairs_within_each_card(study, run) -> None:
    payload = _json(run, "cooccur", "--by", "card", "--depth", "1")
    pairs = {
        table["title"]: {(row[0], row[1]): row[2] for row in table["rows"]}
        for table in payload["tables"]
        if "matrix" not in table["title"].lower()
    }
    [planning] = [found for title, found in pairs.items() if title.endswith("in card planning")]
    [disturbed] = [found for title, found in pairs.items() if title.endswith("in card disturbed")]
    assert planning == {("jobcrafting", "temporality"): 1}  # anna on turn 4
    assert disturbed == {("temporality", "relational_coordination"): 1}  # ben on turn 7
    one = _json(run, "cooccur", "--card", "disturbed", "--depth", "1")
    found = {(row[0], row[1]): row[2] for row in one["tables"][0]["rows"]}
    assert found == {("temporality", "relational_coordination"): 1}


def test_quotes_by_card_and_for_one_card(study, run) -> None:
    payload = _json(run, "quotes", "temporality", "--by", "card")
    titles = [table["title"] for table in payload["tables"]]
    assert titles == [
        "Quotes for temporality in card planning",
        "Quotes for temporality in card disturbed",
    ]
    texts = [[row for row in table["rows"]] for table in payload["tables"]]
    assert [len(rows) for rows in texts] == [1, 1]
    assert "My list is gone" in json.dumps(texts[0]) and "phone rings" in json.dumps(texts[1])
    everything = _json(run, "quotes", "temporality")["tables"][0]["rows"]
    assert len(everything) == 3  # turns 2, 4 and 7: the opening's participant turn too
    shown = run("quotes", "temporality", "--card", "planning")
    assert shown.exit_code == 0, shown.output
    assert "My list is gone" in shown.output and "phone" not in shown.output
    assert "coffee" not in shown.output


def test_agree_by_card_counts_the_units_of_each_card(study, run, database_url: str) -> None:
    project = open_project(database_url)
    options = AgreementOptions(coders=("anna", "ben"), concepts=True, by="card", intervals=False)
    rows = {(row.group, row.code): row for row in agreement.agreement_rows(project, options)}
    planning = rows[("planning", "temporality")]  # turns 3, 4: both on 4, neither on 3
    assert (planning.both, planning.a_only, planning.b_only, planning.neither) == (1, 0, 0, 1)
    assert (rows[("planning", "jobcrafting")].a_only, rows[("planning", "jobcrafting")].both) == (
        2,
        0,
    )
    relational = rows[("disturbed", "relational_coordination")]  # turns 6-8: ben on 7, 8
    assert (relational.both, relational.b_only, relational.neither) == (0, 2, 1)
    assert {group for group, _ in rows} == {"planning", "disturbed"}  # turn 2: no card
    one = AgreementOptions(coders=("anna", "ben"), concepts=True, cards=("planning",))
    [temporality] = [
        row for row in agreement.agreement_rows(project, one) if row.code == "temporality"
    ]
    assert (temporality.both, temporality.neither, temporality.a_only) == (1, 1, 0)
    project.close()
    shown = run("agree", "--by", "card", "--concepts", "--no-intervals")
    assert shown.exit_code == 0, shown.output
    assert "planning" in shown.output and "in a card's section" in shown.output


def test_card_options_refuse_bad_input_in_one_sentence(study, run) -> None:
    unknown = run("compare", "--by", "card", "--card", "nope")
    assert unknown.exit_code == 1 and "No card 'nope' in the deck" in unknown.output
    assert "Traceback" not in unknown.output
    by = run("quotes", "temporality", "--by", "department")
    assert by.exit_code == 1 and "must be card" in by.output
    character = run("agree", "--by", "card", "--unit", "character")
    assert character.exit_code == 1 and "--unit turn or --unit sentence" in character.output
