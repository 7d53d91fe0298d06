"""Agreement over the text continuum per pair of coders: ATLAS.ti's cu-alpha and Cu-alpha
(Krippendorff et al. 2016) and MAXQDA's segment matching."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.character import merge_span_arrays
from qualcode.analysis.agreement.interpret import interpret_alpha
from qualcode.analysis.agreement.layers import Context, SpanLayers
from qualcode.analysis.agreement.segment_match import CodedSegment, segment_agreement
from qualcode.analysis.agreement.stacked import Stack, stacked_spans
from qualcode.analysis.agreement.unitized import (
    Cu_alpha,
    Unit,
    cu_alpha,
    u_alpha,
)
from qualcode.domain.agreement import ALL_CODES
from qualcode.domain.table import ResultTable

EXCLUSIVE_NOTE = (
    "Empty where a coder's layer has overlapping codes of different values: cu-alpha and "
    "Cu-alpha (and u-alpha) need mutually exclusive values (Krippendorff et al. 2016); "
    "compare such codes one at a time (|u-alpha per code)."
)


def unitizing_table(context: Context, layers: SpanLayers) -> ResultTable:
    """ATLAS.ti's cu-alpha per concept (its codes as values) and Cu-alpha (concepts as values),
    per pair of coders over the transcripts both coded."""
    concept_names = [label.split(".", 1)[0] for label in context.labels]
    concepts = list(dict.fromkeys(concept_names))
    concept_index = np.array([concepts.index(c) for c in concept_names], dtype=np.int64)
    rows: list[list[str | int | float | None]] = []
    notes: set[str] = set()
    for a, b in combinations(range(len(context.coders)), 2):
        tids = layers.shared(a, b)
        documents = np.array(tids, dtype=np.int64)
        lengths = [context.transcripts[tid].length for tid in tids]
        total = int(sum(lengths))
        if total == 0:
            continue
        pair = f"{context.coders[a]}/{context.coders[b]}"
        spans = _continuum_spans(layers, (a, b), documents, lengths)
        for number, concept in enumerate(concepts):
            members = [i for i, c in enumerate(concept_index.tolist()) if c == number]
            value = _unitized(context, spans, total, members, notes)
            rows.append([pair, concept, "cu-alpha", value, interpret_alpha(value)])
        everything = list(range(len(context.labels)))
        value = _unitized(context, spans, total, everything, notes, domains=concept_index)
        rows.append([pair, ALL_CODES, "Cu-alpha", value, interpret_alpha(value)])
    return ResultTable(
        title="Unitizing agreement (ATLAS.ti cu-alpha and Cu-alpha)",
        columns=["coders", "concept", "coefficient", "value", "band"],
        rows=rows,
        notes=sorted(notes),
    )


def all_coders_table(
    context: Context, layers: SpanLayers, memo: dict[tuple[object, ...], Any] | None = None
) -> ResultTable | None:
    """Three or more coders at once: |u-alpha and alpha-U per code, u-alpha per concept (its
    codes as values) and alpha-U over all codes, over the transcripts every compared coder
    took part in (Krippendorff et al. 2016, eqs. 5a and 6, and Krippendorff 1995, for m
    coders). None with fewer than three coders."""
    m = len(context.coders)
    if m < 3:
        return None
    everyone = frozenset(range(m))
    tids = [tid for tid, who in sorted(layers.takers.items()) if who == everyone]
    documents = np.array(tids, dtype=np.int64)
    lengths = [context.transcripts[tid].length for tid in tids]
    total = int(sum(lengths))
    rows: list[list[str | int | float | None]] = []
    notes: set[str] = set()
    coders = tuple(range(m))
    if total:
        stack = Stack.of(lengths, len(context.labels), documents, memo)
        doc = layers.doc_index(documents)
        merged = [stack.units(layers, coder, doc) for coder in coders]
        u = stack.binary_u(merged)
        d_o, d_e = stack.alpha_u(merged, coders)
        for label, name in enumerate(context.labels):
            rows.append([name, "|u-alpha", u[label], interpret_alpha(u[label]), total])
            o, e = float(d_o[label]), float(d_e[label])
            value = 1 - o / e if e > 0 else None
            rows.append([name, "alpha-U", value, interpret_alpha(value), total])
        concept_names = [label.split(".", 1)[0] for label in context.labels]
        spans = _continuum_spans(layers, coders, documents, lengths)
        for concept in dict.fromkeys(concept_names):
            members = [i for i, c in enumerate(concept_names) if c == concept]
            value = _unitized(context, spans, total, members, notes, measure=u_alpha)
            rows.append([concept, "u-alpha", value, interpret_alpha(value), total])
        mean_o, mean_e = np.mean(np.column_stack([d_o, d_e]), axis=0)
        value = 1 - float(mean_o) / float(mean_e) if mean_e > 0 else None
        rows.append([ALL_CODES, "alpha-U", value, interpret_alpha(value), total])
    return ResultTable(
        title=f"Unitizing agreement of all {m} coders (|u-alpha, alpha-U, u-alpha)",
        columns=["code or concept", "coefficient", "value", "band", "characters"],
        rows=rows,
        notes=[
            f"Coders: {', '.join(context.coders)}; the {len(tids)} transcripts all of them "
            "took part in, laid end to end.",
            *sorted(notes),
        ],
    )


Spans = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""One coder's spans on the continuum of transcripts laid end to end: (start, end, label)."""


