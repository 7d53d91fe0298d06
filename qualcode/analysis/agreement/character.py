"""Character-level coding comparison of two coders, as NVivo's Coding Comparison reports it.

Each character of a transcript is a unit; a coder either coded it with the code or not.
Percent agreement is the share of characters on which both coders agree (coded by both or
by neither) and kappa is Cohen's kappa over those characters. Across transcripts, qualcode
reports kappa of the pooled counts (so it follows from the counts printed beside it);
NVivo averages per-transcript values weighted by transcript length (`aggregate_by_length`,
and `aggregate(..., "weighted")`), skipping transcripts where a value is undefined, or
reporting kappa 1 where neither coder coded (`empty_as_one`).

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
    both, covered_a, covered_b = presence_tables(offsets, size, merged[0], merged[1])
    return [
        PresenceCounts(int(x), int(ca - x), int(cb - x), int(length - ca - cb + x))
        for x, ca, cb, length in zip(
            both.tolist(), covered_a.tolist(), covered_b.tolist(), size.tolist(), strict=True
        )
    ]


def presence_tables(
    offsets: npt.NDArray[np.int64],
    size: npt.NDArray[np.int64],
    a: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    b: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per document (starting at `offsets`, `size` long, laid end to end): characters both
    coders covered, A covered and B covered, from each coder's merged (starts, ends)."""
    (a_start, a_end), (b_start, b_end) = a, b
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
    both = np.zeros(n, dtype=np.int64)
    covered_a = np.zeros(n, dtype=np.int64)
    covered_b = np.zeros(n, dtype=np.int64)
    np.add.at(both, doc_of, coverage(a_end) - coverage(a_start))
    np.add.at(covered_a, doc_of, a_end - a_start)
    np.add.at(covered_b, b_doc, b_end - b_start)
    return both, covered_a, covered_b


def cell_agreement(
    tables: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Percent agreement and Cohen's kappa of many 2 x 2 tables (rows: both, A only,
    B only, neither) at once, NaN where undefined (as `agreement_from_counts`)."""
    counts = np.asarray(tables, dtype=np.float64).reshape(-1, 4)
    n = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = counts / n[:, None]
        observed = p[:, 0] + p[:, 3]
        first, second = p[:, 0] + p[:, 1], p[:, 0] + p[:, 2]
        expected = first * second + (1 - first) * (1 - second)
        kappa = np.where(1.0 - expected >= 1e-12, (observed - expected) / (1.0 - expected), np.nan)
    undefined = n == 0
    return np.where(undefined, np.nan, observed), np.where(undefined, np.nan, kappa)


@dataclass(frozen=True)
class Aggregate:
    """Percent agreement and kappa across transcripts, with bootstrap intervals."""

    percent_agreement: float | None
    kappa: float | None
    percent_interval: tuple[float | None, float | None] = (None, None)
    kappa_interval: tuple[float | None, float | None] = (None, None)


def transcript_draws(n: int, resamples: int, seed: int) -> npt.NDArray[np.float64]:
    """Bootstrap weights over n transcripts: how often each is drawn in each resample."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1 / n), size=resamples).astype(np.float64)


def aggregate(
    results: Sequence[CharacterAgreement],
    average: str = "pooled",
    *,
    empty_as_one: bool = False,
    clusters: npt.ArrayLike | None = None,
    draws: npt.NDArray[np.float64] | None = None,
) -> Aggregate:
    """Combine per-transcript results: kappa of the summed 2 x 2 tables ("pooled", so the
    figures follow from the counts shown), or NVivo's mean of per-transcript values
    weighted by length ("weighted") or plain ("unweighted"). With `empty_as_one`, a
    transcript neither coder coded counts as kappa 1 in the means, as NVivo reports it;
    otherwise it is undefined and left out. With `draws` (resamples x transcripts, see
    `transcript_draws`), 95 % percentile intervals from resampling the transcripts
    (clusters of characters); `clusters` gives each result's transcript index (default:
    one result per transcript)."""
    tables = np.array(
        [[r.counts.both, r.counts.a_only, r.counts.b_only, r.counts.neither] for r in results],
        dtype=np.float64,
    ).reshape(-1, 4)
    kappas = np.array([np.nan if r.kappa is None else r.kappa for r in results]).reshape(-1)
    percents = np.array(
        [np.nan if r.percent_agreement is None else r.percent_agreement for r in results]
    ).reshape(-1)
    lengths = np.array([r.length for r in results], dtype=np.float64).reshape(-1)
    return aggregate_tables(
        tables,
        lengths,
        percents,
        kappas,
        average,
        empty_as_one=empty_as_one,
        clusters=clusters,
        draws=draws,
    )


