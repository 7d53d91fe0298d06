"""Codings laid out as arrays: which coder marked which label in which unit (turn, sentence,
character span), and which coders take part in each transcript.

A coder *takes part* in a transcript when it is in their coded scope (the scope rule of
`qualcode.domain.scope`): they have at least one coding in it or marked it done. Only
transcripts with two or more such coders are compared, and a coder who did not take part
in a transcript gives missing values there. The takers are derived from the codings read
and returned with the layers (never stored on the `Context`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

Takers = Mapping[int, frozenset[int]]
"""Transcript id -> indices of the coders who coded in it (two or more)."""


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
    label_of: Mapping[int, int]  # code id -> index into labels
    code_key: Mapping[int, str]  # code id -> key, for every code of the codebook
    transcripts: Mapping[int, TranscriptMeta]
    codebook: str
    codebook_version: str


@dataclass(frozen=True)
class TurnLayers:
    """Presence of every label in every unit for every coder (units x coders)."""

    segment_ids: npt.NDArray[np.int64]
    transcript_ids: npt.NDArray[np.int64]
    present: npt.NDArray[np.bool_]  # labels x units x coders
    covered: npt.NDArray[np.bool_]  # units x coders
    takers: Takers

    def disagreements(self, transcript_id: int | None = None) -> list[tuple[int, int]]:
        """(label, unit) where some but not all of the coders covering the unit applied the
        label (in the transcript, if given), by label then unit."""
        n_covered = self.covered.sum(axis=1)
        n_present = self.present.sum(axis=2)
        split = (n_present > 0) & (n_present < n_covered[None])
        if transcript_id is not None:
            split &= (self.transcript_ids == transcript_id)[None]
        labels, units = np.nonzero(split)
        return list(zip(labels.tolist(), units.tolist(), strict=True))


@dataclass(frozen=True)
class SpanLayers:
    """Every coding of the compared codes as parallel arrays, in transcript offsets
    (whole-turn codings carry their segment's bounds)."""

    transcript: npt.NDArray[np.int64]
    label: npt.NDArray[np.int64]
    coder: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    takers: Takers

    def pick(
        self, coder: int, tids: npt.NDArray[np.int64], labels: Sequence[int] | None = None
    ) -> npt.NDArray[np.bool_]:
        """Mask of one coder's spans in the transcripts (of the labels, if given)."""
        mask: npt.NDArray[np.bool_] = (self.coder == coder) & (self.doc_index(tids) >= 0)
        if labels is None:
            return mask
        chosen = np.zeros(int(self.label.max(initial=-1)) + 1, dtype=bool)
        wanted = np.asarray(labels, dtype=np.int64)
        chosen[wanted[(wanted >= 0) & (wanted < len(chosen))]] = True
        return mask & chosen[self.label]

    def doc_index(self, documents: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Each span's index into the sorted transcript ids `documents`, -1 for spans in
        other transcripts (a lookup table: no sort per call)."""
        documents = np.asarray(documents, dtype=np.int64)
        top = max(int(self.transcript.max(initial=0)), int(np.max(documents, initial=0))) + 1
        where = np.full(top, -1, dtype=np.int64)
        where[documents] = np.arange(len(documents), dtype=np.int64)
        return where[self.transcript]

    def shared(self, a: int, b: int) -> list[int]:
        """The transcripts both coders `a` and `b` took part in, sorted."""
        return [tid for tid, who in sorted(self.takers.items()) if {a, b} <= who]


def int_array(rows: Sequence[Sequence[int]], width: int) -> npt.NDArray[np.int64]:
    """Rows of `width` integers as an array (np.array over SQLAlchemy rows is very slow)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(-1, width)


def takers_of(
    n_coders: int,
    coders: npt.NDArray[np.int64],
    transcripts: npt.NDArray[np.int64],
    done: Mapping[int, Iterable[int]] | None = None,
) -> dict[int, frozenset[int]]:
    """Transcripts in the coded scope of two or more coders (they coded in it, or marked it
    done: `done` maps a transcript to coder indices), each with those coders' indices."""
    who: dict[int, set[int]] = defaultdict(set)
    for key in np.unique(transcripts * n_coders + coders).tolist():
        who[key // n_coders].add(key % n_coders)
    for tid, marked in (done or {}).items():
        who[tid].update(marked)
    return {tid: frozenset(c) for tid, c in who.items() if len(c) >= 2}


def covered(
    takers: Takers, n_coders: int, transcript_ids: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Units x coders: did the coder take part in the unit's transcript."""
    tids = np.array(sorted(takers), dtype=np.int64)
    table = np.zeros((len(tids) + 1, n_coders), dtype=bool)
    for row, tid in enumerate(tids.tolist()):
        table[row, list(takers[tid])] = True
    at = np.searchsorted(tids, transcript_ids)
    return table[np.where(tids[at.clip(max=len(tids) - 1)] == transcript_ids, at, len(tids))]


def label_column(context: Context, code_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Label index of each code id, -1 for codes not compared."""
    ids = np.array(sorted(context.label_of), dtype=np.int64)
    labels = np.array([context.label_of[i] for i in ids.tolist()], dtype=np.int64)
    if not len(ids):
        return np.full(len(code_ids), -1)
    at = np.searchsorted(ids, code_ids).clip(max=len(ids) - 1)
    return np.where(ids[at] == code_ids, labels[at], -1)


def coder_column(context: Context, coder_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Index into `context.coders` of each coder id."""
    ids = np.array(context.coder_ids, dtype=np.int64)
    order = np.argsort(ids)
    return order[np.searchsorted(ids[order], coder_ids)]


def turn_layers(
    context: Context,
    segments: npt.NDArray[np.int64],
    found: npt.NDArray[np.int64],
    excluded: npt.ArrayLike = (),
    done: Mapping[int, Iterable[int]] | None = None,
) -> TurnLayers:
    """Turn-level presence from (id, transcript, start, end) segment rows and
    (segment, code, coder) presence rows; the `excluded` segments (moderators' turns) are no
    units, though codings on them still make a coder take part in the transcript."""
    order = np.argsort(segments[:, 0])
    at = np.searchsorted(segments[order, 0], found[:, 0]).clip(max=max(len(segments) - 1, 0))
    row = order[at] if len(segments) else at
    valid = segments[row, 0] == found[:, 0] if len(segments) else at < 0
    found, row = found[valid], row[valid]
    coder = coder_column(context, found[:, 2])
    m = len(context.coders)
    takers = takers_of(m, coder, segments[row, 1], done)
    kept = np.isin(segments[:, 1], list(takers)) & ~np.isin(segments[:, 0], excluded)
    position = np.cumsum(kept) - 1  # a kept segment's index among the units
    units = segments[kept]
    cover = covered(takers, m, units[:, 1])
    present = np.zeros((len(context.labels), len(units), m), dtype=bool)
    label = label_column(context, found[:, 1])
    use = kept[row] & (label >= 0)
    present[label[use], position[row[use]], coder[use]] = True
    return TurnLayers(units[:, 0], units[:, 1], present & cover[None], cover, takers)


def span_rows(
    whole: npt.NDArray[np.int64], spans: npt.NDArray[np.int64], segments: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """(transcript, segment, code, coder, start, end) coding rows for `span_layers` from
    whole-turn codings (segment, code, coder), which take their segment's bounds, span
    codings (segment, code, coder, start, end) and (id, transcript, start, end) segments;
    codings of unknown segments are dropped (as an inner join would)."""
    codings = np.vstack([np.column_stack([whole, np.full((len(whole), 2), -1)]), spans])
    codings = codings.reshape(-1, 5).astype(np.int64)
    order = np.argsort(segments[:, 0], kind="stable")
    ids = segments[order, 0]
    at = np.searchsorted(ids, codings[:, 0]).clip(max=max(len(ids) - 1, 0))
    found = ids[at] == codings[:, 0] if len(ids) else np.zeros(len(codings), dtype=bool)
    codings, segment = codings[found], segments[order[at[found]]]
    start = np.where(codings[:, 3] < 0, segment[:, 2], codings[:, 3])
    end = np.where(codings[:, 4] < 0, segment[:, 3], codings[:, 4])
    rows: npt.NDArray[np.int64] = np.column_stack([segment[:, 1], codings[:, :3], start, end])
    return rows.reshape(-1, 6)


def span_layers(
    context: Context,
    rows: npt.NDArray[np.int64],
    done: Mapping[int, Iterable[int]] | None = None,
) -> SpanLayers:
    """Span layers from (transcript, segment, code, coder, start, end) coding rows."""
    coder = coder_column(context, rows[:, 3])
    takers = takers_of(len(context.coders), coder, rows[:, 0], done)
    label = label_column(context, rows[:, 2])
    keep = (label >= 0) & np.isin(rows[:, 0], list(takers))
    rows = rows[keep]
    return SpanLayers(rows[:, 0], label[keep], coder[keep], rows[:, 4], rows[:, 5], takers)


def sentence_layers(
    context: Context,
    spans: SpanLayers,
    sentences: npt.NDArray[np.int64],
    excluded: npt.ArrayLike = (),
) -> TurnLayers:
    """Sentence-level presence: a coding marks every sentence its span overlaps.

    `sentences` holds (transcript, start, end, segment) rows sorted by transcript and start;
    `segment_ids` of the result then holds the segment of each sentence. Sentences of the
    `excluded` segments (moderators' turns) are no units.
    """
    sentences = sentences[~np.isin(sentences[:, 3], excluded)]
    m = len(context.coders)
    present = np.zeros((len(context.labels), len(sentences), m), dtype=bool)
    first_of = {tid: i for i, tid in reversed(list(enumerate(sentences[:, 0].tolist())))}
    for tid, label, coder, start, end in zip(
        spans.transcript.tolist(),
        spans.label.tolist(),
        spans.coder.tolist(),
        spans.start.tolist(),
        spans.end.tolist(),
        strict=True,
    ):
        i = first_of.get(tid, len(sentences))
        while i < len(sentences) and sentences[i, 0] == tid and sentences[i, 1] < end:
            if sentences[i, 2] > start:
                present[label, i, coder] = True
            i += 1
    cover = covered(spans.takers, m, sentences[:, 0])
    return TurnLayers(sentences[:, 3], sentences[:, 0], present & cover[None], cover, spans.takers)


def ordinal_values(layers: TurnLayers) -> tuple[npt.NDArray[np.float64], int]:
    """Units x coders rating matrix from presence layers whose labels are ordered levels
    (label k is value k + 1): NaN where a coder applied no level, or did not take part, or
    applied two or more levels to the unit; returns the matrix and how many (unit, coder)
    cells had two or more levels."""
    present = layers.present & layers.covered[None]
    count = present.sum(axis=0)  # units x coders
    value = np.argmax(present, axis=0).astype(np.float64) + 1
    value[count != 1] = np.nan
    return value, int(np.count_nonzero(count > 1))
