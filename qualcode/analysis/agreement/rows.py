"""Agreement rows per group and label: turn and sentence units (every coefficient from
unit-pattern counts) and NVivo-style character comparison per pair of coders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.character import (
    aggregate_tables,
    cell_agreement,
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
from qualcode.analysis.agreement.stacked import Stack
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
        conger_kappa=result.conger_kappa.value if result.conger_kappa else None,
        light_kappa=result.light_kappa.value if result.light_kappa else None,
        negative_agreement=result.specific_agreement[0].value,
        positive_agreement=result.specific_agreement[1].value,
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
        "conger_kappa": result.conger_kappa,
        "light_kappa": result.light_kappa,
        "negative_agreement": result.specific_agreement[0],
        "positive_agreement": result.specific_agreement[1],
    }
    return {
        name: (field.ci_low, field.ci_high) for name, field in fields.items() if field is not None
    }


def character_rows(
    context: Context,
    layers: SpanLayers,
    options: AgreementOptions,
    bootstrap: Bootstrap | None = None,
    memo: dict[tuple[object, ...], Any] | None = None,
) -> list[AgreementRow]:
    """NVivo-style rows per pair of coders, group and label, with the binary u-alpha and
    alpha-U; kappa across transcripts as `options.average` says (see
    `character.aggregate`). Every label's continuum at once (`stacked.Stack`); `memo`
    shares units and pair disagreements with `continuum.all_coders_table`."""
    n_labels = len(context.labels)
    rows: list[AgreementRow] = []
    if not n_labels:
        return rows
    for a, b in combinations(range(len(context.coders)), 2):
        pair = (context.coders[a], context.coders[b])
        for group, tids in _transcript_groups(context, layers.shared(a, b), options.by):
            documents = np.array(tids, dtype=np.int64)
            n_docs = len(tids)
            lengths = [context.transcripts[tid].length for tid in tids]
            stack = Stack.of(lengths, n_labels, documents, memo)
            doc = layers.doc_index(documents)
            merged = [stack.units(layers, coder, doc) for coder in (a, b)]
            tables = stack.cell_tables(*merged, exclude_uncoded=options.exclude_uncoded)
            percents, kappas = cell_agreement(tables)
            cell_lengths = np.tile(stack.lengths, n_labels)
            u = stack.binary_u(merged)
            alpha_u: list[float | None] = [None] * n_labels
            measured = None
            if stack.total:
                d_o, d_e = stack.alpha_u(merged, (a, b))
                pairs = zip(d_o.tolist(), d_e.tolist(), strict=True)
                alpha_u = [1 - o / e if e > 0 else None for o, e in pairs]
                mean_o, mean_e = np.mean(np.column_stack([d_o, d_e]), axis=0)
                measured = 1 - float(mean_o) / float(mean_e) if mean_e > 0 else None
            draws = (
                transcript_draws(n_docs, bootstrap.resamples, bootstrap.seed)
                if bootstrap is not None
                else None
            )
            drawn = _drawn_tables(tables, n_labels, n_docs, draws, options.average)
            for label, name in enumerate(context.labels):
                cells = slice(label * n_docs, (label + 1) * n_docs)
                part = (tables[cells], cell_lengths[cells], percents[cells], kappas[cells])
                mine = None if drawn is None else drawn[:, label]
                row = _character_row(group, name, pair, part, u[label], options, draws, mine)
                rows.append(row.model_copy(update={"alpha_u": alpha_u[label]}))
            if n_labels > 1:
                every = (tables, cell_lengths, percents, kappas)
                pooled = None if drawn is None else drawn.sum(axis=1)
                row = _character_row(group, ALL_CODES, pair, every, None, options, draws, pooled)
                rows.append(row.model_copy(update={"alpha_u": measured}))
    return rows


def _drawn_tables(
    tables: npt.NDArray[np.int64],
    n_labels: int,
    n_docs: int,
    draws: npt.NDArray[np.float64] | None,
    average: str,
) -> npt.NDArray[np.float64] | None:
    """Every label's bootstrap tables (resamples x labels x 4) in one product of the
    draws with the per-transcript tables, for the pooled average."""
    if draws is None or average != "pooled" or n_docs < 2:
        return None
    cube = tables.reshape(n_labels, n_docs, 4).transpose(1, 0, 2).reshape(n_docs, -1)
    product: npt.NDArray[np.float64] = (draws @ cube.astype(np.float64)).reshape(
        len(draws), n_labels, 4
    )
    return product


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
    cells: tuple[npt.NDArray, npt.NDArray, npt.NDArray, npt.NDArray],
    u: float | None,
    options: AgreementOptions,
    draws: npt.NDArray[np.float64] | None,
    drawn: npt.NDArray[np.float64] | None = None,
) -> AgreementRow:
    """One row from per-transcript cells (2 x 2 tables, lengths, percent agreement, kappa;
    every label's for the pooled row: cell k belongs to transcript k mod the number of
    transcripts)."""
    tables, lengths, percents, kappas = cells
    transcripts = len(draws[0]) if draws is not None else max(len(tables), 1)
    combined = aggregate_tables(
        tables,
        lengths,
        percents,
        kappas,
        options.average,
        empty_as_one=options.empty_as_one,
        clusters=np.arange(len(tables)) % transcripts,
        draws=draws,
        drawn_tables=drawn,
    )
    both, a_only, b_only, neither = (int(x) for x in tables.sum(axis=0).tolist())
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
