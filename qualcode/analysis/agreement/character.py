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
