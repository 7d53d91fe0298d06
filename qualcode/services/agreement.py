"""Inter-coder agreement from the database: reliability data per code, group and unit.

Units: a turn (segment) or a sentence is coded with a code by a coder when any of the
coder's codings of that code lies in it (whole turn or span). A coder takes part in a
transcript when they have at least one coding in it; units of transcripts that fewer than
two of the compared coders took part in are left out, and a coder who did not take part
in a transcript gives missing values there (alpha, Fleiss and AC1 allow missing data).
Character level compares each pair of coders as NVivo does, and adds the binary unitizing
alpha per code and ATLAS.ti's cu-alpha and Cu-alpha. With `overlap`, MAXQDA's segment
matching is added. The statistics come from `qualcode.analysis.agreement`; this module only
turns codings into matrices and spans (a few grouped queries, then numpy).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

import qualcode
from qualcode.analysis.agreement import (
    CharacterAgreement,
    CodedSegment,
    Cu_alpha,
    Unit,
    aggregate_by_length,
    agreement_from_counts,
    binary_u_alpha,
    coefficients,
    cu_alpha,
    document_presence_counts,
    interpret_alpha,
    interpret_kappa,
    merge_span_arrays,
    segment_agreement,
)
from qualcode.analysis.agreement.definitions import BANDS
from qualcode.analysis.agreement.nominal import LEVELS, Level
from qualcode.analysis.agreement.presence import (
    PresencePatterns,
    pattern_coefficients,
    presence_patterns,
)
from qualcode.domain.agreement import (
    ALL_CODES,
    OVERALL,
    AgreementOptions,
    AgreementRow,
    CoderCoverage,
)
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import InputError, NotFoundError, QualcodeError
from qualcode.services.blind import visibility
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.store import agreement_queries as store
from qualcode.store import codes as code_store
from qualcode.store.models import Code

if TYPE_CHECKING:
    from spacy.language import Language

Span = tuple[int, int]


@dataclass(frozen=True)
class TranscriptMeta:
    id: int
    title: str
    department: str | None
    length: int
    language: str


@dataclass(frozen=True)
class Context:
    """Who and what is compared: coders, code labels (codes or concepts), transcripts."""

    coder_ids: tuple[int, ...]
    coders: tuple[str, ...]
    labels: tuple[str, ...]
    label_of: dict[int, int]  # code id -> index into labels
    code_key: dict[int, str]  # code id -> key, for every code of the codebook
    transcripts: dict[int, TranscriptMeta]
    # transcript id -> indices of the coders who coded in it, for transcripts with two or
    # more such coders; filled by the load_* functions from the codings they read.
    takers: dict[int, frozenset[int]]
    codebook: str
    codebook_version: str


@dataclass(frozen=True)
class TurnLayers:
    """Presence of every label in every unit for every coder (units x coders)."""

    segment_ids: npt.NDArray[np.int64]
    transcript_ids: npt.NDArray[np.int64]
    present: npt.NDArray[np.bool_]  # labels x units x coders
    covered: npt.NDArray[np.bool_]  # units x coders


def load_context(session: Session, options: AgreementOptions) -> Context:
    """Resolve coders, codes and transcripts; raises a clear error for unknown names."""
    book = active_codebook(session)
    coder_rows = store.coders(session)
    humans = [(cid, name) for cid, name, _, consensus in coder_rows if not consensus]
    by_name = {name: cid for cid, name, _, _ in coder_rows}
    if options.coders:
        missing = [name for name in options.coders if name not in by_name]
        if missing:
            raise NotFoundError(
                f"No coder {', '.join(missing)}; coders are {', '.join(sorted(by_name))}."
            )
        chosen = [(by_name[name], name) for name in dict.fromkeys(options.coders)]
    else:
        coded = set(store.coders_with_codings(session))
        chosen = [(cid, name) for cid, name in humans if cid in coded]
    if len(chosen) < 2:
        raise QualcodeError(
            "Agreement needs at least two coders who have coded; name them with --coders."
        )
    coder_ids = tuple(cid for cid, _ in chosen)
    codes = code_store.codes_of(session, book.id)
    code_key = {code.id: code.key for code in codes}
    label_of_key = {
        code.key: code.key.split(".", 1)[0] if options.concepts else code.key for code in codes
    }
    labels = _labels(session, options, codes, label_of_key, coder_ids)
    index = {label: i for i, label in enumerate(labels)}
    label_of = {
        code.id: index[label_of_key[code.key]] for code in codes if label_of_key[code.key] in index
    }
    transcripts = {
        tid: TranscriptMeta(tid, title, department, length or 0, language)
        for tid, title, department, length, language in store.transcripts(session)
    }
    return Context(
        coder_ids=coder_ids,
        coders=tuple(name for _, name in chosen),
        labels=labels,
        label_of=label_of,
        code_key=code_key,
        transcripts=transcripts,
        takers={},
        codebook=book.name,
        codebook_version=str(book.version),
    )


def _labels(
    session: Session,
    options: AgreementOptions,
    codes: list[Code],
    label_of_key: dict[str, str],
    coder_ids: tuple[int, ...],
) -> tuple[str, ...]:
    """The requested codes (or concepts), else those a compared coder used; codebook order."""
    ordered = list(dict.fromkeys(label_of_key[code.key] for code in codes))
    if options.codes:
        unknown = [key for key in options.codes if key not in ordered]
        if unknown:
            kind = "concept" if options.concepts else "code"
            raise NotFoundError(
                f"No {kind} {', '.join(unknown)} in the codebook; see `qualcode codebook show`."
            )
        return tuple(key for key in ordered if key in options.codes)
    used: set[str] = set()
    for coder_id in coder_ids:
        counts = code_store.coding_counts(session, codes[0].codebook_id, coder_id) if codes else {}
        used |= {label_of_key[code.key] for code in codes if counts.get(code.id)}
    return tuple(label for label in ordered if label in used)


def load_turns(session: Session, context: Context) -> TurnLayers:
    """Turn-level presence arrays: two plain selects (segments, codings), then numpy."""
    segments = _int_array(store.all_segments(session), 4)  # id, transcript, start, end
    found = _int_array(store.turn_presence(session, context.coder_ids), 3)  # segment, code, coder
    order = np.argsort(segments[:, 0])
    at = np.searchsorted(segments[order, 0], found[:, 0]).clip(max=max(len(segments) - 1, 0))
    row = order[at] if len(segments) else at
    valid = segments[row, 0] == found[:, 0] if len(segments) else at < 0
    found, row = found[valid], row[valid]
    coder = _coder_column(context, found[:, 2])
    _fill_takers(context, coder, segments[row, 1])
    kept = np.isin(segments[:, 1], list(context.takers))
    position = np.cumsum(kept) - 1  # a kept segment's index among the units
    units = segments[kept]
    covered = _covered(context, units[:, 1])
    present = np.zeros((len(context.labels), len(units), len(context.coders)), dtype=bool)
    label = _label_column(context, found[:, 1])
    use = kept[row] & (label >= 0)
    present[label[use], position[row[use]], coder[use]] = True
    return TurnLayers(units[:, 0], units[:, 1], present & covered[None], covered)


def _int_array(rows: Sequence[Iterable[int]], width: int) -> npt.NDArray[np.int64]:
    # np.array over SQLAlchemy rows is very slow; a flat iterator is not.
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(-1, width)


def _fill_takers(
    context: Context, coders: npt.NDArray[np.int64], transcripts: npt.NDArray[np.int64]
) -> None:
    m = len(context.coders)
    who: dict[int, set[int]] = defaultdict(set)
    for key in np.unique(transcripts * m + coders).tolist():
        who[key // m].add(key % m)
    context.takers.clear()
    context.takers.update({tid: frozenset(c) for tid, c in who.items() if len(c) >= 2})


def _covered(context: Context, transcript_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Units x coders: did the coder take part in the unit's transcript."""
    tids = np.array(sorted(context.takers), dtype=np.int64)
    table = np.zeros((len(tids) + 1, len(context.coders)), dtype=bool)
    for row, tid in enumerate(tids.tolist()):
        table[row, list(context.takers[tid])] = True
    at = np.searchsorted(tids, transcript_ids)
    return table[np.where(tids[at.clip(max=len(tids) - 1)] == transcript_ids, at, len(tids))]


