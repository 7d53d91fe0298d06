"""The card report's arithmetic on hand-built turns: roll-up and the coded-scope denominator."""

from __future__ import annotations

from qualcode.analysis.card_report import card_report
from qualcode.domain.cards import Card, CardTurn

CARD = Card(key="planning", statement={"en": "The opportunity for planning is good."})


def turn(segment_id: int, transcript_id: int, words: int = 5) -> CardTurn:
    return CardTurn(
        segment_id, transcript_id, f"T{transcript_id}", "Ward", "staff", "A", "nurse", words, "text"
    )


def test_shares_count_only_transcripts_someone_coded_or_marked_done() -> None:
    # transcript 1: segments 1-3, coded; transcript 2: segments 4-7, nobody coded it
    turns = [turn(1, 1), turn(2, 1), turn(3, 1), turn(4, 2), turn(5, 2), turn(6, 2), turn(7, 2)]
    codings = [(1, "a.x", 10), (1, "a.y", 11), (2, "a.y", 10), (3, "a", 10), (3, "b", 11)]
    report = card_report(CARD, turns, codings, coded_transcripts={1})
    assert (report.participant_turns, report.scope_turns) == (7, 3)
    # a: segments 1 (a.x, a.y), 2 (a.y), 3 (a itself) = 3 turns, 1 own; a.y 2; a.x 1; b 1
    assert [(use.code_key, use.turns, use.own) for use in report.codes] == [
        ("a", 3, 1),
        ("a.y", 2, 2),
        ("a.x", 1, 1),
        ("b", 1, 1),
    ]
