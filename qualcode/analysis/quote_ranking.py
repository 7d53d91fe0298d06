"""Which quotes carry a code in a report: an explicit, configurable ranking rule.

Written by hand: no library ranks qualitative quotes. The rule, in order:
1. quotes a supervisor pinned come first (in the order pinned); excluded quotes never appear;
2. then turns coded with the code by more coders of the layer (agreement first);
3. then turns whose length is within [min_words, max_words] before those outside it, and
   longer before shorter (counted up to max_words);
4. distinctness: a quote whose words overlap an already chosen one by more than max_overlap
   (Jaccard) is skipped, and each focus group gives at most max_per_transcript quotes until
   every focus group has had its turn.
Ties fall back to the earlier turn, so the choice is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qualcode.domain.report import QuoteRule

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Candidate:
    segment_id: int
    transcript_id: int
    text: str
    coders: int


def words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def rank_quotes(
    candidates: Sequence[Candidate],
    rule: QuoteRule,
    *,
    pinned: Sequence[int] = (),
    excluded: frozenset[int] = frozenset(),
) -> list[Candidate]:
    """The quotes to show for one code, best first (see the module docstring)."""
    by_id = {candidate.segment_id: candidate for candidate in candidates}
    chosen = [by_id[segment] for segment in pinned if segment in by_id][: rule.per_code]
    pool = sorted(
        (c for c in candidates if c.segment_id not in excluded and c not in chosen),
        key=lambda c: _order(c, rule),
    )
    for strict in (True, False):
        for candidate in pool:
            if len(chosen) >= rule.per_code:
                return chosen
            if candidate not in chosen and _fits(candidate, chosen, rule, strict=strict):
                chosen.append(candidate)
    return chosen


def _order(candidate: Candidate, rule: QuoteRule) -> tuple[int, int, int, int]:
    count = len(_WORD.findall(candidate.text))
    within = rule.min_words <= count <= rule.max_words
    return (
        -candidate.coders,
        0 if within else 1,
        -min(count, rule.max_words),
        candidate.segment_id,
    )


def _fits(candidate: Candidate, chosen: list[Candidate], rule: QuoteRule, *, strict: bool) -> bool:
    mine = words(candidate.text)
    for other in chosen:
        theirs = words(other.text)
        union = mine | theirs
        if union and len(mine & theirs) / len(union) > rule.max_overlap:
            return False
    if strict:
        same = sum(other.transcript_id == candidate.transcript_id for other in chosen)
        return same < rule.max_per_transcript
    return True
