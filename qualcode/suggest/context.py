"""Conversation context of a turn: the turns it answers.

In a focus group every turn answers the statement card or question the moderator last put to
the group, and the turns in between share its topic. A turn's context is therefore the turns
before it in the same transcript, nearest first, back to and including the moderator's last
turn (at most `CONTEXT_TURNS`). Context is text only: the matcher counts its terms with a lower
weight, and the learned model sees its words as separate features (`ctx_<lemma>`). It never
carries another turn's codes.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from qualcode.domain.scope import is_moderator
from qualcode.suggest.matcher import Hit

# Preceding turns that can form a turn's context (measured in docs/suggestions.md: 2-4 give
# the same precision; 3 reaches the moderator's last turn for most turns).
CONTEXT_TURNS = 3
# Marks context words for the learned model, so they are features apart from the turn's own.
CONTEXT_PREFIX = "ctx_"


@dataclass(frozen=True)
class TurnContext:
    """What a turn's context contributes: its matcher hits and its prefixed words."""

    hits: list[Hit] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def contexts(
    transcripts: Sequence[int],
    roles: Sequence[str | None],
    hits: Sequence[Sequence[Hit]],
    norms: Sequence[Sequence[str]],
    stop_words: Collection[str] = frozenset(),
) -> Iterator[TurnContext]:
    """The context of each turn, from the hits and norms of all turns in transcript order.

    One turn at a time: ranking many turns in chunks holds only a chunk's contexts.
    """
    # Each turn's prefixed words are made once and shared by the turns it is context for.
    prefixed = [context_words([words], stop_words) for words in norms]
    for indices in context_turns(transcripts, roles):
        yield TurnContext(
            # Only codebook terms: example words are weak evidence even in the turn itself,
            # and from three turns around they would put most codes in every ranking.
            hits=[hit for at in indices for hit in hits[at] if not hit.example],
            words=[word for at in indices for word in prefixed[at]],
        )


def context_turns(
    transcripts: Sequence[int],
    roles: Sequence[str | None],
    *,
    limit: int = CONTEXT_TURNS,
) -> list[list[int]]:
    """For each turn (given in transcript and turn order), the indices of its context turns,
    nearest first."""
    result: list[list[int]] = []
    for index, transcript in enumerate(transcripts):
        context: list[int] = []
        before = index - 1
        while len(context) < limit and before >= 0 and transcripts[before] == transcript:
            context.append(before)
            if is_moderator(roles[before]):
                break
            before -= 1
        result.append(context)
    return result


def context_words(
    norms: Iterable[Sequence[str]], stop_words: Collection[str] = frozenset()
) -> list[str]:
    """The context turns' content words as features apart from the turn's own: letters only,
    no stop words (they say nothing of the topic and are half of every turn)."""
    # Interned: a corpus has few distinct words, and 100,000 turns' copies of them cost 100s of MB.
    return [
        sys.intern(CONTEXT_PREFIX + norm)
        for words in norms
        for norm in words
        if norm.isalpha() and norm not in stop_words
    ]
