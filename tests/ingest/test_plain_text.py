from pathlib import Path

import pytest

from qualcode.domain.transcript import Turn
from qualcode.errors import InputError
from qualcode.ingest.plain_text import read_plain_text


def read(text: str, **options: bool):
    return read_plain_text(text, "group.txt", **options)


def test_labelled_focus_group(fixtures: Path) -> None:
    parsed = read((fixtures / "focus_group_labelled.txt").read_text("utf-8"))
    assert parsed.source_name == "group.txt"
    assert parsed.notes == ["Focus group 2, department B (staff group)", "Recorded 14 March 2023"]
    assert [(t.speaker, t.role) for t in parsed.turns] == [
        ("Moderator", None),
        ("Søren", "nurse"),
        ("P1", None),
        ("Anne-Mette Ravn", "physiotherapist"),
        ("MODERATOR", None),
    ]
    # Unlabelled lines continue the turn with a line break; "Note:" is not a speaker.
    assert parsed.turns[1].text == (
        "I disagree. We are disturbed all the time.\nNote: that goes for the night shift as well."
    )
    assert parsed.turns[3].text == "For us it is different.\nWe plan the week on Mondays."
    assert all(t.start is None and t.end is None for t in parsed.turns)


def test_timed_labels_end_at_the_next_start(fixtures: Path) -> None:
    parsed = read((fixtures / "timed_labelled.txt").read_text("utf-8"))
    assert [(t.speaker, t.start, t.end) for t in parsed.turns] == [
        ("Moderator", 5.0, 9.0),
        ("Speaker 1", 9.0, 62.5),
        ("Nurse 2", 62.5, 750.0),
        ("Moderator", 750.0, None),
    ]


def test_label_alone_on_its_line_takes_the_next_lines() -> None:
    parsed = read("INTERVIEWER:\nWhat happened?\n\nMore.\nP2: Nothing.")
    assert parsed.turns == [Turn("INTERVIEWER", "What happened?\nMore."), Turn("P2", "Nothing.")]


def test_markdown_bold_labels() -> None:
    parsed = read("**Anne:** Yes.\n__Bo__: No.")
    assert [(t.speaker, t.text) for t in parsed.turns] == [("Anne", "Yes."), ("Bo", "No.")]


def test_unreadable_time_names_the_line() -> None:
    with pytest.raises(InputError) as caught:
        read("[00:00:01] Anne: hi\n[00:75:00] Bo: hi")
    assert str(caught.value).startswith("group.txt, line 2: the time '00:75:00' cannot be read.")


def test_no_labels_suggests_no_speakers(fixtures: Path) -> None:
    with pytest.raises(InputError, match="--no-speakers"):
        read((fixtures / "no_speakers.txt").read_text("utf-8"))


def test_no_speakers_gives_one_turn_per_paragraph(fixtures: Path) -> None:
    parsed = read((fixtures / "no_speakers.txt").read_text("utf-8"), no_speakers=True)
    assert parsed.turns == [
        Turn(
            None,
            "The meeting started late because of an emergency on the ward.\nEverybody was tired.",
        ),
        Turn(None, "Afterwards we talked about the statement cards."),
    ]


def test_large_text_is_read_line_by_line() -> None:
    block = "Anne (nurse): We are disturbed all the time.\nAnd it goes on.\nBo: Yes.\n\n"
    parsed = read(block * 20_000)
    assert len(parsed.turns) == 40_000
    assert parsed.turns[-2] == Turn(
        "Anne", "We are disturbed all the time.\nAnd it goes on.", role="nurse"
    )
