from pathlib import Path

import pytest

from qualcode.errors import InputError
from qualcode.ingest.otter import looks_like_otter, read_otter


def test_otter_export(fixtures: Path) -> None:
    parsed = read_otter((fixtures / "otter_export.txt").read_text("utf-8"), "otter.txt")
    assert [(t.speaker, t.start, t.end) for t in parsed.turns] == [
        ("Speaker 1", 9.0, 21.0),
        ("Søren Hansen", 21.0, 3723.0),
        ("Speaker 1", 3723.0, None),
    ]
    assert parsed.turns[1].text == (
        "We cooperate badly across professions.\nIt is worst in the afternoon."
    )
    assert parsed.turns[2].text == "Thank you."
    assert parsed.notes == ["Transcribed by https://otter.ai"]


def test_single_space_before_the_time() -> None:
    parsed = read_otter("Anne 0:05\nHello.\nBo 0:07\nHi.", "o.txt")
    assert [(t.speaker, t.text, t.start) for t in parsed.turns] == [
        ("Anne", "Hello.", 5.0),
        ("Bo", "Hi.", 7.0),
    ]


def test_unreadable_header_time() -> None:
    with pytest.raises(InputError, match=r"o\.txt, line 3: the time '0:75' cannot be read"):
        read_otter("Anne 0:05\nHello.\nBo 0:75\nHi.", "o.txt")


def test_sniffing(fixtures: Path) -> None:
    assert looks_like_otter((fixtures / "otter_export.txt").read_text("utf-8"))
    assert not looks_like_otter((fixtures / "focus_group_labelled.txt").read_text("utf-8"))
    assert not looks_like_otter((fixtures / "no_speakers.txt").read_text("utf-8"))