def _label_column(context: Context, code_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Label index of each code id, -1 for codes not compared."""
    ids = np.array(sorted(context.label_of), dtype=np.int64)
    labels = np.array([context.label_of[i] for i in ids.tolist()], dtype=np.int64)
    if not len(ids):
        return np.full(len(code_ids), -1)
    at = np.searchsorted(ids, code_ids).clip(max=len(ids) - 1)
    return np.where(ids[at] == code_ids, labels[at], -1)


def _coder_column(context: Context, coder_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    ids = np.array(context.coder_ids, dtype=np.int64)
    order = np.argsort(ids)
    return order[np.searchsorted(ids[order], coder_ids)]


def load_sentences(session: Session, context: Context) -> TurnLayers:
    """Sentence-level presence: a coding marks every sentence its span overlaps.

    `segment_ids` then holds the segment of each sentence.
    """
    spans = store.coding_spans(session, context.coder_ids)
    _fill_takers(
        context,
        _coder_column(context, np.array([row[3] for row in spans], dtype=np.int64)),
        np.array([row[0] for row in spans], dtype=np.int64),
    )
    segments = store.segments_of(session, context.takers)
    texts = store.transcript_texts(session, context.takers)
    bounds: list[tuple[int, int, int, int]] = []  # transcript, start, end, segment
    by_language: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for segment in segments:
        by_language[context.transcripts[segment[1]].language].append(segment)
    for language, group in by_language.items():
        pieces = [texts[tid][start:end] for _, tid, start, end in group]
        for (sid, tid, start, end), starts in zip(
            group, _sentence_starts(language, pieces), strict=True
        ):
            cuts = [start + offset for offset in starts if offset > 0]
            for begin, finish in zip([start, *cuts], [*cuts, end], strict=True):
                bounds.append((tid, begin, finish, sid))
    bounds.sort()
    table = np.array(bounds, dtype=np.int64).reshape(-1, 4)
    m = len(context.coders)
    present = np.zeros((len(context.labels), len(table), m), dtype=bool)
    first_of = {tid: i for i, tid in reversed(list(enumerate(table[:, 0].tolist())))}
    for tid, _, code_id, coder_id, start, end in spans:
        label = context.label_of.get(code_id)
        if label is None or tid not in context.takers:
            continue
        coder = context.coder_ids.index(coder_id)
        i = first_of[tid]
        while i < len(table) and table[i, 0] == tid and table[i, 1] < end:
            if table[i, 2] > start:
                present[label, i, coder] = True
            i += 1
    covered = _covered(context, table[:, 0])
    return TurnLayers(table[:, 3], table[:, 0], present & covered[None], covered)


def _sentence_starts(language: str, texts: list[str]) -> list[list[int]]:
    nlp = _sentencizer(language)
    nlp.max_length = max([nlp.max_length, *(len(text) + 1 for text in texts)])
    # Whitespace the sentencizer splits off (a turn's trailing newline) joins the sentence before.
    return [
        [sentence.start_char for sentence in doc.sents if sentence.text.strip()]
        for doc in nlp.pipe(texts)
    ]


@cache
def _sentencizer(language: str) -> Language:
    # spaCy's rule-based sentencizer, as the importer's segmenter; imported lazily (slow).
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


# ---------------------------------------------------------------- turn and sentence rows
def nominal_rows(context: Context, layers: TurnLayers, by: str) -> list[AgreementRow]:
    """Per group, one row per label and one for all labels pooled (units x labels)."""
    rows = []
    for group, mask in _groups(context, layers.transcript_ids, by):
        covered = layers.covered[mask]
        pooled = None
        for index, label in enumerate(context.labels):
            patterns = presence_patterns(layers.present[index][mask], covered)
            pooled = patterns if pooled is None else pooled + patterns
            rows.append(_nominal_row(context, group, label, patterns))
        if pooled is not None and len(context.labels) > 1:
            rows.append(_nominal_row(context, group, ALL_CODES, pooled))
    return rows


def _groups(
    context: Context, transcript_ids: npt.NDArray[np.int64], by: str
) -> list[tuple[str, npt.NDArray[np.bool_]]]:
    if by == "code":
        return [(OVERALL, np.ones(len(transcript_ids), dtype=bool))]
    names: dict[str, list[int]] = defaultdict(list)
    for tid in sorted(context.takers):
        meta = context.transcripts[tid]
        key = meta.title if by == "transcript" else meta.department or "(no department)"
        names[key].append(tid)
    return [(name, np.isin(transcript_ids, tids)) for name, tids in names.items()]


def _nominal_row(
    context: Context, group: str, label: str, patterns: PresencePatterns
) -> AgreementRow:
    """Coefficients and the four counts (units with two or more coders) of one label."""
    w = patterns.weights
    m = patterns.n_coders
    pairable = w[2:]
    both = int(sum(w[r, r] for r in range(2, m + 1)))
    neither = int(pairable[:, 0].sum())
    split = int(pairable.sum()) - both - neither
    two = m == 2
    result = pattern_coefficients(patterns)
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
    )


# ---------------------------------------------------------------- character level
@dataclass(frozen=True)
class SpanLayers:
    """Every coding of the compared codes as parallel arrays, in transcript offsets
    (whole-turn codings carry their segment's bounds)."""

    transcript: npt.NDArray[np.int64]
    label: npt.NDArray[np.int64]
    coder: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]

    def pick(
        self, coder: int, tids: npt.NDArray[np.int64], labels: Sequence[int] | None = None
    ) -> npt.NDArray[np.bool_]:
        """Mask of one coder's spans in the transcripts (of the labels, if given)."""
        mask: npt.NDArray[np.bool_] = (self.coder == coder) & np.isin(self.transcript, tids)
        return mask & np.isin(self.label, labels) if labels is not None else mask


def load_spans(session: Session, context: Context) -> SpanLayers:
    rows = _int_array(store.coding_spans(session, context.coder_ids), 6)
    coder = _coder_column(context, rows[:, 3])
    _fill_takers(context, coder, rows[:, 0])
    label = _label_column(context, rows[:, 2])
    keep = (label >= 0) & np.isin(rows[:, 0], list(context.takers))
    rows = rows[keep]
    return SpanLayers(rows[:, 0], label[keep], coder[keep], rows[:, 4], rows[:, 5])


def _shared(context: Context, a: int, b: int) -> list[int]:
    return [tid for tid, who in sorted(context.takers.items()) if {a, b} <= who]


def character_rows(
    context: Context, layers: SpanLayers, by: str, *, exclude_uncoded: bool = False
) -> list[AgreementRow]:
    """NVivo-style rows per pair of coders, group and label, with the binary u-alpha."""
    rows = []
    for a, b in combinations(range(len(context.coders)), 2):
        pair = (context.coders[a], context.coders[b])
        for group, tids in _transcript_groups(context, _shared(context, a, b), by):
            documents = np.array(tids, dtype=np.int64)
            lengths = [context.transcripts[tid].length for tid in tids]
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
            mine = [layers.pick(coder, documents) for coder in (a, b)]
            pooled: list[CharacterAgreement] = []
            for label, name in enumerate(context.labels):
                spans = [_doc_spans(layers, m & (layers.label == label), documents) for m in mine]
                counts = document_presence_counts(lengths, spans[0], spans[1])
                results = [
                    agreement_from_counts(n, c, exclude_uncoded=exclude_uncoded)
                    for n, c in zip(lengths, counts, strict=True)
                ]
                pooled += results
                u = _binary_u(spans, offsets, int(sum(lengths)))
                rows.append(_character_row(group, name, pair, results, u))
            if len(context.labels) > 1:
                rows.append(_character_row(group, ALL_CODES, pair, pooled, None))
    return rows


DocSpans = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]


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


