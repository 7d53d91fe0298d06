"""One ranked list from matcher evidence and learned scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qualcode.domain.suggestion import LEARNED, CodeScore
from qualcode.suggest.learned import CONCEPT_PREFIX

# A learned score this high is named as a reason even when terms matched too.
LEARNED_REASON = 0.3
# Learned scores below this add nothing worth showing on their own.
LEARNED_FLOOR = 0.05


def combine(
    matched: Sequence[CodeScore], learned: Mapping[str, float], *, known: set[str] | None = None
) -> list[CodeScore]:
    """Noisy-OR of the two stages: a code is likely if either stage finds it likely.

    `known` limits learned labels to codes that still exist (a model may predate a removal);
    concept labels are not codes and are left out.
    """
    return combine_scored(
        {item.code: (item.score, item.why) for item in matched}, learned, known=known
    )


def combine_scored(
    matched: Mapping[str, tuple[float, Sequence[str]]],
    learned: Mapping[str, float],
    *,
    known: set[str] | None = None,
) -> list[CodeScore]:
    """`combine`, from the matcher's (score, terms) per code (`matcher.scored`): ranking many
    turns this way skips building a `CodeScore` for each matched code twice."""
    codes = set(matched) | {
        code
        for code, score in learned.items()
        if score >= LEARNED_FLOOR
        and not code.startswith(CONCEPT_PREFIX)
        and (known is None or code in known)
    }
    combined = []
    for code in codes:
        match_score, terms = matched.get(code, (0.0, ()))
        learned_score = learned.get(code, 0.0)
        score = 1.0 - (1.0 - match_score) * (1.0 - learned_score)
        why = list(terms)
        if learned_score >= LEARNED_REASON or not why:
            why.append(LEARNED)
        # Trusted values: skip pydantic validation, as `matcher.rank` does.
        combined.append(CodeScore.model_construct(code=code, score=round(score, 4), why=why))
    return sorted(combined, key=lambda item: (-item.score, item.code))
