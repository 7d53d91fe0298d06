"""Krippendorff's alpha family for unitizing a continuum (a transcript's characters).

Definitions implemented (equation numbers of Krippendorff, Mathet, Bouvry & Widlöcher 2016,
"On the reliability of unitizing textual continua: Further developments", Quality & Quantity
50, 2347-2364, which revises Krippendorff 2004, "Measuring the reliability of qualitative
text analysis data", Quality & Quantity 38, 787-800):

- Each coder's units plus the gaps between them tile the continuum of length L into
  sections; gaps carry the value phi (here index 0).
- Observed coincidences (eq. 1): l_ck = 1/(m-1) * sum over ordered coder pairs i != j and
  their sections g, h of |S_ig valued c  intersected with  S_jh valued k|, so l.. = m L.
- Expected coincidences (eq. 4): e_ck = l.. (l_c. l_.k - [c = k] T_c) / (l..^2 - T), where a
  unit contributes its squared length to T_c (it pairs with itself as a whole) and a gap
  only its length (each gap character stands alone).
- uα (eq. 5a, nominal): 1 - (l.. - sum_c l_cc) / (l.. - sum_c e_cc): unitizing and coding.
- |uα (eq. 6): relevant (any unit) versus irrelevant (gap) matter only:
  1 - (l_phi. - l_phiphi) / (e_phi. - e_phiphi).
- cuα (eqs. 10-11): coding of the matter that coders jointly identified as relevant: the
  coincidences among units only, with expected coincidences
  e'_ck = (l'_c. l'_.k - [c = k] S_c) / (l'.. - S / l'..), where S_c sums, over coders i,
  their units g valued c and other coders j, (length of g covered by j's units)^2 / (m-1).
- (k)uα (eq. 13b): reliability of value k within cuα:
  1 - (e'_k. / l'_k.) (l'_k. - l'_kk) / (e'_k. - e'_kk).
- Cuα as ATLAS.ti reports it: cuα with the semantic domains of the codes as values (our
  reading of ATLAS.ti's documentation; not checked against ATLAS.ti output).

What was verified, and how: the paper itself could not be consulted here. Eqs. 1, 4, 5a
and 6 match the formulas of three public implementations (quallmer in R, two in Python)
and reproduce the three-coder example of Krippendorff (2019, Content Analysis, 4th ed.,
Fig. 12.11) as quoted by quallmer's tests: uα = .5100 (book .510), |uα = .4136 (book .413).
Eqs. 10, 11 and 13b follow one of the Python implementations; we reproduce the results it
prints (three decimals) for its own three-coder example. For two coders eq. 10 reduces to
the natural self-pairing correction and is checked by hand in the tests; for three or more
coders it is checked only by that example and by properties (perfect agreement gives 1,
coder order does not matter).
Coefficients are `None` where the expected disagreement is 0.

Each coder's units must not overlap unless they carry the same value (those are merged);
compare overlapping codes one at a time or in mutually exclusive groups.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement.character import merge_span_arrays
from qualcode.errors import QualcodeError

_RELATIVE_EPSILON = 1e-12

DocSpans = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""One coder's spans as (document index, start, end) arrays, offsets inside the document."""


class Unit(NamedTuple):
    """A coded stretch `[start, end)` of the continuum with its value (code or category)."""

    start: int
    end: int
    value: str


@dataclass(frozen=True)
class UnitizingAlphas:
    """The whole family for one continuum; `None` where a coefficient is undefined."""

    u_alpha: float | None
    binary_u_alpha: float | None
    cu_alpha: float | None
    k_u_alpha: dict[str, float | None]


@dataclass(frozen=True)
class _Sections:
    """One coder's tiling of the continuum; value 0 is a gap, 1.. index `values`."""

    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    values: npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Coincidences:
    observed: npt.NDArray[np.float64]
    expected: npt.NDArray[np.float64]
    cu_observed: npt.NDArray[np.float64]
    cu_expected: npt.NDArray[np.float64] | None
    values: tuple[str, ...]


def _merged(coder: int, length: int, units: Sequence[Unit]) -> list[Unit]:
    """Sort a coder's units, merge overlapping ones of one value, reject the rest."""
    merged: list[Unit] = []
    for unit in sorted(Unit(*u) for u in units):
        if not 0 <= unit.start < unit.end <= length:
            raise QualcodeError(
                f"Coder {coder + 1} has unit ({unit.start}, {unit.end}) outside a continuum "
                f"of {length} characters or of zero length; check the coding offsets."
            )
        if merged and unit.start < merged[-1].end:
            last = merged[-1]
            if unit.value != last.value:
                raise QualcodeError(
                    f"Coder {coder + 1} has overlapping units {last.value!r} "
                    f"({last.start}, {last.end}) and {unit.value!r} ({unit.start}, {unit.end}); "
                    "unitizing alpha needs mutually exclusive values, so compare overlapping "
                    "codes separately."
                )
            merged[-1] = Unit(last.start, max(last.end, unit.end), last.value)
        else:
            merged.append(unit)
    return merged