def _binary_u(spans: list[DocSpans], offsets: npt.NDArray[np.int64], total: int) -> float | None:
    """|u-alpha of one code over the transcripts laid end to end."""
    if total == 0:
        return None
    units = []
    for docs, start, end in spans:
        merged_start, merged_end = merge_span_arrays(offsets[docs] + start, offsets[docs] + end)
        units.append(
            [
                Unit(s, e, "coded")
                for s, e in zip(merged_start.tolist(), merged_end.tolist(), strict=True)
            ]
        )
    return binary_u_alpha(total, units)


def _character_row(
    group: str,
    label: str,
    pair: tuple[str, str],
    results: list[CharacterAgreement],
    u: float | None,
) -> AgreementRow:
    weighted = aggregate_by_length(results)
    both = sum(r.counts.both for r in results)
    a_only = sum(r.counts.a_only for r in results)
    b_only = sum(r.counts.b_only for r in results)
    neither = sum(r.counts.neither for r in results)
    return AgreementRow(
        group=group,
        code=label,
        coders=pair,
        n_units=both + a_only + b_only + neither,
        both=both,
        a_only=a_only,
        b_only=b_only,
        neither=neither,
        split=a_only + b_only,
        percent_agreement=weighted.percent_agreement,
        cohen_kappa=weighted.kappa,
        u_alpha=u,
    )


