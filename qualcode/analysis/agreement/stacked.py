"""Every code's continuum at once: the character-level kernels of `character`, `unitized`
and `alpha_u` over many codes in one pass of numpy, for `qualcode agree --unit character`.

The compared transcripts are laid end to end into one continuum of `total` characters (as
the per-code functions do), and the codes' continua one after another: code k occupies
[k * total, (k + 1) * total). No span crosses from one code's continuum into the next, so
merging, sweeping and tiling the stacked continuum gives every code's figures at once; the
sums are then split per code. Tests check equality with the per-code functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.alpha_u import distinct, pair_terms
from qualcode.analysis.agreement.character import merge_span_arrays, presence_tables
from qualcode.analysis.agreement.layers import SpanLayers
from qualcode.errors import QualcodeError

T = TypeVar("T")
Ints = npt.NDArray[np.int64]
Merged = tuple[Ints, Ints]
"""One coder's units on the stacked continuum as sorted, disjoint (starts, ends)."""


@dataclass(frozen=True)
class Stack:
    """`n_labels` continua of `total` characters; document d starts at `offsets[d]` inside
    each and is `lengths[d]` long."""

    offsets: Ints
    lengths: Ints
    n_labels: int
    documents: bytes = b""
    """The transcript ids, as the key of what `memo` holds for this continuum."""
    memo: dict[tuple[object, ...], Any] | None = None
    """Shared by the stacks of one request: each coder's units and tiling and each pair's
    disagreements are then computed once per set of documents (the pairwise rows and the
    all-coder table over the same transcripts use the same ones)."""

    @property
    def total(self) -> int:
        return int(self.lengths.sum())

    @classmethod
    def of(
        cls,
        lengths: Sequence[int],
        n_labels: int,
        documents: Ints | None = None,
        memo: dict[tuple[object, ...], Any] | None = None,
    ) -> Stack:
        size = np.asarray(lengths, dtype=np.int64).reshape(-1)
        offsets = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        key = b"" if documents is None else np.asarray(documents, dtype=np.int64).tobytes()
        return cls(offsets, size, n_labels, key, memo if documents is not None else None)

    def _cached(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        if self.memo is None:
            return make()
        full = (self.documents, self.n_labels, *key)
        if full not in self.memo:
            self.memo[full] = make()
        value: T = self.memo[full]
        return value

    def units(self, layers: SpanLayers, coder: int, doc: Ints) -> Merged:
        """A coder's merged units (`merge`) from the span layers, `doc` each span's
        document index (-1 outside the stack's documents)."""
        return self._cached(
            ("units", coder), lambda: self.merge(*stacked_spans(layers, coder, doc))
        )

    def merge(self, docs: Ints, labels: Ints, starts: Ints, ends: Ints) -> Merged:
        """One coder's spans (document index, label, offsets inside the document) as merged
        units of the stacked continuum; spans outside their document are an error."""
        bad = (starts < 0) | (ends > self.lengths[docs]) | (starts > ends)
        if bad.any():
            i = int(np.argmax(bad))
            raise QualcodeError(
                f"Span ({starts[i]}, {ends[i]}) does not lie within a text of "
                f"{self.lengths[docs[i]]} characters; check the coding offsets against the "
                "transcript."
            )
        shift = labels * self.total + self.offsets[docs]
        return merge_span_arrays(starts + shift, ends + shift)

    def label_of(self, positions: Ints) -> Ints:
        """The code whose continuum holds each position."""
        return np.minimum(positions // max(self.total, 1), self.n_labels - 1)

    def per_label(self, positions: Ints, values: Ints) -> Ints:
        """Integer sums of `values` per code of their `positions`."""
        out = np.zeros(self.n_labels, dtype=np.int64)
        np.add.at(out, self.label_of(positions), values)
        return out

    def cell_tables(self, a: Merged, b: Merged, *, exclude_uncoded: bool = False) -> Ints:
        """The 2 x 2 table (both, A only, B only, neither) of every (code, document) cell,
        code-major: row k * documents + d (as `document_presence_counts` per code)."""
        n_docs = len(self.lengths)
        cell_offsets = (
            np.arange(self.n_labels, dtype=np.int64)[:, None] * self.total + self.offsets[None]
        ).reshape(-1)
        cell_sizes = np.tile(self.lengths, self.n_labels)
        both, covered_a, covered_b = presence_tables(cell_offsets, cell_sizes, a, b)
        neither = cell_sizes - covered_a - covered_b + both
        if exclude_uncoded:
            neither = np.zeros_like(neither)
        tables = np.column_stack([both, covered_a - both, covered_b - both, neither])
        return tables.reshape(self.n_labels * n_docs, 4)

    def binary_u(self, coders: Sequence[Merged]) -> list[float | None]:
        """|u-alpha of every code (`unitized.binary_u_from_spans`, same integer sums)."""
        m = len(coders)
        if m < 2:
            raise QualcodeError(f"Unitizing alpha needs at least two coders, got {m}.")
        total = self.total
        if total <= 0:
            return [None] * self.n_labels
        squares = sum(self.per_label(s, (e - s) ** 2) for s, e in coders)
        bounds = np.concatenate([s for s, _ in coders] + [e for _, e in coders])
        n_starts = sum(len(s) for s, _ in coders)
        steps = np.ones(len(bounds), dtype=np.int64)
        steps[n_starts:] = -1
        order = np.argsort(bounds, kind="stable")
        depth = np.cumsum(steps[order])[:-1]
        left = bounds[order][:-1]
        widths = np.diff(bounds[order])
        coded = self.per_label(left, depth * widths)
        squared = self.per_label(left, depth * depth * widths)
        pairable = m * total
        values: list[float | None] = []
        sums = zip(coded.tolist(), squared.tolist(), np.asarray(squares).tolist(), strict=True)
        for c, q, t in sums:
            observed = (m * c - q) / (m - 1)
            self_pairs = t + pairable - c
            expected = pairable * c * (pairable - c) / (pairable * pairable - self_pairs)
            undefined = expected <= 1e-12 * pairable
            values.append(None if undefined else float(1.0 - observed / expected))
        return values

    def tiling(self, units: Merged) -> tuple[Ints, Ints, npt.NDArray[np.bool_]]:
        """Sections (start, end, is_unit) tiling every code's continuum around the units,
        as `alpha_u._tiling` per code."""
        starts, ends = units
        edges = np.arange(self.n_labels + 1, dtype=np.int64) * self.total
        points = distinct(np.concatenate([starts, ends, edges]))
        sec_start, sec_end = points[:-1], points[1:]
        if not len(starts):
            return sec_start, sec_end, np.zeros(len(sec_start), dtype=bool)
        at = np.searchsorted(starts, sec_start, side="right") - 1
        return sec_start, sec_end, (at >= 0) & (sec_start < ends[at.clip(0)])

    def alpha_u(
        self, coders: Sequence[Merged], ids: Sequence[int] | None = None
    ) -> tuple[npt.NDArray, npt.NDArray]:
        """(D_o, D_e) of Krippendorff's alpha_U for every code (`alpha_u.disagreements`);
        `ids` name the coders for the memo."""
        m, total = len(coders), self.total
        names: Sequence[object] = ids if ids is not None else [object() for _ in coders]
        tilings = [
            self._cached(("tiling", name), partial(self.tiling, units))
            for name, units in zip(names, coders, strict=True)
        ]
        observed = np.zeros(self.n_labels, dtype=np.int64)
        for i in range(m):
            for j in range(i + 1, m):

                def pair(i: int = i, j: int = j) -> Ints:
                    at, difference = pair_terms(self.n_labels * total, tilings[i], tilings[j])
                    return self.per_label(at, difference)

                observed += self._cached(("pair", names[i], names[j]), pair)
        d_o = 2.0 * observed.astype(np.float64) / (m * (m - 1) * float(total) ** 2)
        s = np.concatenate([t[0] for t in tilings])
        length = np.concatenate([t[1] - t[0] for t in tilings])
        is_unit = np.concatenate([t[2] for t in tilings])
        label = self.label_of(s)
        unit_label, units = label[is_unit], length[is_unit]
        n_c = np.bincount(unit_label, minlength=self.n_labels)
        # sum over the code's gaps g >= l of (g - l + 1), from suffix sums over sorted keys.
        key = label[~is_unit] * (total + 1) + length[~is_unit]
        order = np.argsort(key, kind="stable")
        key, gaps = key[order], length[~is_unit][order]
        suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0]])
        at = np.searchsorted(key, unit_label * (total + 1) + units, side="left")
        end = np.searchsorted(key, (unit_label + 1) * (total + 1), side="left")
        fits = (suffix[at] - suffix[end] - (units - 1) * (end - at)).astype(np.float64)
        lf = units.astype(np.float64)
        terms = (n_c[unit_label] - 1) * (2 * lf**3 - 3 * lf**2 + lf) / 3 + lf**2 * fits
        summed = np.zeros(self.n_labels)
        np.add.at(summed, unit_label, terms)
        self_pairs = np.zeros(self.n_labels)
        np.add.at(self_pairs, unit_label, lf * (lf - 1))
        mL = float(m * total)
        d_e = (2.0 / total) * summed / (mL * (mL - 1) - self_pairs)
        return d_o, d_e


def stacked_spans(layers: SpanLayers, coder: int, doc: Ints) -> tuple[Ints, Ints, Ints, Ints]:
    """(document index, label, start, end) of one coder's spans in the documents (`doc`:
    each span's document index, -1 outside them), for `Stack.merge`."""
    mask = (layers.coder == coder) & (doc >= 0)
    return doc[mask], layers.label[mask], layers.start[mask], layers.end[mask]