def _sections(units: list[Unit], length: int, index: Mapping[str, int]) -> _Sections:
    starts, lengths, values = [], [], []
    cursor = 0
    for unit in units:
        if unit.start > cursor:
            starts.append(cursor)
            lengths.append(unit.start - cursor)
            values.append(0)
        starts.append(unit.start)
        lengths.append(unit.end - unit.start)
        values.append(index[unit.value])
        cursor = unit.end
    if cursor < length:
        starts.append(cursor)
        lengths.append(length - cursor)
        values.append(0)
    return _Sections(
        np.array(starts, dtype=np.int64),
        np.array(lengths, dtype=np.int64),
        np.array(values, dtype=np.int64),
    )


def _coincidences(length: int, coders: Sequence[Sequence[Unit]]) -> _Coincidences:
    m = len(coders)
    if m < 2:
        raise QualcodeError(f"Unitizing alpha needs at least two coders, got {m}.")
    if length <= 0:
        raise QualcodeError(f"The continuum must be at least one character long, got {length}.")
    units = [_merged(i, length, c) for i, c in enumerate(coders)]
    values = tuple(sorted({u.value for coder in units for u in coder}))
    index = {value: i + 1 for i, value in enumerate(values)}
    sections = [_sections(u, length, index) for u in units]
    size = len(values) + 1

    # Cut the continuum at every coder's section boundaries; within each elementary
    # interval every coder has exactly one value, so intersections become sums.
    bounds = np.unique(np.concatenate([s.starts for s in sections] + [np.array([length])]))
    pieces = np.diff(bounds).astype(np.float64)
    n_pieces = len(pieces)
    owner = [np.searchsorted(s.starts, bounds[:-1], side="right") - 1 for s in sections]
    piece_values = [s.values[o] for s, o in zip(sections, owner, strict=True)]
    tally = np.zeros((n_pieces, size))
    for v in piece_values:
        tally[np.arange(n_pieces), v] += 1
    weighted = tally * pieces[:, None]
    observed = (tally.T @ weighted - np.diag(weighted.sum(axis=0))) / (m - 1)

    self_pairs = np.zeros(size)
    for s in sections:
        square = np.where(s.values > 0, s.lengths.astype(np.float64) ** 2, s.lengths)
        self_pairs += np.bincount(s.values, weights=square, minlength=size)
    total = float(m * length)
    margins = observed.sum(axis=1)
    expected = (
        total * (np.outer(margins, margins) - np.diag(self_pairs)) / (total**2 - self_pairs.sum())
    )

    cu_observed = observed[1:, 1:]
    cu_margins = cu_observed.sum(axis=1)
    cu_total = float(cu_margins.sum())
    covered = np.zeros(size)
    for i, (s, own) in enumerate(zip(sections, owner, strict=True)):
        for j in range(m):
            if j == i:
                continue
            both = (piece_values[i] > 0) & (piece_values[j] > 0)
            overlap = np.bincount(own[both], weights=pieces[both], minlength=len(s.values))
            covered += np.bincount(s.values, weights=overlap**2, minlength=size)
    covered = covered[1:] / (m - 1)
    cu_expected = None
    if cu_total > 0:
        denominator = cu_total - covered.sum() / cu_total
        if denominator > _RELATIVE_EPSILON * cu_total:
            cu_expected = (np.outer(cu_margins, cu_margins) - np.diag(covered)) / denominator
    return _Coincidences(observed, expected, cu_observed, cu_expected, values)


def _one_minus(observed: float, expected: float, scale: float) -> float | None:
    if expected <= _RELATIVE_EPSILON * scale:
        return None
    return float(1.0 - observed / expected)


def _u(c: _Coincidences) -> float | None:
    total = float(c.observed.sum())
    return _one_minus(
        total - float(np.trace(c.observed)), total - float(np.trace(c.expected)), total
    )


def _binary(c: _Coincidences) -> float | None:
    observed = float(c.observed[0].sum() - c.observed[0, 0])
    expected = float(c.expected[0].sum() - c.expected[0, 0])
    return _one_minus(observed, expected, float(c.observed.sum()))


def _cu(c: _Coincidences) -> float | None:
    if c.cu_expected is None:
        return None
    total = float(c.cu_observed.sum())
    return _one_minus(
        total - float(np.trace(c.cu_observed)), total - float(np.trace(c.cu_expected)), total
    )