EXCLUSIVE_NOTE = (
    "Empty where a coder's layer has overlapping codes of different values: cu-alpha and "
    "Cu-alpha need mutually exclusive values (Krippendorff et al. 2016); compare such codes "
    "one at a time (|u-alpha per code)."
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
        tids = _shared(context, a, b)
        documents = np.array(tids, dtype=np.int64)
        lengths = [context.transcripts[tid].length for tid in tids]
        total = int(sum(lengths))
        if total == 0:
            continue
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        pair = f"{context.coders[a]}/{context.coders[b]}"
        continuum = (documents, offsets, total)
        for number, concept in enumerate(concepts):
            members = [i for i, c in enumerate(concept_index.tolist()) if c == number]
            value = _unitized(context, layers, (a, b), continuum, members, notes)
            rows.append([pair, concept, "cu-alpha", value, interpret_alpha(value)])
        everything = list(range(len(context.labels)))
        value = _unitized(
            context, layers, (a, b), continuum, everything, notes, domains=concept_index
        )
        rows.append([pair, ALL_CODES, "Cu-alpha", value, interpret_alpha(value)])
    return ResultTable(
        title="Unitizing agreement (ATLAS.ti cu-alpha and Cu-alpha)",
        columns=["coders", "concept", "coefficient", "value", "band"],
        rows=rows,
        notes=sorted(notes),
    )


def _unitized(
    context: Context,
    layers: SpanLayers,
    coders: tuple[int, int],
    continuum: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int],
    labels: list[int],
    notes: set[str],
    *,
    domains: npt.NDArray[np.int64] | None = None,
) -> float | None:
    """cu-alpha over `labels` (with `domains`: Cu-alpha, each label's domain its value);
    None with a note when a layer has overlapping units of different values."""
    documents, offsets, total = continuum
    layer_units = []
    for coder in coders:
        mask = layers.pick(coder, documents, labels)
        docs = np.searchsorted(documents, layers.transcript[mask])
        start, end = offsets[docs] + layers.start[mask], offsets[docs] + layers.end[mask]
        label = layers.label[mask]
        if not _exclusive(start, end, label if domains is None else domains[label]):
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
        return cu_alpha(total, layer_units)
    concepts = [label.split(".", 1)[0] for label in context.labels]
    domain_of = {context.labels[k]: concepts[k] for k in labels}
    return Cu_alpha(total, layer_units, domain_of)


