"""The `qualcode cards` commands and `cards report`, with figures counted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.services import cards, codebooks, coding, roles
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
    statement:
      en: "The opportunity for planning my daily work is good."
    concepts: [temporality]
  - key: disturbed
    statement: "We are frequently disturbed while doing tasks that require full attention."
"""

TRANSCRIPT = """\
Moderator: Welcome, here are the cards.
Anne: The opportunity for planning my daily work is good. Not here.
Bo: My list is gone by nine every day.
Moderator: Next card.
Bo: We are frequently disturbed while doing tasks that require full attention.
Anne: The phone rings all the time, even in the break.
Bo: Yes.
"""


@pytest.fixture
def study(tmp_path: Path, run) -> Path:
    (tmp_path / "fg.txt").write_text(TRANSCRIPT, encoding="utf-8")
    manifest = tmp_path / "study.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    result = run("import", "--manifest", manifest)
    assert result.exit_code == 0, result.output
    assert "Deck: 2 cards added" in result.output
    assert "Cards: 2 readings found in 1 transcript " in result.output
    return manifest


def test_import_reads_the_deck_and_finds_the_sections(study: Path, run) -> None:
    listed = run("cards", "list")
    assert listed.exit_code == 0
    assert "planning" in listed.output and "temporality" in listed.output
    sections = run("cards", "sections", "1")
    lines = [line for line in sections.output.splitlines() if "detected" in line]
    assert [line.split("│")[2].strip() for line in lines] == ["opening", "planning", "disturbed"]
    assert [line.split("│")[3].strip() for line in lines] == ["1-1", "2-4", "5-7"]


def test_add_edit_assign_and_their_errors(study: Path, run, database_url: str) -> None:
    added = run("cards", "add", "breaks", "--statement", "en=I get the breaks I need.")
    assert added.exit_code == 0, added.output
    bad = run("cards", "add", "x", "--statement", "xx=hello")
    assert bad.exit_code == 1 and "language 'xx' is not one of" in bad.output
    assert run("cards", "edit", "breaks", "--concept", "temporality").exit_code == 0
    assert run("cards", "assign", "6", "breaks").exit_code == 0
    # a turn reference as `code` takes it (was refused: 'Input should be a valid integer')
    by_turn = run("cards", "assign", "T1:6", "breaks")
    assert by_turn.exit_code == 0, by_turn.output
    assert "T1:6 (segment 6) now opens a section of breaks" in by_turn.output
    missing = run("cards", "assign", "6", "nope")
    assert missing.exit_code == 1 and "No card 'nope'" in missing.output
    project = open_project(database_url)
    spans = [(s.label, s.first_ordinal, s.origin) for s in cards.sections(project, "1")]
    assert spans[-1] == ("breaks", 5, "manual")
    [breaks] = [c for c in cards.list_cards(project) if c.key == "breaks"]
    assert breaks.concepts == ["temporality"] and breaks.n_sections == 1
    project.close()


def test_report_counts_participant_turns_words_codes_and_ranks_quotes(
    study: Path, database_url: str, run
) -> None:
    project = open_project(database_url)
    codebooks.load_codebook_file(project, CODEBOOK)
    # segment ids follow the turn order: 1 is the moderator's welcome
    coding.apply_code(project, 6, "temporality.interruptions", "anna")  # "The phone rings ..."
    coding.apply_code(project, 6, "temporality.interruptions", "ben")
    coding.apply_code(project, 6, "temporality.breaks", "ben")
    coding.apply_code(project, 7, "temporality.interruptions", "anna")  # "Yes."
    coding.apply_code(project, 5, "temporality.interruptions", "anna")  # the reading
    report = cards.card_report(project, "disturbed")
    # disturbed: turns 4-6 = Bo's reading (11 words), Anne (10 words), Bo "Yes." (1 word)
    [group] = report.groups
    assert (group.department, group.group_kind, group.transcripts) == ("Ward", "staff", 1)
    assert (group.turns, group.words, group.coded_turns) == (3, 22, 3)
    # temporality rolls up its codes: turns 4-6 (segments 5-7), none coded with it directly
    assert [(use.code_key, use.turns, use.own) for use in report.codes] == [
        ("temporality", 3, 0),
        ("temporality.interruptions", 3, 3),
        ("temporality.breaks", 1, 1),
    ]
    # two coders on turn 6 first; then turns 5 and 7 (one coder, one code) by length
    assert [quote.segment_id for quote in report.quotes] == [6, 5, 7]
    planning = cards.card_report(project, "planning")
    # planning: turns 1-3 less the moderator's "Next card." (turn 3): 11 + 8 words
    assert [(g.turns, g.words) for g in planning.groups] == [(2, 19)]
    project.close()
    shown = run("cards", "report", "disturbed")
    assert shown.exit_code == 0, shown.output
    assert "turns coded by the most coders first" in shown.output
    assert "share: turns of the 3 participant turns in the card's sections" in shown.output


