"""Agreement rows per group and label: turn and sentence units (every coefficient from
unit-pattern counts) and NVivo-style character comparison per pair of coders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from itertools import combinations

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.alpha_u import disagreements
from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.character import (
    CharacterAgreement,
    aggregate,
    agreement_from_counts,
    document_presence_counts,
    merge_span_arrays,
    transcript_draws,
)
from qualcode.analysis.agreement.layers import Context, SpanLayers, Takers, TurnLayers
from qualcode.analysis.agreement.multirater import ChanceCorrected
from qualcode.analysis.agreement.nominal import AgreementResult, Alpha, PercentAgreement
from qualcode.analysis.agreement.presence import (
    PresencePatterns,
    pattern_coefficients,
    presence_patterns,
)
from qualcode.analysis.agreement.unitized import DocSpans, binary_u_from_spans
from qualcode.domain.agreement import ALL_CODES, OVERALL, AgreementOptions, AgreementRow


def nominal_rows(
    context: Context,
    layers: TurnLayers,
    by: str,
    bootstrap: Bootstrap | None = None,
    cards: Mapping[int, str] | None = None,
) -> list[AgreementRow]:
    """Per group, one row per label and one for all labels pooled (units x labels); with
    `bootstrap`, every coefficient with its 95 % interval. By card, `cards` maps the segment
    of each unit in a card's section to the card's key (the groups, in that order)."""
    rows = []
    groups = (
        _card_groups(layers.segment_ids, cards or {})
        if by == "card"
        else _groups(context, layers.takers, layers.transcript_ids, by)
    )
    for group, mask in groups:
        covered = layers.covered[mask]
        pooled = None
        for index, label in enumerate(context.labels):
            patterns = presence_patterns(layers.present[index][mask], covered)
            pooled = patterns if pooled is None else pooled + patterns
            rows.append(_nominal_row(context, group, label, patterns, bootstrap))
        if pooled is not None and len(context.labels) > 1:
            rows.append(_nominal_row(context, group, ALL_CODES, pooled, bootstrap))
    return rows


def _card_groups(
    segment_ids: npt.NDArray[np.int64], cards: Mapping[int, str]
) -> list[tuple[str, npt.NDArray[np.bool_]]]:
    members: dict[str, list[int]] = defaultdict(list)
    for segment_id, key in cards.items():
        members[key].append(segment_id)
    return [(key, np.isin(segment_ids, ids)) for key, ids in members.items()]


def _groups(
    context: Context, takers: Takers, transcript_ids: npt.NDArray[np.int64], by: str
) -> list[tuple[str, npt.NDArray[np.bool_]]]:
    if by == "code":
        return [(OVERALL, np.ones(len(transcript_ids), dtype=bool))]
    names: dict[str, list[int]] = defaultdict(list)
    for tid in sorted(takers):
        meta = context.transcripts[tid]
        key = meta.title if by == "transcript" else meta.department or "(no department)"
        names[key].append(tid)
    return [(name, np.isin(transcript_ids, tids)) for name, tids in names.items()]


def _nominal_row(
    context: Context,
    group: str,
    label: str,
    patterns: PresencePatterns,
    bootstrap: Bootstrap | None,
) -> AgreementRow:
    """Coefficients and the four counts (units with two or more coders) of one label."""
    w = patterns.weights
    m = patterns.n_coders
    pairable = w[2:]
    both = int(sum(w[r, r] for r in range(2, m + 1)))
    neither = int(pairable[:, 0].sum())
    split = int(pairable.sum()) - both - neither
    two = m == 2
    result = pattern_coefficients(patterns, bootstrap)
    n_units = int(pairable.sum())
    return AgreementRow(
        group=group,
        code=label,
        coders=context.coders,
        n_units=result.n_units,
        both=both,
        a_only=patterns.pair.a_only if two else None,
        b_only=patterns.pair.b_only if two else None,
        neither=neither,
        split=split,
        percent_agreement=result.percent_agreement.value,
        cohen_kappa=result.cohen_kappa.value if result.cohen_kappa else None,
        fleiss_kappa=result.fleiss_kappa.value if result.fleiss_kappa else None,
        krippendorff_alpha=result.krippendorff_alpha.value,
        brennan_prediger=result.brennan_prediger.value if result.brennan_prediger else None,
        gwet_ac1=result.gwet_ac1.value if result.gwet_ac1 else None,
        prevalence=(n_units - neither) / n_units if n_units else None,
        intervals=_intervals(result) if bootstrap is not None else {},
    )


def _intervals(result: AgreementResult) -> dict[str, tuple[float | None, float | None]]:
    fields: dict[str, ChanceCorrected | PercentAgreement | Alpha | None] = {
        "percent_agreement": result.percent_agreement,
        "cohen_kappa": result.cohen_kappa,
        "fleiss_kappa": result.fleiss_kappa,
        "krippendorff_alpha": result.krippendorff_alpha,
        "brennan_prediger": result.brennan_prediger,
        "gwet_ac1": result.gwet_ac1,
    }
    return {
        name: (field.ci_low, field.ci_high) for name, field in fields.items() if field is not None
    }


def character_rows(
    context: Context,
    layers: SpanLayers,
    options: AgreementOptions,
    bootstrap: Bootstrap | None = None,
) -> list[AgreementRow]:
    """NVivo-style rows per pair of coders, group and label, with the binary u-alpha;
    kappa across transcripts as `options.average` says (see `character.aggregate`)."""
    by, exclude_uncoded = options.by, options.exclude_uncoded
    rows = []
    for a, b in combinations(range(len(context.coders)), 2):
        pair = (context.coders[a], context.coders[b])
        for group, tids in _transcript_groups(context, layers.shared(a, b), by):
            documents = np.array(tids, dtype=np.int64)
            lengths = [context.transcripts[tid].length for tid in tids]
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
            mine = [layers.pick(coder, documents) for coder in (a, b)]
            pooled: list[CharacterAgreement] = []
            disagreement: list[tuple[float, float]] = []
            total = int(sum(lengths))
            draws = (
                transcript_draws(len(tids), bootstrap.resamples, bootstrap.seed)
                if bootstrap is not None
                else None
            )
            for label, name in enumerate(context.labels):
                spans = [_doc_spans(layers, m & (layers.label == label), documents) for m in mine]
                counts = document_presence_counts(lengths, spans[0], spans[1])
                results = [
                    agreement_from_counts(n, c, exclude_uncoded=exclude_uncoded)
                    for n, c in zip(lengths, counts, strict=True)
                ]
                pooled += results
                u = binary_u_from_spans(spans, offsets, total)
                row = _character_row(group, name, pair, results, u, options, draws)
                if total:
                    merged = [
                        merge_span_arrays(offsets[d] + s, offsets[d] + e) for d, s, e in spans
                    ]
                    d_o, d_e = disagreements(total, merged)
                    disagreement.append((d_o, d_e))
                    row = row.model_copy(update={"alpha_u": 1 - d_o / d_e if d_e > 0 else None})
                rows.append(row)
            if len(context.labels) > 1:
                row = _character_row(group, ALL_CODES, pair, pooled, None, options, draws)
                mean_o, mean_e = np.mean(disagreement, axis=0) if disagreement else (0.0, 0.0)
                aggregated = 1 - float(mean_o) / float(mean_e) if mean_e > 0 else None
                rows.append(row.model_copy(update={"alpha_u": aggregated}))
    return rows


def _doc_spans(
    layers: SpanLayers, mask: npt.NDArray[np.bool_], documents: npt.NDArray[np.int64]
) -> DocSpans:
    """(document index, start, end) of the masked spans; `documents` is sorted."""
    return (
        np.searchsorted(documents, layers.transcript[mask]),
        layers.start[mask],
        layers.end[mask],
    )


def _transcript_groups(context: Context, tids: list[int], by: str) -> list[tuple[str, list[int]]]:
    if by == "code":
        return [(OVERALL, tids)]
    groups: dict[str, list[int]] = defaultdict(list)
    for tid in tids:
        meta = context.transcripts[tid]
        key = meta.title if by == "transcript" else meta.department or "(no department)"
        groups[key].append(tid)
    return list(groups.items())


def _character_row(
    group: str,
    label: str,
    pair: tuple[str, str],
    results: list[CharacterAgreement],
    u: float | None,
    options: AgreementOptions,
    draws: npt.NDArray[np.float64] | None,
) -> AgreementRow:
    """One row from per-transcript results (every label's for the pooled row: result k
    belongs to transcript k mod the number of transcripts)."""
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
    n_units = both + a_only + b_only + neither
    intervals = {
        "percent_agreement": combined.percent_interval,
        "cohen_kappa": combined.kappa_interval,
    }
    return AgreementRow(
        group=group,
        code=label,
        coders=pair,
        n_units=n_units,
        both=both,
        a_only=a_only,
        b_only=b_only,
        neither=neither,
        split=a_only + b_only,
        percent_agreement=combined.percent_agreement,
        cohen_kappa=combined.kappa,
        u_alpha=u,
        prevalence=(n_units - neither) / n_units if n_units else None,
        intervals=intervals if draws is not None else {},
    )
