"""Subtitle cues out of time order, SRT number lines, and control characters in input."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.domain.imports import ImportSpec
from qualcode.errors import InputError
from qualcode.ingest.readers import read_transcript_bytes

UNORDERED_VTT = """WEBVTT

00:01:00.000 --> 00:01:05.000
<v Anne>We start late.

00:00:01.000 --> 00:00:04.000
<v Bo>Good morning.

00:00:30.000 --> 00:00:35.000
<v Anne>Then the phone.
"""

OVERLAPPING_VTT = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Anne>I think the break room is too far away.

00:00:05.000 --> 00:00:08.000
<v Bo>Yes, much too far.
"""


def test_cues_out_of_order_are_refused_naming_the_cue_and_line() -> None:
    with pytest.raises(InputError) as caught:
        read_transcript_bytes(UNORDERED_VTT.encode(), "fg.vtt")
    message = str(caught.value)
    assert "cue 2 starts at 0:00:01.000, before cue 1 (0:01:00.000)" in message
    assert "line 6" in message and "--allow-unordered" in message


def test_allow_unordered_keeps_the_file_order_and_says_so() -> None:
    parsed = read_transcript_bytes(UNORDERED_VTT.encode(), "fg.vtt", allow_unordered=True)
    assert [turn.start for turn in parsed.turns] == [60.0, 1.0, 30.0]
    assert parsed.notes == [
        "1 cue starts before the cue above it (first: cue 2); kept in the file's order "
        "(--allow-unordered)."
    ]


def test_overlapping_cues_are_kept_and_noted() -> None:
    parsed = read_transcript_bytes(OVERLAPPING_VTT.encode(), "fg.vtt")
    assert [turn.speaker for turn in parsed.turns] == ["Anne", "Bo"]
    assert parsed.notes == [
        "1 cue overlaps the cue above it in time (first: cue 2); their turns are kept in "
        "the file's order."
    ]


def test_srt_cues_out_of_order_are_refused() -> None:
    srt = (
        "1\n00:00:10,000 --> 00:00:12,000\nAnne: Late.\n\n"
        "2\n00:00:01,000 --> 00:00:02,000\nBo: Hi.\n"
    )
    with pytest.raises(InputError, match="cue 2 starts at 0:00:01.000, before cue 1"):
        read_transcript_bytes(srt.encode(), "fg.srt")


def test_an_srt_number_line_that_is_not_a_number_is_named() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nAnne: Hello.\n\n"
        "x2\n00:00:03,000 --> 00:00:04,000\nBo: Hi.\n"
    )
    with pytest.raises(InputError) as caught:
        read_transcript_bytes(srt.encode(), "fg.srt")
    assert "cue 2's number line 'x2' is not a number" in str(caught.value)
    assert "line 5" in str(caught.value)


def test_control_characters_never_reach_the_database() -> None:
    text = "Anne (nurse\x07): We never\x07 get\x1b[31m a break.\u202e\nBo: Yes.\n"
    parsed = read_transcript_bytes(text.encode(), "fg.txt")
    assert [(t.speaker, t.role, t.text) for t in parsed.turns] == [
        ("Anne", "nurse", "We never get[31m a break."),
        ("Bo", None, "Yes."),
    ]
    spec = ImportSpec(
        path=Path("fg.txt"),
        department="Ward\x1b[31m\r\nB",
        title="Title\u202egnp.exe",
        roles={"Anne\x07": "nurse\x1b"},
    )
    assert spec.department == "Ward[31m B"
    assert spec.title == "Titlegnp.exe"
    assert spec.roles == {"Anne": "nurse"}


def test_values_longer_than_their_column_are_refused_on_every_backend() -> None:
    from qualcode.domain.corpus import MetadataUpdate
    from qualcode.errors import QualcodeError

    with pytest.raises(QualcodeError, match=r"the department 'D{40}…' is 5,000 characters long"):
        ImportSpec(path=Path("fg.txt"), department="D" * 5000)
    with pytest.raises(QualcodeError, match=r"the title .* at most 300"):
        MetadataUpdate(title="T" * 301)
    voice = "V" * 250
    vtt = f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v {voice}>Hello.\n"
    with pytest.raises(InputError, match=r"fg.vtt: turn 1: the speaker label 'V{40}…' is 250"):
        read_transcript_bytes(vtt.encode(), "fg.vtt")


def test_a_file_without_turns_cannot_become_one_huge_turn(tmp_path: Path) -> None:
    from qualcode.ingest.readers import read_transcript

    path = tmp_path / "one_line.txt"
    path.write_text("Anne: " + "word " * 50_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"turn 1 is 249,999 characters long \(at most 200,000\)"):
        read_transcript(path)


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import tracemalloc

    from qualcode.domain.text import MAX_FILE_BYTES
    from qualcode.ingest import ahead

    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"huge.txt: the file is larger than 64 MB"):
            ahead.read_source(ImportSpec(path=path, department="Sales"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20  # refused by its size, none of it read
