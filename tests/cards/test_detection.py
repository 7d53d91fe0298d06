"""Card detection and sections on small hand-written transcripts."""

from __future__ import annotations

import pytest

from qualcode.domain.cards import Card
from qualcode.domain.imports import ImportSpec
from qualcode.errors import QualcodeError
from qualcode.services import cards, importing
from qualcode.services.history import CodingHistory
from qualcode.services.project import Project

DECK = [
    Card(
        key="planning",
        statement={
            "en": "The opportunity for planning my daily work is good.",
            "da": "Mulighederne for at planlægge mit daglige arbejde er gode.",
        },
        concepts=["temporality"],
    ),
    Card(
        key="disturbed",
        statement={
            "en": "We are frequently disturbed while doing tasks that require full attention.",
            "da": "Vi bliver ofte forstyrret, mens vi løser opgaver, der kræver fuld opmærksomhed.",
        },
    ),
    Card(
        key="coordination",
        statement={
            "en": "Coordinating daily tasks is challenged by the way we cooperate among "
            "professional groups."
        },
    ),
]

ENGLISH = "\n".join(
    [
        "Moderator: Welcome. We have some cards; one of you reads one and then you talk.",
        "Anne: I'll take it. The opportunity for, uh, planning my daily work is... good. Hmm.",
        "Bo: I plan my day at eight and by nine the plan is gone.",
        "Moderator: Next card. Carla?",
        "Carla: Okay, the next one says we are frequently disturbed while doing tasks that "
        "require full attention. The phone.",
        "Anne: Like the card said, the opportunity for planning my daily work is good, on paper.",
        "Bo: The door, too. People knock all the time.",
        "Moderator: And this one.",
        "Bo: Coordinating daily tasks is challenged by the way we co-operate among the "
        "professional groups.",
        "Carla: I think we work well together.",
        "Anne: Back to the first one? The opportunity for planning my daily work is good.",
        "Bo: Only on paper.",
        "",
    ]
)

DANISH = """Moderator: Velkommen. Vi har nogle kort med udsagn.
Mette: Øh. Mulighederne for at planlægge, øh, mit daglige arbejde er gode. Hm.
Søren: Nej, ikke her.
Mette: Mulighederne for at planlægge mit daglige arbejde er gode, står der jo.
Moderator: Næste kort. Birgitte?
Birgitte: Vi bliver ofte forstyret, mens vi løser opgaver, der kræver fuld... opmærksomhed. Ja.
Søren: Som der stod på det første kort, mulighederne for at planlægge er gode, men ikke her.
"""


def imported(project: Project, write_file, text: str, language: str = "en") -> int:
    cards.load_deck(project, DECK)
    path = write_file(f"fg_{language}.txt", text)
    result = importing.import_one(project, ImportSpec(path=path, language=language))
    assert result.transcript_id is not None
    return result.transcript_id


def test_readings_in_the_forms_people_read_them_open_sections(project: Project, write_file) -> None:
    transcript = imported(project, write_file, ENGLISH)
    [report] = cards.detect(project, [transcript])
    found = [(d.ordinal, d.card_key) for d in report.detections]
    # a reading with fillers (1), "okay, the next one says" (4), transcription differences
    # (8: co-operate, "the"), and the first card read again after another card (10)
    assert found == [(1, "planning"), (4, "disturbed"), (8, "coordination"), (10, "planning")]
    assert all(0.8 <= d.score <= 1 and "words of" in d.reason for d in report.detections)
    # "Like the card said, ..." is a reference back: no section
    [reference] = [d for d in report.skipped if d.ordinal == 5]
    assert reference.card_key == "planning" and "reference back" in reference.reason
    spans = [(s.label, s.first_ordinal, s.last_ordinal) for s in report.sections]
    assert spans == [
        ("opening", 0, 0),
        ("planning", 1, 3),
        ("disturbed", 4, 7),
        ("coordination", 8, 9),
        ("planning", 10, 11),
    ]


def test_a_danish_group_reading_danish_cards_with_a_misspelling(
    project: Project, write_file
) -> None:
    transcript = imported(project, write_file, DANISH, language="da")
    [report] = cards.detect(project, [transcript])
    assert [(d.ordinal, d.card_key) for d in report.detections] == [
        (1, "planning"),
        (5, "disturbed"),
    ]
    skipped = {d.ordinal: d.reason for d in report.skipped}
    # the same card read again inside its own section opens nothing
    assert "read again" in skipped[3]
    # "Som der stod på det første kort" refers back
    assert "reference back" in skipped[6]


def test_another_languages_version_is_found(project: Project, write_file) -> None:
    text = "Moderator: Her er et kort.\nAnne: The opportunity for planning my daily work is good.\n"
    transcript = imported(project, write_file, text, language="da")
    [report] = cards.detect(project, [transcript])
    assert [(d.ordinal, d.card_key) for d in report.detections] == [(1, "planning")]
    assert "(en)" in report.detections[0].reason