def _exclusive(
    start: npt.NDArray[np.int64], end: npt.NDArray[np.int64], value: npt.NDArray[np.int64]
) -> bool:
    """True when no two spans of different values overlap (spans of one value may: they
    merge), the condition of `unitized._merged`, checked without building units."""
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


def segment_table(context: Context, layers: SpanLayers, overlap: float) -> ResultTable:
    """MAXQDA-style segment matching per pair of coders with a minimum overlap."""
    rows: list[list[str | int | float | None]] = []
    notes = []
    for a, b in combinations(range(len(context.coders)), 2):
        tids = _shared(context, a, b)
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


# ---------------------------------------------------------------- public use cases
def agreement_rows(
    project: Project, options: AgreementOptions, *, actor: str | None = None
) -> list[AgreementRow]:
    """The coefficients as rows (the TUI's per-code table uses `by="code"`)."""

    def work(session: Session) -> list[AgreementRow]:
        visibility(session, actor).require_every_layer("agreement between coders")
        return _rows(session, load_context(session, options), options)

    return project.read(work)


def _rows(
    session: Session,
    context: Context,
    options: AgreementOptions,
    spans: SpanLayers | None = None,
) -> list[AgreementRow]:
    if options.unit == "character":
        spans = spans or load_spans(session, context)
        return character_rows(context, spans, options.by, exclude_uncoded=options.exclude_uncoded)
    layers = (
        load_sentences(session, context)
        if options.unit == "sentence"
        else load_turns(session, context)
    )
    return nominal_rows(context, layers, options.by)