def _k(c: _Coincidences) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    for k, value in enumerate(c.values):
        l_k = float(c.cu_observed[k].sum())
        if c.cu_expected is None or l_k == 0:
            result[value] = None
            continue
        e_k = float(c.cu_expected[k].sum())
        disagreement = _one_minus(
            l_k - float(c.cu_observed[k, k]),
            e_k - float(c.cu_expected[k, k]),
            float(c.cu_observed.sum()),
        )
        result[value] = None if disagreement is None else 1.0 - (e_k / l_k) * (1.0 - disagreement)
    return result


def unitizing_alphas(length: int, coders: Sequence[Sequence[Unit]]) -> UnitizingAlphas:
    """uα, |uα, cuα and (k)uα for one continuum, from one set of coincidence matrices."""
    c = _coincidences(length, coders)
    return UnitizingAlphas(_u(c), _binary(c), _cu(c), _k(c))


def u_alpha(length: int, coders: Sequence[Sequence[Unit]]) -> float | None:
    """uα: agreement on where units are and which value they carry (eq. 5a)."""
    return _u(_coincidences(length, coders))


def binary_u_alpha(length: int, coders: Sequence[Sequence[Unit]]) -> float | None:
    """|uα: agreement on relevant versus irrelevant matter; pass one code's units to get
    the binary alpha of that code (eq. 6)."""
    return _binary(_coincidences(length, coders))


def cu_alpha(length: int, coders: Sequence[Sequence[Unit]]) -> float | None:
    """cuα: agreement on values where coders' units intersect (eqs. 10-11)."""
    return _cu(_coincidences(length, coders))


def k_u_alpha(length: int, coders: Sequence[Sequence[Unit]]) -> dict[str, float | None]:
    """(k)uα for every value that occurs (eq. 13b)."""
    return _k(_coincidences(length, coders))


def Cu_alpha(
    length: int, coders: Sequence[Sequence[Unit]], domain_of: Mapping[str, str]
) -> float | None:
    """ATLAS.ti's Cuα (hence the capital): cuα with each code replaced by its semantic domain."""
    units = [[Unit(*u) for u in coder] for coder in coders]
    missing = sorted({u.value for coder in units for u in coder} - set(domain_of))
    if missing:
        raise QualcodeError(
            f"Codes {missing} have no semantic domain; assign every code to a domain."
        )
    domains = [[u._replace(value=domain_of[u.value]) for u in coder] for coder in units]
    return cu_alpha(length, domains)


def binary_u_from_spans(
    spans: Sequence[DocSpans], offsets: npt.NDArray[np.int64], total: int
) -> float | None:
    """|u-alpha of one code over documents laid end to end (document d starts at
    `offsets[d]`, `total` characters in all), one `DocSpans` per coder.

    `binary_u_alpha` (eq. 6) computed on the span arrays, without building units: with m
    coders, continuum length L, c(x) the number of coders whose units cover character x,
    C = sum c(x) and Q = sum c(x)^2, the observed unit/gap coincidences are
    l_01 = (m C - Q) / (m - 1), the margins are C and m L - C, and the self-pairs
    T = (sum of the units' squared lengths) + (m L - C), so e_01 = m L C (m L - C) /
    ((m L)^2 - T). Integer sums throughout; one division at the end.
    """
    m = len(spans)
    if m < 2:
        raise QualcodeError(f"Unitizing alpha needs at least two coders, got {m}.")
    if total <= 0:
        return None
    starts, ends, squares = [], [], 0
    for docs, start, end in spans:
        s, e = merge_span_arrays(offsets[docs] + start, offsets[docs] + end)
        if len(s) and (s[0] < 0 or e.max() > total):
            raise QualcodeError(
                f"A unit lies outside the continuum of {total} characters; check the coding "
                "offsets."
            )
        starts.append(s)
        ends.append(e)
        squares += int(((e - s) ** 2).sum())
    # Sweep every unit bound in order: between two consecutive bounds c(x) is constant.
    bounds = np.concatenate([*starts, *ends])
    n_starts = sum(len(s) for s in starts)
    steps = np.ones(len(bounds), dtype=np.int64)
    steps[n_starts:] = -1
    order = np.argsort(bounds, kind="stable")
    depth = np.cumsum(steps[order])[:-1]
    widths = np.diff(bounds[order])
    coded = int((depth * widths).sum())
    squared = int((depth * depth * widths).sum())

    pairable = m * total
    observed = (m * coded - squared) / (m - 1)
    self_pairs = squares + pairable - coded
    expected = pairable * coded * (pairable - coded) / (pairable * pairable - self_pairs)
    return _one_minus(observed, expected, pairable)
