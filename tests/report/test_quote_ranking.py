"""The quote ranking rule of the department reports, case by case."""

from __future__ import annotations

from qualcode.analysis.quote_ranking import Candidate, rank_quotes
from qualcode.domain.report import QuoteRule

LONG = "we never get a proper lunch break because the phone keeps ringing all day"
OTHER = "the paper list next to the system is how we keep track of the patients here"
THIRD = "nobody tells us when the surgeon is late so the whole afternoon slides away"


def ids(found: list[Candidate]) -> list[int]:
    return [c.segment_id for c in found]


def test_more_coders_first_then_longer_within_the_band() -> None:
    rule = QuoteRule(per_code=3, max_per_transcript=3)
    found = rank_quotes(
        [
            Candidate(1, 1, LONG, coders=1),
            Candidate(2, 1, OTHER, coders=2),
            Candidate(3, 1, "yes indeed", coders=2),  # agreed, but shorter than min_words
            Candidate(4, 1, THIRD + " and then some more words", coders=1),
        ],
        rule,
    )
    # coders 2 first (the in-band turn before the 2-word one), then coders 1 longer first
    assert ids(found) == [2, 3, 4]


def test_pins_first_and_exclusions_never() -> None:
    rule = QuoteRule(per_code=2, max_per_transcript=3)
    candidates = [Candidate(1, 1, LONG, 3), Candidate(2, 1, OTHER, 1), Candidate(3, 1, THIRD, 2)]
    assert ids(rank_quotes(candidates, rule, pinned=(2,), excluded=frozenset({1}))) == [2, 3]


def test_a_near_repeat_is_skipped() -> None:
    rule = QuoteRule(per_code=2, max_per_transcript=3, max_overlap=0.5)
    candidates = [
        Candidate(1, 1, LONG, 2),
        Candidate(2, 1, LONG.replace("all day", "all the time"), 2),
        Candidate(3, 1, OTHER, 1),
    ]
    # 2 is one word longer, so it leads; 1 repeats it and gives way to 3
    assert ids(rank_quotes(candidates, rule)) == [2, 3]


def test_each_focus_group_gives_one_before_any_gives_two() -> None:
    rule = QuoteRule(per_code=3, max_per_transcript=1)
    candidates = [
        Candidate(1, 10, LONG, 2),
        Candidate(2, 10, OTHER, 2),
        Candidate(3, 20, THIRD, 1),
    ]
    # 2 (16 words) before 1 (14); transcript 10's second turn waits for transcript 20's
    assert ids(rank_quotes(candidates, rule)) == [2, 3, 1]


def test_the_rule_describes_itself() -> None:
    text = QuoteRule(per_code=4, min_words=5, max_words=90).describe()
    assert "Up to 4 quotes" in text and "5-90 words" in text and "pinned" in text