def aggregate_tables(
    tables: npt.NDArray[np.float64],
    lengths: npt.NDArray[np.float64],
    percents: npt.NDArray[np.float64],
    kappas: npt.NDArray[np.float64],
    average: str = "pooled",
    *,
    empty_as_one: bool = False,
    clusters: npt.ArrayLike | None = None,
    draws: npt.NDArray[np.float64] | None = None,
    drawn_tables: npt.NDArray[np.float64] | None = None,
) -> Aggregate:
    """`aggregate` of per-transcript results given as arrays: 2 x 2 tables (n x 4),
    transcript lengths, percent agreement and kappa (NaN where undefined). For the pooled
    average, `drawn_tables` may give `draws` times the per-transcript tables (resamples
    x 4), computed by the caller for many codes in one product."""
    n = len(tables)
    tables = np.asarray(tables, dtype=np.float64).reshape(-1, 4)
    size = np.asarray(lengths, dtype=np.float64) if average == "weighted" else np.ones(n)
    empty = tables[:, :3].sum(axis=1) == 0
    kappas = np.where(empty, 1.0, kappas) if empty_as_one else np.asarray(kappas)
    cluster = np.arange(n) if clusters is None else np.asarray(clusters, dtype=np.int64)
    n_clusters = int(cluster.max()) + 1 if n else 0

    def by_cluster(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.bincount(cluster, weights=values, minlength=n_clusters).astype(np.float64)

    # Per transcript: the summed tables, and numerator and denominator of each mean.
    summed = np.column_stack([by_cluster(tables[:, k]) for k in range(4)]).reshape(-1, 4)
    parts = [
        (by_cluster(np.nan_to_num(v) * size), by_cluster(np.where(np.isnan(v), 0, size)))
        for v in (percents, kappas)
    ]

    def statistic(
        weights: npt.NDArray[np.float64], drawn: npt.NDArray[np.float64] | None = None
    ) -> tuple[npt.NDArray, npt.NDArray]:
        """(percent agreement, kappa) for each row of transcript weights (`drawn`: the
        weighted tables, when the caller has them)."""
        if average == "pooled":
            both, a_only, b_only, neither = (weights @ summed if drawn is None else drawn).T
            total = both + a_only + b_only + neither
            with np.errstate(divide="ignore", invalid="ignore"):
                observed = (both + neither) / total
                p_a, p_b = (both + a_only) / total, (both + b_only) / total
                expected = p_a * p_b + (1 - p_a) * (1 - p_b)
                kappa = np.where(
                    1 - expected > 1e-12, (observed - expected) / (1 - expected), np.nan
                )
            return observed, kappa
        with np.errstate(divide="ignore", invalid="ignore"):
            means = [(weights @ top) / (weights @ bottom) for top, bottom in parts]
        return means[0], means[1]

    percent, kappa = statistic(np.ones((1, n_clusters)))
    result = Aggregate(_float(percent[0]), _float(kappa[0]))
    if draws is None or n_clusters < 2:
        return result
    percent_draws, kappa_draws = statistic(draws, drawn_tables)
    return Aggregate(
        result.percent_agreement,
        result.kappa,
        _percentiles(percent_draws) if result.percent_agreement is not None else (None, None),
        _percentiles(kappa_draws) if result.kappa is not None else (None, None),
    )


def _float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _percentiles(values: npt.NDArray[np.float64]) -> tuple[float | None, float | None]:
    defined = values[~np.isnan(values)]
    if len(defined) < len(values) / 2:
        return None, None
    low, high = np.quantile(defined, [0.025, 0.975])
    return float(low), float(high)