def agreement(
    project: Project, options: AgreementOptions, *, actor: str | None = None
) -> ResultSet:
    """Agreement tables for `qualcode agree`: coefficients, plus unitizing alphas at
    character level and segment matching when `options.overlap` is set."""
    if options.overlap is not None and not 0 < options.overlap <= 1:
        raise QualcodeError(f"--overlap must lie in (0, 1], got {options.overlap}; try 0.9.")

    def work(session: Session) -> ResultSet:
        visibility(session, actor).require_every_layer("agreement between coders")
        context = load_context(session, options)
        spans = None
        if options.unit == "character" or options.overlap is not None:
            spans = load_spans(session, context)
        tables = [rows_table(_rows(session, context, options, spans), options)]
        if spans is not None and options.unit == "character" and not options.concepts:
            tables.append(unitizing_table(context, spans))
        if spans is not None and options.overlap is not None:
            tables.append(segment_table(context, spans, options.overlap))
        return describe(context, tables, options)

    return project.read(work)


def describe(context: Context, tables: list[ResultTable], options: AgreementOptions) -> ResultSet:
    filters: dict[str, str] = {"unit": options.unit, "by": options.by}
    if options.codes:
        filters["codes"] = ", ".join(options.codes)
    if options.concepts:
        filters["codes"] = "rolled up to concepts"
    if options.exclude_uncoded:
        filters["uncoded text"] = "excluded"
    return ResultSet.describe(
        tables,
        codebook=context.codebook,
        codebook_version=context.codebook_version,
        coder_layer=", ".join(context.coders),
        qualcode_version=qualcode.__version__,
        filters=filters,
    )


def rows_table(rows: list[AgreementRow], options: AgreementOptions) -> ResultTable:
    """Rows as a table: the four counts, the coefficients, alpha's band, the units behind."""
    character = options.unit == "character"
    coders = rows[0].coders if rows else ()
    two = len(coders) == 2 or character
    group = [] if options.by == "code" else [options.by]
    counts = ["both", "A only", "B only", "neither"] if two else ["all", "some", "none"]
    if character:
        columns = [
            *group,
            "coders",
            "code",
            "characters",
            *counts,
            "percent agreement",
            "kappa",
            "|u-alpha",
            "band",
        ]
    else:
        kappa = ["Cohen's kappa"] if two else []
        columns = [
            *group,
            "code",
            "units",
            *counts,
            "percent agreement",
            *kappa,
            "Fleiss' kappa",
            "Krippendorff's alpha",
            "band",
            "Brennan-Prediger",
            "Gwet's AC1",
        ]
    table_rows = []
    for row in rows:
        cells: list[str | int | float | None] = [row.group] if group else []
        if character:
            cells += ["/".join(row.coders)]
        cells += [row.code, row.n_units]
        cells += (
            [row.both, row.a_only, row.b_only, row.neither]
            if two
            else [row.both, row.split, row.neither]
        )
        if character:
            cells += [
                row.percent_agreement,
                row.cohen_kappa,
                row.u_alpha,
                "" if row.code == ALL_CODES else interpret_alpha(row.u_alpha),
            ]
        else:
            cells += [
                row.percent_agreement,
                *([row.cohen_kappa] if two else []),
                row.fleiss_kappa,
                row.krippendorff_alpha,
                interpret_alpha(row.krippendorff_alpha),
                row.brennan_prediger,
                row.gwet_ac1,
            ]
        table_rows.append(cells)
    unit = {"turn": "turns", "sentence": "sentences", "character": "characters"}[options.unit]
    notes = [
        f"Coders: {', '.join(coders) if not character else 'each pair'}; units: {unit}; "
        "empty cells are undefined (for instance a code nobody used).",
        *BANDS,
    ]
    if two and coders and not character:
        notes.insert(1, f"A = {coders[0]}, B = {coders[1]}.")
    if character:
        notes.insert(
            1,
            "A and B are the first and second coder of each pair; percent "
            "agreement and kappa are averaged over transcripts weighted by length.",
        )
    return ResultTable(
        title=f"Agreement per {options.by} ({options.unit} level)",
        columns=columns,
        rows=table_rows,
        notes=notes,
    )


