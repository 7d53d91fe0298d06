"""The character-level orchestration as it was before `stacked` (per code, per transcript,
one `cohen_table` per cell), kept as the test oracle of the vectorised rows."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.alpha_u import disagreements
from qualcode.analysis.agreement.character import (
    CharacterAgreement,
    aggregate,
    agreement_from_counts,
    document_presence_counts,
    merge_span_arrays,
    transcript_draws,
)
from qualcode.analysis.agreement.layers import Context, SpanLayers
from qualcode.analysis.agreement.unitized import (
    Cu_alpha,
    DocSpans,
    Unit,
    binary_u_from_spans,
    cu_alpha,
)
from qualcode.domain.agreement import ALL_CODES, OVERALL, AgreementOptions

Row = dict[str, object]


def _doc_spans(
    layers: SpanLayers, mask: npt.NDArray[np.bool_], documents: npt.NDArray[np.int64]
) -> DocSpans:
    return (
        np.searchsorted(documents, layers.transcript[mask]),
        layers.start[mask],
        layers.end[mask],
    )


def _pick(layers: SpanLayers, coder: int, tids: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    return (layers.coder == coder) & np.isin(layers.transcript, tids)


def _row(
    label: str,
    pair: tuple[str, str],
    results: Sequence[CharacterAgreement],
    u: float | None,
    options: AgreementOptions,
    draws: npt.NDArray[np.float64] | None,
) -> Row:
    transcripts = len(draws[0]) if draws is not None else max(len(results), 1)
    combined = aggregate(
        results,
        options.average,
        empty_as_one=options.empty_as_one,
        clusters=np.arange(len(results)) % transcripts,
        draws=draws,
    )
    both = sum(r.counts.both for r in results)
    a_only = sum(r.counts.a_only for r in results)
    b_only = sum(r.counts.b_only for r in results)
    neither = sum(r.counts.neither for r in results)
    return {
        "code": label,
        "coders": pair,
        "n_units": both + a_only + b_only + neither,
        "both": both,
        "a_only": a_only,
        "b_only": b_only,
        "neither": neither,
        "percent_agreement": combined.percent_agreement,
        "cohen_kappa": combined.kappa,
        "u_alpha": u,
        "intervals": {
            "percent_agreement": combined.percent_interval,
            "cohen_kappa": combined.kappa_interval,
        }
        if draws is not None
        else {},
    }


def character_rows(
    context: Context, layers: SpanLayers, options: AgreementOptions, resamples: int | None
) -> list[Row]:
    """One group (`by="code"`); `resamples` (seed 20070101) for the transcript bootstrap."""
    rows = []
    for a, b in combinations(range(len(context.coders)), 2):
        pair = (context.coders[a], context.coders[b])
        tids = layers.shared(a, b)
        documents = np.array(tids, dtype=np.int64)
        lengths = [context.transcripts[tid].length for tid in tids]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        mine = [_pick(layers, coder, documents) for coder in (a, b)]
        pooled: list[CharacterAgreement] = []
        disagreement: list[tuple[float, float]] = []
        total = int(sum(lengths))
        draws = transcript_draws(len(tids), resamples, 20070101) if resamples else None
        for label, name in enumerate(context.labels):
            spans = [_doc_spans(layers, m & (layers.label == label), documents) for m in mine]
            counts = document_presence_counts(lengths, spans[0], spans[1])
            results = [
                agreement_from_counts(n, c, exclude_uncoded=options.exclude_uncoded)
                for n, c in zip(lengths, counts, strict=True)
            ]
            pooled += results
            u = binary_u_from_spans(spans, offsets, total)
            row = _row(name, pair, results, u, options, draws)
            row["alpha_u"] = None
            if total:
                merged = [merge_span_arrays(offsets[d] + s, offsets[d] + e) for d, s, e in spans]
                d_o, d_e = disagreements(total, merged)
                disagreement.append((d_o, d_e))
                row["alpha_u"] = 1 - d_o / d_e if d_e > 0 else None
            rows.append(row)
        if len(context.labels) > 1:
            row = _row(ALL_CODES, pair, pooled, None, options, draws)
            mean_o, mean_e = np.mean(disagreement, axis=0) if disagreement else (0.0, 0.0)
            row["alpha_u"] = 1 - float(mean_o) / float(mean_e) if mean_e > 0 else None
            rows.append(row)
    return rows


def all_coders_values(context: Context, layers: SpanLayers) -> list[tuple[str, str, object]]:
    """(code, coefficient, value) of the |u-alpha and alpha-U rows of `all_coders_table`."""
    m = len(context.coders)
    tids = [tid for tid, who in sorted(layers.takers.items()) if who == frozenset(range(m))]
    documents = np.array(tids, dtype=np.int64)
    lengths = [context.transcripts[tid].length for tid in tids]
    total = int(sum(lengths))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    rows: list[tuple[str, str, object]] = []
    measured = []
    for label, name in enumerate(context.labels):
        spans = []
        for coder in range(m):
            mask = _pick(layers, coder, documents) & (layers.label == label)
            spans.append(_doc_spans(layers, mask, documents))
        rows.append((name, "|u-alpha", binary_u_from_spans(spans, offsets, total)))
        merged = [merge_span_arrays(offsets[d] + a, offsets[d] + b) for d, a, b in spans]
        d_o, d_e = disagreements(total, merged)
        measured.append((d_o, d_e))
        rows.append((name, "alpha-U", 1 - d_o / d_e if d_e > 0 else None))
    mean_o, mean_e = np.mean(measured, axis=0)
    rows.append((ALL_CODES, "alpha-U", 1 - float(mean_o) / float(mean_e) if mean_e > 0 else None))
    return rows


def _exclusive(start, end, value) -> bool:  # type: ignore[no-untyped-def]
    intervals = []
    for v in np.unique(value):
        merged = merge_span_arrays(start[value == v], end[value == v])
        intervals.append(np.column_stack(merged))
    if not intervals:
        return True
    spans = np.vstack(intervals)
    spans = spans[np.argsort(spans[:, 0], kind="stable")]
    reach = np.maximum.accumulate(spans[:, 1])
    return not bool(np.any(spans[1:, 0] < reach[:-1]))


def unitized(
    context: Context,
    layers: SpanLayers,
    coders: tuple[int, ...],
    labels: list[int],
    domains: npt.NDArray[np.int64] | None = None,
    measure=cu_alpha,  # type: ignore[no-untyped-def]
) -> float | None:
    """cu-alpha, Cu-alpha (`domains`) or u-alpha (`measure`) of the coders over the
    transcripts all of them took part in, as `continuum._unitized` computed it."""
    tids = [tid for tid, who in sorted(layers.takers.items()) if set(coders) <= who]
    documents = np.array(tids, dtype=np.int64)
    lengths = [context.transcripts[tid].length for tid in tids]
    total = int(sum(lengths))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    layer_units = []
    for coder in coders:
        mask = _pick(layers, coder, documents) & np.isin(layers.label, labels)
        docs = np.searchsorted(documents, layers.transcript[mask])
        start, end = offsets[docs] + layers.start[mask], offsets[docs] + layers.end[mask]
        label = layers.label[mask]
        if not _exclusive(start, end, label if domains is None else domains[label]):
            return None
        layer_units.append(
            [
                Unit(s, e, context.labels[k])
                for s, e, k in zip(start.tolist(), end.tolist(), label.tolist(), strict=True)
                if s < e
            ]
        )
    if domains is None:
        return measure(total, layer_units)
    concepts = [label.split(".", 1)[0] for label in context.labels]
    return Cu_alpha(total, layer_units, {context.labels[k]: concepts[k] for k in labels})


__all__ = ["OVERALL", "all_coders_values", "character_rows", "unitized"]
