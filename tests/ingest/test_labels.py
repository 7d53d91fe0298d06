import pytest

from qualcode.domain.transcript import Turn
from qualcode.ingest.labels import Label, is_speaker_name, parse_label
from qualcode.ingest.timecode import fill_ends, parse_clock


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Anne: hello", Label("Anne", None, "hello", None)),
        ("Speaker 1: yes", Label("Speaker 1", None, "yes", None)),
        ("P1: yes", Label("P1", None, "yes", None)),
        ("Nurse 2: yes", Label("Nurse 2", None, "yes", None)),
        ("INTERVIEWER: so", Label("INTERVIEWER", None, "so", None)),
        ("Søren Ærø: jo", Label("Søren Ærø", None, "jo", None)),
        ("Anne-Mette: jo", Label("Anne-Mette", None, "jo", None)),
        ("Dr. Hansen: jo", Label("Dr. Hansen", None, "jo", None)),
        ("Anne de Vries: ja", Label("Anne de Vries", None, "ja", None)),
        ("Ole (sygeplejerske): ja", Label("Ole", "sygeplejerske", "ja", None)),
        ("[00:01:02] Anne: hi", Label("Anne", None, "hi", "00:01:02")),
        ("1:02:03.5 Anne: hi", Label("Anne", None, "hi", "1:02:03.5")),
        ("(12:30) Anne: hi", Label("Anne", None, "hi", "12:30")),
        ("**Anne:** hi", Label("Anne", None, "hi", None)),
        ("**Anne**: hi", Label("Anne", None, "hi", None)),
        ("Anne:", Label("Anne", None, "", None)),
    ],
)
def test_labels(line: str, expected: Label) -> None:
    assert parse_label(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Note: the night shift too.",
        "NB: see above",
        "Notes: recorded in the tea room.",  # was read as a speaker 'Notes' (a .docx preamble)
        "Remarks: two left early.",
        "Comment: the recorder stopped.",
        "Important: the ward was closed in May.",
        "Remember: the night shift.",
        "Husk: nattevagten.",
        "So I said: no way",
        "and then: nothing",
        "Hello, Anne: are you there",
        "Anne:no space",
        "https://example.org",
        "One Two Three Four Five: too many words",
        "Ten o'clock: lowercase word",
        "A Very Long Name Indeed Xxxxxxxxxxxxxxxx: too long",
        "Plain sentence without a colon.",
    ],
)
def test_not_labels(line: str) -> None:
    assert parse_label(line) is None


def test_is_speaker_name() -> None:
    assert is_speaker_name("Speaker 2")
    assert not is_speaker_name("speaker two")
    assert not is_speaker_name("")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0:09", 9.0),
        ("12:30", 750.0),
        ("75:00", 4500.0),
        ("1:02:03", 3723.0),
        ("00:00:01,250", 1.25),
        ("00:00:01.5", 1.5),
    ],
)
def test_parse_clock(text: str, seconds: float) -> None:
    assert parse_clock(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["9", "0:60", "1:60:00", "a:bb", "1:2:3:4", "0:09.x"])
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(text)


def test_fill_ends_uses_next_start() -> None:
    turns = [Turn("A", "x", 1.0), Turn("B", "y", 5.0, 6.0), Turn("A", "z", 8.0)]
    fill_ends(turns)
    assert [t.end for t in turns] == [5.0, 6.0, None]
