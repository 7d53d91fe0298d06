"""Document frequencies of the codebook's pattern norms, counted per transcript and added up.

A document is a turn, and a turn belongs to one transcript, so the corpus's frequencies are
the sum of its transcripts': `corpus_idf` over every transcript's `TermCounts` equals
`Idf.from_hits` over the whole corpus. A transcript's counts hold while its `fingerprint`
(the matcher's signature, the language and the turns' offsets) stays the same.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qualcode.suggest.matcher import Hit, Idf


@dataclass(frozen=True)
class TermCounts:
    """Of some turns: how many there are, and in how many each hit norm is found."""

    turns: int
    df: dict[str, int]


def count_terms(corpus: Iterable[Sequence[Hit]]) -> TermCounts:
    """The counts of the turns whose hits are `corpus`, as `Idf.from_hits` counts them."""
    df: Counter[str] = Counter()
    turns = 0
    for hits in corpus:
        turns += 1
        df.update({hit.norm for hit in hits})
    return TermCounts(turns, dict(df))


def corpus_idf(parts: Iterable[TermCounts], fallback: Callable[[str], float] | None = None) -> Idf:
    """The IDF of the turns of all `parts` together."""
    df: Counter[str] = Counter()
    turns = 0
    for part in parts:
        turns += part.turns
        df.update(part.df)
    return Idf(n_docs=turns, df=dict(df), fallback=fallback)


def fingerprint(signature: str, language: str, offsets: Sequence[tuple[int, int]]) -> str:
    """What a transcript's counts were made from: the matcher's `signature`, the language and
    its turns' (start, end) offsets in order (the text itself never changes)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{signature} {language} {len(offsets)}".encode())
    digest.update(array("q", [at for pair in offsets for at in pair]).tobytes())
    return digest.hexdigest()