def _continuum_spans(
    layers: SpanLayers,
    coders: tuple[int, ...],
    documents: npt.NDArray[np.int64],
    lengths: list[int],
) -> list[Spans]:
    """Each coder's spans in the documents, in continuum offsets."""
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    doc = layers.doc_index(documents)
    result = []
    for coder in coders:
        docs, label, start, end = stacked_spans(layers, coder, doc)
        result.append((offsets[docs] + start, offsets[docs] + end, label))
    return result


def _unitized(
    context: Context,
    spans: list[Spans],
    total: int,
    labels: list[int],
    notes: set[str],
    *,
    domains: npt.NDArray[np.int64] | None = None,
    measure: Callable[[int, list[list[Unit]]], float | None] = cu_alpha,
) -> float | None:
    """cu-alpha (or `measure`) of the coders' `spans` over `labels` (with `domains`:
    Cu-alpha, each label's domain its value); None with a note when a layer has overlapping
    units of different values."""
    chosen = np.zeros(len(context.labels), dtype=bool)
    chosen[labels] = True
    layer_units = []
    for all_start, all_end, all_label in spans:
        mask = chosen[all_label]
        start, end, label = all_start[mask], all_end[mask], all_label[mask]
        if not _exclusive(start, end, label if domains is None else domains[label], total):
            notes.add(EXCLUSIVE_NOTE)
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
    domain_of = {context.labels[k]: concepts[k] for k in labels}
    return Cu_alpha(total, layer_units, domain_of)


def _exclusive(
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    value: npt.NDArray[np.int64],
    total: int,
) -> bool:
    """True when no two spans of different values overlap (spans of one value may: they
    merge), the condition of `unitized._merged`, checked without building units: each
    value's spans are merged on a continuum of their own (value v from v * (total + 1))."""
    if not len(start):
        return True
    width = total + 1
    merged_start, merged_end = merge_span_arrays(start + value * width, end + value * width)
    shift = (merged_start // width) * width
    begin, finish = merged_start - shift, merged_end - shift
    order = np.argsort(begin, kind="stable")
    reach = np.maximum.accumulate(finish[order])
    return not bool(np.any(begin[order][1:] < reach[:-1]))


def segment_table(context: Context, layers: SpanLayers, overlap: float) -> ResultTable:
    """MAXQDA-style segment matching per pair of coders with a minimum overlap."""
    rows: list[list[str | int | float | None]] = []
    notes = []
    for a, b in combinations(range(len(context.coders)), 2):
        tids = layers.shared(a, b)
        documents: dict[int, tuple[list[CodedSegment], list[CodedSegment]]] = {
            tid: ([], []) for tid in tids
        }
        for side, coder in enumerate((a, b)):
            mask = layers.pick(coder, np.array(tids, dtype=np.int64))
            for tid, label, start, end in zip(
                layers.transcript[mask].tolist(),
                layers.label[mask].tolist(),
                layers.start[mask].tolist(),
                layers.end[mask].tolist(),
                strict=True,
            ):
                if start < end:
                    documents[tid][side].append(CodedSegment(start, end, context.labels[label]))
        result = segment_agreement(documents.values(), min_overlap=overlap, codes=context.labels)
        pair = f"{context.coders[a]}/{context.coders[b]}"
        for match in result.codes:
            rows.append(
                [
                    pair,
                    match.code,
                    match.matched_a,
                    match.unmatched_a,
                    match.matched_b,
                    match.unmatched_b,
                    match.percent_agreement,
                ]
            )
        notes.append(
            f"{pair}: {result.matched} of {result.matched + result.unmatched} segments matched "
            f"(percent agreement {_fmt(result.percent_agreement)}, kappa_n "
            f"{_fmt(result.kappa)}) at a minimum overlap of {overlap:.0%}."
        )
    return ResultTable(
        title=f"Segment matching (MAXQDA), minimum overlap {overlap:.0%}",
        columns=[
            "coders",
            "code",
            "A matched",
            "A unmatched",
            "B matched",
            "B unmatched",
            "percent agreement",
        ],
        rows=rows,
        notes=notes,
    )


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"
