"""Counted nouns read as English: one turn, two turns."""

from qualcode.domain.wording import counted


def test_counted_uses_the_singular_for_exactly_one():
    assert counted(1, "turn") == "1 turn"
    assert counted(0, "turn") == "0 turns"
    assert counted(2, "card reading") == "2 card readings"
    assert counted(3, "analysis", "analyses") == "3 analyses"
