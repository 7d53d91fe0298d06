"""Card sections set by hand (the workbench's edits): a run of turns to a card, a start moved,
undo and redo through the coding history, and who may do it."""

from __future__ import annotations

import pytest

from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services import card_sections, cards, corpus, roles
from qualcode.services.history import CodingHistory
from qualcode.services.project import Project

TRANSCRIPT = "\n".join(
    [
        "Moderator: Welcome.",
        "Anne: I get the breaks I need during the working day.",
        "Bo: Never.",
        "Anne: Maybe on Sundays.",
        "Bo: Yes.",
        "Moderator: Next.",
        "Bo: The IT system supports my work with the patients.",
        "Anne: It crashes.",
    ]
)


@pytest.fixture
def sectioned(coded_project: Project, write_file) -> Project:
    """Turns 1-8 (ordinals 0-7): opening 0, breaks 1-5, it_system 6-7 (detected)."""
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import importing

    for key, text in [
        ("breaks", "I get the breaks I need during the working day."),
        ("it_system", "The IT system supports my work with the patients."),
    ]:
        cards.add_card(coded_project, cards.make_card(key, {"en": text}))
    path = write_file("cards.txt", TRANSCRIPT)
    importing.import_one(coded_project, ImportSpec(path=path, department="Ward"))
    cards.detect(coded_project, [2])
    assert _spans(coded_project) == [("opening", 0, 0), ("breaks", 1, 5), ("it_system", 6, 7)]
    return coded_project


def _spans(project: Project) -> list[tuple[str, int, int]]:
    return [(s.label, s.first_ordinal, s.last_ordinal) for s in cards.sections(project, "2")]


def _ids(project: Project) -> list[int]:
    return [turn.id for turn in corpus.segments(project, 2)]


def test_a_run_of_turns_goes_to_a_card_and_the_turn_after_keeps_its_own(sectioned) -> None:
    ids = _ids(sectioned)
    edit = card_sections.assign_turns(sectioned, ids[3], ids[2], "it_system")  # either order
    assert _spans(sectioned) == [
        ("opening", 0, 0),
        ("breaks", 1, 1),
        ("it_system", 2, 3),
        ("breaks", 4, 5),  # turn 5 kept the card it had
        ("it_system", 6, 7),
    ]
    assert edit.label == "give turns 3-4 to card it_system"
    origins = [s.origin for s in cards.sections(sectioned, "2")]
    assert origins == ["detected", "detected", "manual", "manual", "detected"]
    # to no card: the run joins the section before it
    card_sections.assign_turns(sectioned, ids[2], ids[3], None)
    assert _spans(sectioned)[:3] == [("opening", 0, 0), ("breaks", 1, 3), ("breaks", 4, 5)]


def test_a_section_start_moves_one_turn_within_its_neighbours(sectioned) -> None:
    ids = _ids(sectioned)
    card_sections.move_start(sectioned, ids[7], -1)  # it_system starts a turn earlier
    assert _spans(sectioned) == [("opening", 0, 0), ("breaks", 1, 4), ("it_system", 5, 7)]
    card_sections.move_start(sectioned, ids[3], 1)  # breaks starts a turn later
    assert _spans(sectioned) == [("opening", 0, 1), ("breaks", 2, 4), ("it_system", 5, 7)]
    with pytest.raises(QualcodeError, match="opening"):
        card_sections.move_start(sectioned, ids[0], 1)
    card_sections.move_start(sectioned, ids[2], 1)
    card_sections.move_start(sectioned, ids[3], 1)
    before = _spans(sectioned)
    assert before[1] == ("breaks", 4, 4)
    with pytest.raises(QualcodeError, match="leave itself empty"):
        card_sections.move_start(sectioned, ids[4], 1)
    assert _spans(sectioned) == before  # nothing changed


def test_history_undoes_and_redoes_section_edits(sectioned) -> None:
    ids = _ids(sectioned)
    history = CodingHistory(sectioned, "anna")
    original = _spans(sectioned)
    change = history.move_section(ids[6], -1)
    assert change.sections and _spans(sectioned)[2] == ("it_system", 5, 7)
    history.open_section(ids[3], "it_system")
    assert _spans(sectioned)[2] == ("it_system", 3, 4)
    history.assign_turns(ids[1], ids[2], None)
    assert _spans(sectioned)[:2] == [("opening", 0, 2), ("it_system", 3, 4)]
    for _ in range(3):
        assert history.undo() is not None
    assert _spans(sectioned) == original
    redone = history.redo()
    assert redone is not None and redone.sections
    assert _spans(sectioned)[2] == ("it_system", 5, 7)


def test_once_there_is_a_supervisor_only_they_set_sections(sectioned) -> None:
    roles.add_coder(sectioned, "sue", roles.SUPERVISOR)
    roles.add_coder(sectioned, "carl", roles.CODER, actor="sue")
    ids = _ids(sectioned)
    before = _spans(sectioned)
    with pytest.raises(PermissionDenied, match="Only a supervisor may set card sections"):
        card_sections.move_start(sectioned, ids[6], -1, actor="carl")
    assert _spans(sectioned) == before
    card_sections.move_start(sectioned, ids[6], -1, actor="sue")
    assert _spans(sectioned) != before


def test_turns_carry_the_section_they_open(sectioned) -> None:
    turns = corpus.segments(sectioned, 2)
    opened = {turn.ordinal: turn.section for turn in turns if turn.section is not None}
    assert sorted(opened) == [0, 1, 6]
    assert opened[0].card_key is None
    assert opened[1].card_key == "breaks" and opened[1].statement.startswith("I get the")
    assert opened[6].origin == "detected"
    # a transcript without card sections shows no headers
    assert all(turn.section is None for turn in corpus.segments(sectioned, 1))
