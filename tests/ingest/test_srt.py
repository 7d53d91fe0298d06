from pathlib import Path

import pytest

from qualcode.domain.transcript import Turn
from qualcode.errors import InputError
from qualcode.ingest.srt import read_srt


def read(path: Path):
    return read_srt(path.read_text("utf-8"), path.name)


def test_name_prefixes_and_unnamed_cues(fixtures: Path) -> None:
    parsed = read(fixtures / "interview.srt")
    assert parsed.turns == [
        Turn("MODERATOR", "Hvordan planlægger I dagen?", 1.0, 3.5),
        # Unnamed cues continue SØREN; "2023" is cue text, not a cue number.
        Turn("SØREN", "Det gør vi ikke. Vi når det aldrig. 2023", 3.5, 9.0, "sygeplejerske"),
        Turn("MODERATOR", "Tak.", 9.5, 11.0),
    ]


def test_cue_ending_before_it_starts(fixtures: Path) -> None:
    with pytest.raises(InputError) as caught:
        read(fixtures / "cue_ends_before_start.srt")
    assert str(caught.value).startswith(
        "cue_ends_before_start.srt, line 10: cue 3 ends (00:00:08,000) before it starts "
        "(00:00:09,000)."
    )


def test_unreadable_time(fixtures: Path) -> None:
    with pytest.raises(InputError) as caught:
        read(fixtures / "unreadable_time.srt")
    assert str(caught.value).startswith(
        "unreadable_time.srt, line 6: cue 2 has a time that cannot be read: "
        "'00:00:02,000 --> 00:61:00,000'."
    )


def test_cue_without_blank_line_and_position_after_times() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000 X1:10 X2:20\nA: one\n"
        "2\n00:00:02,000-->00:00:03,000\nB: two"
    )
    assert read_srt(text, "a.srt").turns == [Turn("A", "one", 1.0, 2.0), Turn("B", "two", 2.0, 3.0)]


def test_text_before_the_first_cue() -> None:
    with pytest.raises(InputError, match=r"a\.srt, line 1: this is not a SubRip file"):
        read_srt("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi\n", "a.srt")
