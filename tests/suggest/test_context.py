"""Conversation context: the turns a turn answers, and how the matcher weighs their terms."""

from __future__ import annotations

from qualcode.suggest.context import CONTEXT_PREFIX, context_turns, context_words, contexts
from qualcode.suggest.matcher import (
    CONTEXT_MARK,
    CONTEXT_WEIGHT,
    Calibration,
    CodebookMatcher,
    CodeTerms,
    Idf,
    evidence,
    rank,
)
from qualcode.suggest.pipelines import pipeline


def test_context_reaches_back_to_the_moderator_and_stays_in_the_transcript() -> None:
    transcripts = [1, 1, 1, 1, 1, 1, 2, 2]
    roles = ["moderator", "nurse", "physician", "Moderator", "nurse", "nurse", None, "nurse"]
    assert context_turns(transcripts, roles, limit=3) == [
        [],  # the first turn of a transcript has none
        [0],
        [1, 0],
        [2, 1, 0],
        [3],  # stops at the moderator's turn, whatever its capitals
        [4, 3],
        [],  # a new transcript starts afresh
        [6],
    ]
    assert context_turns([1] * 5, [None] * 5, limit=2)[4] == [3, 2]


def test_context_words_are_prefixed_and_keep_only_words() -> None:
    assert context_words([["lunch", ","], ["break", "5"]]) == [
        CONTEXT_PREFIX + "lunch",
        CONTEXT_PREFIX + "break",
    ]


def test_a_term_in_the_context_counts_less_and_says_where_it_was_found() -> None:
    codes = [CodeTerms("temporality.breaks", {"en": ["lunch"]})]
    matcher = CodebookMatcher(pipeline("en"), codes)
    texts = ["Moderator: what about lunch?", "We never get one.", "No lunch today."]
    hits, norms = matcher.match(texts)
    idf = Idf(n_docs=0, df={})
    around = list(contexts([1, 1, 1], ["moderator", "nurse", "nurse"], hits, norms))
    assert around[1].words[:2] == [CONTEXT_PREFIX + "moderator", CONTEXT_PREFIX + "what"]
    own_total, own_why = evidence(hits[2], idf)["temporality.breaks"]
    near_total, near_why = evidence(hits[1], idf, around[1].hits)["temporality.breaks"]
    assert near_total == CONTEXT_WEIGHT * own_total
    assert near_why == ["lunch" + CONTEXT_MARK] and own_why == ["lunch"]
    # A term the turn itself contains counts once, as the turn's own.
    assert evidence(hits[2], idf, around[2].hits)["temporality.breaks"] == (own_total, own_why)
    first = rank(hits[1], idf, Calibration(), around[1].hits)[0]
    assert first.code == "temporality.breaks" and first.score < Calibration()(own_total)