def test_report_counts_the_all_coders_layer_not_consensus_nor_a_model(
    study: Path, database_url: str
) -> None:
    """The consensus layer (and a model's layer) is no coder: the report counted it, so an
    adjudicated turn showed '3 coders' for anna and ben and jumped the quote ranking."""
    from qualcode.domain.layer import MODEL_ROLE
    from qualcode.services import adjudication
    from qualcode.store.coders import add_coder

    project = open_project(database_url)
    codebooks.load_codebook_file(project, CODEBOOK)
    coding.apply_code(project, 5, "temporality.interruptions", "anna")  # the reading, 11 words
    coding.apply_code(project, 5, "temporality.interruptions", "ben")
    coding.apply_code(project, 6, "temporality.breaks", "anna")  # Anne, 10 words
    coding.apply_code(project, 6, "temporality.interruptions", "ben")
    adjudication.adjudicate(project, 6, "temporality.breaks", "take", supervisor=None, coder="anna")
    with project.sessions.begin() as session:  # a model's layer (suggest write)
        add_coder(session, "model:1", MODEL_ROLE)
    coding.apply_code(project, 7, "relational_coordination", "model:1")
    report = cards.card_report(project, "disturbed")
    # turns 5 and 6: two coders each (anna, ben); turn 6 has two codes, so it ranks first
    assert [(q.segment_id, q.coders) for q in report.quotes] == [(6, 2), (5, 2)]
    assert [(use.code_key, use.own) for use in report.codes] == [
        ("temporality", 0),
        ("temporality.interruptions", 2),
        ("temporality.breaks", 1),
    ]
    assert report.groups[0].coded_turns == 2
    project.close()


def test_report_rolls_codes_up_as_freq_does(study: Path, database_url: str, run) -> None:
    """`cards report` showed a parent code on the turns coded with it alone (1) where
    `freq --card` counts the turns coded with it or a code below it (2): both now agree, and
    the report shows the own count next to it."""
    project = open_project(database_url)
    codebooks.load_codebook_file(project, CODEBOOK)
    coding.apply_code(project, 5, "relational_coordination", "anna")  # disturbed: the reading
    coding.apply_code(project, 6, "relational_coordination.communication", "ben")  # Anne
    coding.apply_code(project, 6, "temporality.interruptions", "anna")
    report = cards.card_report(project, "disturbed")
    project.close()
    # relational_coordination: segment 5 (itself) and 6 (a code below it) = 2 turns, 1 own;
    # temporality: segment 6 = 1. Shares of the card's 3 participant turns (segments 5-7).
    assert [(use.code_key, use.turns, use.own) for use in report.codes] == [
        ("relational_coordination", 2, 1),
        ("relational_coordination.communication", 1, 1),
        ("temporality", 1, 0),
        ("temporality.interruptions", 1, 1),
    ]
    assert report.scope_turns == 3
    shown = run("freq", "--card", "disturbed", "--depth", "1", "--format", "csv")
    assert shown.exit_code == 0, shown.output
    rows = {line.split(",")[0]: line.split(",")[2:] for line in shown.stdout.splitlines()}
    assert rows["relational_coordination"] == ["2"] and rows["temporality"] == ["1"]
    printed = run("cards", "report", "disturbed")
    assert printed.exit_code == 0, printed.output
    row = next(line for line in printed.output.splitlines() if "│ relational_coordination " in line)
    assert [cell.strip() for cell in row.split("│")[2:5]] == ["2", "1", "66.7%"]
    assert "own: with the code itself" in printed.output


