from pathlib import Path

import pytest

from qualcode.domain.transcript import Turn
from qualcode.errors import InputError
from qualcode.ingest.webvtt_reader import read_webvtt


def read(path: Path):
    return read_webvtt(path.read_text("utf-8"), path.name)


def test_teams_voice_tags(fixtures: Path) -> None:
    parsed = read(fixtures / "teams_meeting.vtt")
    assert parsed.turns == [
        Turn("Søren Hansen", "Good morning. Shall we start with the first card?", 1.0, 7.0),
        # Tags are removed, character references decoded, and the cue without a voice tag
        # continues the previous speaker.
        Turn(
            "Anne Ravn",
            "We plan the day at the morning meeting & at noon. And again in the evening.",
            7.5,
            10.0,
        ),
    ]


def test_zoom_name_prefixes(fixtures: Path) -> None:
    parsed = read(fixtures / "zoom_meeting.vtt")
    assert parsed.turns == [
        Turn("Moderator", "Welcome to the focus group.", 0.5, 3.0),
        Turn("Søren Hansen", "Thank you. I work nights, so planning is hard. Very hard.", 3.0, 8.0),
        Turn("Moderator", "Anne?", 8.0, 10.0),
    ]


def test_two_voices_in_one_cue_and_cues_without_any_name() -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nJust noise\n\n"
        "00:02.000 --> 00:03.000\n<v.loud Anne>Hi</v>\n<v Bo>Hello</v>\n"
    )
    assert read_webvtt(text, "a.vtt").turns == [
        Turn(None, "Just noise", 1.0, 2.0),
        Turn("Anne", "Hi", 2.0, 3.0),
        Turn("Bo", "Hello", 2.0, 3.0),
    ]


def test_cue_ending_before_it_starts(fixtures: Path) -> None:
    with pytest.raises(InputError) as caught:
        read(fixtures / "cue_ends_before_start.vtt")
    assert str(caught.value).startswith(
        "cue_ends_before_start.vtt, line 8: cue 2 ends (00:00:04.000) before it starts "
        "(00:00:05.000)."
    )


def test_unreadable_time(fixtures: Path) -> None:
    with pytest.raises(InputError) as caught:
        read(fixtures / "unreadable_time.vtt")
    assert caught.value.line == 6
    assert "cue 2 has a time that cannot be read" in str(caught.value)


def test_out_of_range_time_is_refused_not_skipped() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:61.000\nAnne: hi\n"
    with pytest.raises(InputError, match=r"a\.vtt, line 3: cue 1 has a time"):
        read_webvtt(text, "a.vtt")


def test_missing_header() -> None:
    with pytest.raises(InputError, match="not a WebVTT file"):
        read_webvtt("00:00:01.000 --> 00:00:02.000\nAnne: hi\n", "a.vtt")
