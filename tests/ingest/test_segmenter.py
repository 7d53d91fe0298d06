import pytest

from qualcode.domain.transcript import Turn
from qualcode.errors import QualcodeError
from qualcode.ingest.segmenter import _sentencizer, split_sentences

SENTENCES = [
    "Vi planlægger dagen om morgenen.",
    "Men planen holder sjældent, fx når telefonen ringer.",
    "Så må vi starte forfra.",
    "Det er frustrerende!",
    "Hvad gør I?",
]
TEXT = " ".join(SENTENCES)


def test_short_turns_are_unchanged() -> None:
    turns = [Turn("Anne", "Kort.", 1.0, 2.0), Turn("Bo", TEXT)]
    assert split_sentences(turns, "da", max_chars=len(TEXT)) == turns


def test_long_turn_splits_on_sentence_boundaries_packed_up_to_max() -> None:
    [turn] = [Turn("Anne", TEXT, role="nurse")]
    pieces = split_sentences([turn], "nb", max_chars=90)
    assert [p.text for p in pieces] == [
        f"{SENTENCES[0]} {SENTENCES[1]}",
        f"{SENTENCES[2]} {SENTENCES[3]} {SENTENCES[4]}",
    ]
    assert all(len(p.text) <= 90 for p in pieces)
    assert {(p.speaker, p.role) for p in pieces} == {("Anne", "nurse")}


def test_a_sentence_longer_than_max_stays_whole() -> None:
    pieces = split_sentences([Turn("Anne", TEXT)], "da", max_chars=10)
    assert [p.text for p in pieces] == SENTENCES


def test_times_are_interpolated_by_characters() -> None:
    pieces = split_sentences([Turn("Anne", TEXT, 100.0, 200.0)], "da", max_chars=90)
    assert pieces[0].start == 100.0
    assert pieces[-1].end == 200.0
    assert pieces[0].end == pieces[1].start
    cut = TEXT.index(SENTENCES[2])
    assert pieces[1].start == pytest.approx(100.0 + 100.0 * cut / len(TEXT))


def test_untimed_middle_pieces_have_no_times() -> None:
    pieces = split_sentences([Turn("Anne", TEXT, start=5.0)], "da", max_chars=10)
    assert [(p.start, p.end) for p in pieces] == [(5.0, None)] + [(None, None)] * 4


def test_order_is_kept_around_split_turns() -> None:
    turns = [Turn("A", "Ja."), Turn("B", TEXT), Turn("C", "Nej.")]
    result = split_sentences(turns, "en", max_chars=60)
    assert [t.speaker for t in result] == ["A", "B", "B", "B", "C"]
    assert result[3].text == " ".join(SENTENCES[2:])


def test_unknown_language() -> None:
    with pytest.raises(QualcodeError, match="'zz' is not a language spaCy knows"):
        split_sentences([Turn("A", TEXT)], "zz", max_chars=10)


def test_one_pipeline_per_language() -> None:
    assert _sentencizer("da") is _sentencizer("da")
    assert _sentencizer("da").pipe_names == ["sentencizer"]
