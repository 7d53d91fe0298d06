"""Term specificity from a reference word-frequency table, for text without a project corpus.

`suggest text` without a database has no corpus to measure how rare a codebook term is, and
measuring it on the input lines made a line's scores depend on the other lines sent with it.
Instead a term's IDF is estimated from its frequency in general language: the `wordfreq`
package's tables (en, da, nb and others; loaded on first use). A word of frequency `f` is
taken to occur in a turn of `REFERENCE_TURN_WORDS` words with probability about `f` times
that length, and the IDF is the corpus formula over a reference corpus of `REFERENCE_TURNS`
turns, so its scale matches the IDF measured on a project of that size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

# A focus-group turn's length in words (the demo corpus's median is about 30).
REFERENCE_TURN_WORDS = 30
# The size of the corpus the reference IDF pretends to be measured on.
REFERENCE_TURNS = 1000
# Words the table does not list are rarer than its rarest entries.
MIN_FREQUENCY = 1e-6


def reference_idf(frequency: float) -> float:
    """The IDF of a word of this frequency per word, over the reference corpus of turns."""
    share = min(1.0, REFERENCE_TURN_WORDS * max(frequency, MIN_FREQUENCY))
    return math.log((REFERENCE_TURNS + 1) / (REFERENCE_TURNS * share + 1)) + 1.0


@lru_cache(maxsize=16)
def has_table(language: str) -> bool:
    """True when `wordfreq` has a frequency table for the language."""
    from wordfreq import available_languages  # 0.1 s and a 5 MB table: only when needed

    return language in available_languages()


@dataclass(frozen=True)
class ReferenceFrequencies:
    """IDF of lemma norms (one or more words) from the language's reference frequencies."""

    language: str
    _cache: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def __call__(self, norm: str) -> float:
        value = self._cache.get(norm)
        if value is None:
            from wordfreq import word_frequency

            # Several words: wordfreq combines them as a phrase about as rare as its rarest word.
            value = self._cache[norm] = reference_idf(word_frequency(norm, self.language))
        return value


def reference_specificity(language: str) -> ReferenceFrequencies | None:
    """The language's reference IDF, or None when there is no table for it."""
    return ReferenceFrequencies(language) if has_table(language) else None