def test_freq_by_card_counts_participant_turns_by_hand(study: Path, database_url: str, run) -> None:
    project = open_project(database_url)
    codebooks.load_codebook_file(project, CODEBOOK)
    coding.apply_code(project, 3, "temporality.predictability", "anna")  # planning: Bo's list
    coding.apply_code(project, 4, "temporality.predictability", "anna")  # moderator: left out
    coding.apply_code(project, 6, "temporality.interruptions", "anna")  # disturbed: Anne
    coding.apply_code(project, 6, "temporality.interruptions", "ben")
    coding.apply_code(project, 7, "relational_coordination", "ben")  # disturbed: "Yes."
    project.close()
    # planning: participant turns 1-2 (segments 2, 3); disturbed: turns 4-6 (segments 5-7).
    # temporality: planning 1 (segment 3), disturbed 1 (segment 6, two coders count once);
    # relational coordination: disturbed 1 (segment 7).
    shown = run("freq", "--by", "card", "--depth", "1", "--format", "csv")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Code,"))
    assert header == "Code,Name,disturbed,planning,Total"
    rows = {line.split(",")[0]: line.split(",")[2:] for line in lines if "," in line}
    assert rows["temporality"] == ["1", "1", "2"]
    assert rows["relational_coordination"] == ["1", "0", "1"]
    assert rows["(participant turns in scope)"] == ["3", "2", "5"]
    by_ben = run("freq", "--by", "card,department", "--coder", "ben", "--card", "disturbed")
    assert by_ben.exit_code == 0, by_ben.output
    assert "disturbed / Ward" in by_ben.output and "planning" not in by_ben.output.split("Coded")[1]
    # by card and coder: each coder's own turns; the total counts a turn once
    split = run("freq", "--by", "card,coder", "--depth", "1", "--format", "csv")
    assert split.exit_code == 0, split.output
    lines = split.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Code,"))
    groups = "disturbed / anna,disturbed / ben,planning / anna,planning / ben"
    assert header == f"Code,Name,{groups},Total"
    rows = {line.split(",")[0]: line.split(",")[2:] for line in lines if "," in line}
    assert rows["temporality"] == ["1", "1", "1", "0", "2"]
    assert rows["relational_coordination"] == ["0", "1", "0", "0", "1"]


def test_assign_is_a_supervisors_once_there_is_one(study: Path, run, database_url: str) -> None:
    project = open_project(database_url)
    roles.add_coder(project, "sue", roles.SUPERVISOR)
    roles.add_coder(project, "carl", roles.CODER, actor="sue")
    before = [(s.label, s.first_ordinal) for s in cards.sections(project, "1")]
    refused = run("cards", "assign", "6", "planning", "--coder", "carl")
    assert refused.exit_code == 1 and "Only a supervisor may set card sections" in refused.output
    assert [(s.label, s.first_ordinal) for s in cards.sections(project, "1")] == before
    done = run("cards", "assign", "6", "planning", "--coder", "sue")
    assert done.exit_code == 0, done.output
    assert ("planning", 5) in [(s.label, s.first_ordinal) for s in cards.sections(project, "1")]
    project.close()


def test_import_counts_one_card_and_one_reading_in_the_singular(tmp_path: Path, run) -> None:
    """'Deck: 1 cards added' and 'Cards: 1 readings found' on a one-card study."""
    (tmp_path / "fg.txt").write_text(TRANSCRIPT, encoding="utf-8")
    manifest = tmp_path / "one.yaml"
    manifest.write_text(MANIFEST.split("  - key: disturbed")[0], encoding="utf-8")
    result = run("import", "--manifest", manifest)
    assert result.exit_code == 0, result.output
    assert "Deck: 1 card added, 0 updated" in result.output
    assert "Cards: 1 reading found in 1 transcript " in result.output


def test_in_blind_mode_a_coder_sees_only_their_own_codings(
    study: Path, database_url: str, run, monkeypatch
) -> None:
    """cards report showed every coder's codes and coder counts in blind mode (where freq
    shows a coder only their own layer); the department report refused everyone with 'say
    who you are', --coder given or not."""
    from qualcode.services.blind import set_blind_mode

    project = open_project(database_url)
    codebooks.load_codebook_file(project, CODEBOOK)
    coding.apply_code(project, 6, "temporality.interruptions", "anna")  # disturbed: Anne
    coding.apply_code(project, 6, "relational_coordination.communication", "ben")
    set_blind_mode(project, True, actor="anna")
    hidden = cards.card_report(project, "disturbed", actor="ben")
    assert [(use.code_key, use.turns) for use in hidden.codes] == [
        ("relational_coordination", 1),
        ("relational_coordination.communication", 1),
    ]
    assert hidden.layer == "coder ben" and [q.coders for q in hidden.quotes] == [1]
    project.close()
    shown = run("cards", "report", "disturbed", "--coder", "ben")
    assert shown.exit_code == 0, shown.output
    assert "Coder layer: coder ben." in shown.output and "temporality" not in shown.output
    assert "1 coder, codes relational_coordination.communication" in shown.output
    anonymous = run("cards", "report", "disturbed")  # $QUALCODE_CODER unset
    assert anonymous.exit_code == 1 and "Blind mode is on, so say who you are" in (anonymous.output)
    monkeypatch.setenv("QUALCODE_CODER", "ben")
    written = run("report", "--department", "Ward", "--output", study.parent / "ben.md")
    assert written.exit_code == 0, written.output
    text = (study.parent / "ben.md").read_text(encoding="utf-8")
    assert "| Coder layer | coder ben |" in text
    assert "temporality.interruptions (1)" not in text
    assert "relational_coordination.communication (1)" in text