def coverage(project: Project, coders: tuple[str, ...] | None = None) -> list[CoderCoverage]:
    """Per coder: transcripts coded, turns coded out of the turns of those transcripts."""

    def work(session: Session) -> list[CoderCoverage]:
        rows = store.coverage(session, [cid for cid, *_ in store.coders(session)])
        names = {cid: name for cid, name, _, consensus in store.coders(session)}
        turns: defaultdict[int, int] = defaultdict(int)
        for _, tid, _, _ in store.segments_of(session, {tid for _, tid, _, _ in rows}):
            turns[tid] += 1
        result = []
        for cid, name in names.items():
            mine = [row for row in rows if row[0] == cid]
            if not mine or (coders and name not in coders):
                continue
            result.append(
                CoderCoverage(
                    coder=name,
                    transcripts=len(mine),
                    turns_coded=sum(row[2] for row in mine),
                    codings=sum(row[3] for row in mine),
                    turns_in_coded_transcripts=sum(turns[row[1]] for row in mine),
                )
            )
        return result

    return project.read(work)


def read_matrix(path: Path, level: Level) -> tuple[list[str], npt.NDArray[np.float64]]:
    """A reliability-data CSV: rows are units, columns coders, empty cells missing.

    The first row names the coders when all its cells are text that does not recur below
    (so nominal data may be labels such as "yes"/"no"; each distinct label is a category).
    Other levels need numbers.
    """
    if level not in LEVELS:
        raise QualcodeError(f"Unknown level '{level}'; use one of {', '.join(LEVELS)}.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot be read as a UTF-8 CSV file ({error}).") from error
    numbered = [(n, row) for n, row in enumerate(records, start=1) if any(row)]
    if not numbered:
        raise InputError(
            str(path), "is empty.", hint="Give one row per unit, one column per coder."
        )
    first = numbered[0][1]
    below = {cell for _, row in numbered[1:] for cell in row}
    if all(cell and not _is_number(cell) for cell in first) and not below & set(first):
        header, numbered = first, numbered[1:]
    else:
        header = [f"coder {i + 1}" for i in range(len(first))]
    texts = sorted({cell for _, row in numbered for cell in row if cell and not _is_number(cell)})
    if texts and level != "nominal":
        raise InputError(
            str(path),
            f"has non-numeric values such as '{texts[0]}'.",
            hint=f"{level.capitalize()} data must be numbers.",
        )
    labels = {text: float(i) for i, text in enumerate(texts)}
    values = np.full((len(numbered), len(header)), np.nan)
    for unit, (line, row) in enumerate(numbered):
        if len(row) > len(header):
            raise InputError(
                str(path),
                f"has {len(row)} cells where the first row has {len(header)}.",
                line=line,
                hint="Give every unit one cell per coder (empty = missing).",
            )
        for column, cell in enumerate(row):
            if cell:
                values[unit, column] = labels[cell] if cell in labels else float(cell)
    return header, values


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def matrix_agreement(path: Path, level: Level = "nominal") -> ResultSet:
    """All coefficients that apply to a reliability-data matrix from a CSV file."""
    coders, matrix = read_matrix(path, level)
    result = coefficients(matrix, level=level)
    alpha = result.krippendorff_alpha.value
    rows: list[list[str | int | float | None]] = [
        ["percent agreement", result.percent_agreement.value, "", result.n_units],
        [f"Krippendorff's alpha ({level})", alpha, interpret_alpha(alpha), result.n_units],
    ]
    for name, value in (
        ("Cohen's kappa", result.cohen_kappa),
        ("Fleiss' kappa", result.fleiss_kappa),
        ("Brennan-Prediger", result.brennan_prediger),
        ("Gwet's AC1", result.gwet_ac1),
    ):
        if value is not None:
            rows.append([name, value.value, interpret_kappa(value.value), value.n_units])
    table = ResultTable(
        title=f"Agreement of {path.name}",
        columns=["coefficient", "value", "band", "units"],
        rows=rows,
        notes=[
            f"{len(matrix)} units x {len(coders)} coders ({', '.join(coders)}); units "
            "with fewer than two values are not pairable.",
            *BANDS,
        ],
    )
    return ResultSet.describe(
        [table],
        codebook="(none: reliability data from a file)",
        codebook_version="-",
        coder_layer=", ".join(coders),
        qualcode_version=qualcode.__version__,
        filters={"file": path.name, "level": level},
    )
