"""Character-level coding comparison of two coders, as NVivo's Coding Comparison reports it.

Each character of a transcript is a unit; a coder either coded it with the code or not.
Percent agreement is the share of characters on which both coders agree (coded by both or
by neither) and kappa is Cohen's kappa over those characters. Across transcripts, NVivo
averages per-transcript values weighted by transcript length; `aggregate_by_length` does
the same, skipping transcripts where a value is undefined.

With `exclude_uncoded=True` characters neither coder coded are dropped. Kappa is then at
most 0 by construction (with no "neither" cell, p_o - p_e = -2 * a_only * b_only / n^2),
so only percent agreement is informative in that mode.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.nominal import PresenceCounts, presence_counts, presence_kappa
from qualcode.errors import QualcodeError

Span = tuple[int, int]


@dataclass(frozen=True)
class CharacterAgreement:
    """Agreement of two coders on one code over one transcript's characters."""

    length: int
    counts: PresenceCounts
    percent_agreement: float | None
    kappa: float | None


@dataclass(frozen=True)
class WeightedAgreement:
    """Length-weighted mean over transcripts of percent agreement and kappa."""

    percent_agreement: float | None
    kappa: float | None
    n_transcripts: int
    total_length: int


def presence_vector(length: int, spans: Iterable[Span]) -> npt.NDArray[np.bool_]:
    """Boolean vector of the characters covered by half-open `(start, end)` spans."""
    bounds = np.asarray(list(spans), dtype=np.int64).reshape(-1, 2)
    starts, ends = bounds[:, 0], bounds[:, 1]
    bad = (starts < 0) | (ends > length) | (starts > ends)
    if bad.any():
        start, end = bounds[np.argmax(bad)]
        raise QualcodeError(
            f"Span ({start}, {end}) does not lie within a text of {length} characters; "
            "check the coding offsets against the transcript."
        )
    # Coverage depth as the running sum of +1 at each start and -1 at each end.
    steps = np.bincount(starts, minlength=length + 1) - np.bincount(ends, minlength=length + 1)
    return np.cumsum(steps[:length]) > 0


def compare_characters(
    length: int,
    spans_a: Iterable[Span],
    spans_b: Iterable[Span],
    *,
    exclude_uncoded: bool = False,
) -> CharacterAgreement:
    """Compare two coders' spans for one code over a text of `length` characters."""
    counts = presence_counts(presence_vector(length, spans_a), presence_vector(length, spans_b))
    return agreement_from_counts(length, counts, exclude_uncoded=exclude_uncoded)


def agreement_from_counts(
    length: int, counts: PresenceCounts, *, exclude_uncoded: bool = False
) -> CharacterAgreement:
    """Percent agreement and kappa of a character 2 x 2 table (see `compare_characters`)."""
    if exclude_uncoded:
        counts = PresenceCounts(counts.both, counts.a_only, counts.b_only, 0)
    kappa = presence_kappa(counts)
    return CharacterAgreement(length, counts, kappa.observed, kappa.value)


def _weighted_mean(values: Sequence[float | None], weights: Sequence[int]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total


def aggregate_by_length(results: Sequence[CharacterAgreement]) -> WeightedAgreement:
    """Average per-transcript agreement and kappa, weighting by transcript length."""
    weights = [r.length for r in results]
    return WeightedAgreement(
        percent_agreement=_weighted_mean([r.percent_agreement for r in results], weights),
        kappa=_weighted_mean([r.kappa for r in results], weights),
        n_transcripts=len(results),
        total_length=sum(weights),
    )


def merge_span_arrays(
    starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Union of spans as sorted, disjoint arrays; spans that only touch stay apart."""
    keep = starts < ends
    order = np.argsort(starts[keep], kind="stable")
    s, e = starts[keep][order], ends[keep][order]
    if not len(s):
        return s, e
    reach = np.maximum.accumulate(e)
    first = np.concatenate([[True], s[1:] >= reach[:-1]])
    at = np.flatnonzero(first)
    return s[at], np.maximum.reduceat(e, at)


def document_presence_counts(
    lengths: Sequence[int],
    spans_a: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    spans_b: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
) -> list[PresenceCounts]:
    """The 2 x 2 tables of `compare_characters` for many documents at once, vectorised.

    Each coder's spans come as (document index, start, end) arrays with offsets inside the
    document. The documents are laid end to end; the intersection of A's and B's unions is
    read off B's cumulative coverage at the ends of A's spans, then summed per document.
    """
    size = np.asarray(lengths, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(size)[:-1]])
    merged = []
    for docs, starts, ends in (spans_a, spans_b):
        d = np.asarray(docs, dtype=np.int64)
        s, e = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
        bad = (s < 0) | (e > size[d]) | (s > e)
        if bad.any():
            i = int(np.argmax(bad))
            raise QualcodeError(
                f"Span ({s[i]}, {e[i]}) does not lie within a text of {size[d[i]]} characters; "
                "check the coding offsets against the transcript."
            )
        merged.append(merge_span_arrays(s + offsets[d], e + offsets[d]))
    (a_start, a_end), (b_start, b_end) = merged
    doc_of = np.searchsorted(offsets, a_start, side="right") - 1
    b_doc = np.searchsorted(offsets, b_start, side="right") - 1
    before = np.concatenate([[0], np.cumsum(b_end - b_start)])

    def coverage(x: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Characters of B's union below each x."""
        if not len(b_start):
            return np.zeros(len(x), dtype=np.int64)
        i = np.searchsorted(b_start, x, side="right") - 1
        j = i.clip(0)
        partial = np.clip(x - b_start[j], 0, (b_end - b_start)[j])
        return np.where(i >= 0, before[j] + partial, 0)

    n = len(size)
    both = np.bincount(doc_of, coverage(a_end) - coverage(a_start), minlength=n)
    covered_a = np.bincount(doc_of, a_end - a_start, minlength=n)
    covered_b = np.bincount(b_doc, b_end - b_start, minlength=n)
    return [
        PresenceCounts(int(x), int(ca - x), int(cb - x), int(length - ca - cb + x))
        for x, ca, cb, length in zip(
            both.tolist(), covered_a.tolist(), covered_b.tolist(), size.tolist(), strict=True
        )
    ]