def test_naming_a_card_is_not_reading_it(project: Project, write_file) -> None:
    text = (
        "Moderator: There is a card about planning and one about being disturbed. Anne?\n"
        "Anne: My daily work is never planned.\n"
    )
    transcript = imported(project, write_file, text)
    [report] = cards.detect(project, [transcript])
    assert report.detections == []
    assert [(s.label, s.first_ordinal, s.last_ordinal) for s in report.sections] == [
        ("opening", 0, 1)
    ]


def section_spans(project: Project, transcript: int) -> list[tuple[str, int, int]]:
    return [
        (s.label, s.first_ordinal, s.last_ordinal) for s in cards.sections(project, str(transcript))
    ]


def test_sections_stay_valid_when_turns_are_split_and_joined_and_undone(
    project: Project, write_file
) -> None:
    transcript = imported(project, write_file, ENGLISH)
    cards.detect(project, [transcript])
    history = CodingHistory(project, "anna")
    views = {s.first_ordinal: s for s in cards.sections(project, str(transcript))}
    planning_end = views[1].last_segment_id  # turn 3, "Next card. Carla?"
    # splitting the last turn of a section: the section ends at the second half
    history.split(planning_end, _offset_inside(project, planning_end))
    assert section_spans(project, transcript)[:3] == [
        ("opening", 0, 0),
        ("planning", 1, 4),
        ("disturbed", 5, 8),
    ]
    # joining the turn before a reading with the reading: the joined turn opens the section
    reading = views[4].first_segment_id
    second_half = _segment_at(project, transcript, 4)
    history.join(second_half)
    assert section_spans(project, transcript)[:3] == [
        ("opening", 0, 0),
        ("planning", 1, 3),
        ("disturbed", 4, 7),
    ]
    assert _segment_at(project, transcript, 4) == second_half != reading
    history.undo()
    history.undo()
    assert section_spans(project, transcript) == [
        ("opening", 0, 0),
        ("planning", 1, 3),
        ("disturbed", 4, 7),
        ("coordination", 8, 9),
        ("planning", 10, 11),
    ]


def test_joining_a_one_turn_section_into_the_next_reading(project: Project, write_file) -> None:
    text = (
        "Anne: The opportunity for planning my daily work is good.\n"
        "Bo: We are frequently disturbed while doing tasks that require full attention.\n"
        "Carla: Yes.\n"
    )
    transcript = imported(project, write_file, text)
    cards.detect(project, [transcript])
    history = CodingHistory(project, "anna")
    history.join(_segment_at(project, transcript, 0))
    assert section_spans(project, transcript) == [("disturbed", 0, 1)]
    history.undo()
    assert section_spans(project, transcript) == [("planning", 0, 0), ("disturbed", 1, 2)]


def test_a_section_set_by_hand_survives_detection(project: Project, write_file) -> None:
    transcript = imported(project, write_file, ENGLISH)
    cards.detect(project, [transcript])
    cards.set_section_start(project, _segment_at(project, transcript, 2), "coordination")
    cards.set_section_start(project, _segment_at(project, transcript, 10), None)
    cards.detect(project, [transcript])
    spans = [(s.label, s.first_ordinal, s.origin) for s in cards.sections(project, str(transcript))]
    assert spans == [
        ("opening", 0, "detected"),
        ("planning", 1, "detected"),
        ("coordination", 2, "manual"),
        ("disturbed", 4, "detected"),
        ("coordination", 8, "detected"),
        ("planning", 10, "detected"),
    ]
    with pytest.raises(QualcodeError, match="No card 'nope'"):
        cards.set_section_start(project, _segment_at(project, transcript, 2), "nope")


def test_the_deck_is_added_updated_and_validated(project: Project) -> None:
    assert cards.load_deck(project, DECK) == (3, 0)
    changed = DECK[0].model_copy(update={"concepts": ["jobcrafting"]})
    assert cards.load_deck(project, [changed, *DECK[1:]]) == (0, 1)
    edited = cards.edit_card(project, "planning", statements={"nb": "Planlegging er bra."})
    assert edited.statement["nb"] == "Planlegging er bra." and "da" in edited.statement
    with pytest.raises(QualcodeError, match="already in the deck"):
        cards.add_card(project, DECK[0])
    with pytest.raises(QualcodeError, match="language 'xx'"):
        cards.make_card("x", {"xx": "text"})
    assert [card.key for card in cards.list_cards(project)] == [
        "planning",
        "disturbed",
        "coordination",
    ]


def _segment_at(project: Project, transcript: int, ordinal: int) -> int:
    from qualcode.services import corpus

    return next(v.id for v in corpus.segments(project, transcript) if v.ordinal == ordinal)


def _offset_inside(project: Project, segment_id: int) -> int:
    from qualcode.services import corpus

    view = next(v for v in corpus.segments(project, 1) if v.id == segment_id)
    return view.start_char + 5
