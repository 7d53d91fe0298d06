"""Labels as people write them: QualCoder's [id1] markers, lower-case and dotted labels,
decided per file from how often each form recurs."""

from pathlib import Path

from qualcode.ingest.labels import LabelRule, candidate_label
from qualcode.ingest.plain_text import read_plain_text, turn_spans


def test_qualcoder_bracket_markers_are_speakers(fixtures: Path) -> None:
    # Written after QualCoder's Examples/transcript.txt: "[id1] text" paragraphs.
    parsed = read_plain_text((fixtures / "qualcoder_style.txt").read_text("utf-8"), "q.txt")
    assert [t.speaker for t in parsed.turns] == ["id1", "id2", "id3", "id1", "id2"]
    assert parsed.turns[2].text == "No. The slides are OK: but there were too many assignments."


def test_bracket_names_and_a_one_off_speaker_of_the_same_form() -> None:
    parsed = read_plain_text("[Maria] Yes.\n[Ole] No.\n[Maria] Maybe.\n", "b.txt")
    assert [(t.speaker, t.text) for t in parsed.turns] == [
        ("Maria", "Yes."),
        ("Ole", "No."),
        ("Maria", "Maybe."),
    ]


def test_stage_directions_stay_in_the_turn() -> None:
    parsed = read_plain_text("Anne: Yes.\n[laughs] really.\n[smiles] ok\nBo: No.\n", "s.txt")
    assert [(t.speaker, t.text) for t in parsed.turns] == [
        ("Anne", "Yes.\n[laughs] really.\n[smiles] ok"),
        ("Bo", "No."),
    ]


def test_lowercase_hyphen_digit_and_dot_labels(fixtures: Path) -> None:
    parsed = read_plain_text((fixtures / "lowercase_labels.txt").read_text("utf-8"), "l.txt")
    assert [t.speaker for t in parsed.turns] == [
        "mod", "admin-1", "p3", "dr.hansen", "admin-1", "p4", "dr.hansen", "mod",
    ]  # fmt: skip
    # The colon inside prose ("note to self:", "example:") never starts a turn.
    assert parsed.turns[1].text == (
        "We plan on mondays.\nnote to self: this line is prose, not a speaker."
    )
    assert parsed.turns[4].text == "example: yesterday the plan went at nine."


def test_a_one_off_lowercase_colon_is_prose() -> None:
    parsed = read_plain_text("Anne: We start.\nremember: the night shift.\nBo: Yes.\n", "p.txt")
    assert [(t.speaker, t.text) for t in parsed.turns] == [
        ("Anne", "We start.\nremember: the night shift."),
        ("Bo", "Yes."),
    ]


def test_rule_counts_forms_per_file() -> None:
    rule = LabelRule.of_lines(["p1: a", "p2: b", "once: c", "Anne: d"])
    assert rule.speakers == {"p1", "p2", "Anne"}
    assert candidate_label("[laughter] yes") is None


def test_turn_spans_tile_the_text_with_the_same_rule() -> None:
    text = "intro\n[id1] a\n\n[id2] b: c\n[id1] d\n"
    spans = turn_spans(text)
    assert [(text[s:e], who) for s, e, who, _ in spans] == [
        ("intro\n", None),
        ("[id1] a\n\n", "id1"),
        ("[id2] b: c\n", "id2"),
        ("[id1] d\n", "id1"),
    ]
    plain = "One.\nstill one.\n\n  \nTwo.\n"
    assert [plain[s:e] for s, e, _, _ in turn_spans(plain)] == [
        "One.\nstill one.\n\n  \n",
        "Two.\n",
    ]
