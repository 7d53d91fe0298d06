"""Segment-level agreement of two coders as MAXQDA's Intercoder Agreement reports it.

Every coded segment of both coders is checked: it counts as an agreement when the other
coder coded the same code on a segment that overlaps it by at least `min_overlap` of the
two segments' union (MAXQDA's default is 90 %). Per code and in total, percent agreement
is matched / (matched + unmatched). Since no segment exists that neither coder coded, the
2 x 2 table lacks its "neither" cell, so MAXQDA corrects for chance following Brennan &
Prediger (1981): P_chance = 1 / (number of codes compared) and
kappa_n = (P_observed - P_chance) / (1 - P_chance), with P_observed the total percent
agreement. Checked against the MAXQDA manual's description, not against MAXQDA output.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from qualcode.errors import QualcodeError


class CodedSegment(NamedTuple):
    """A coded stretch `[start, end)` of a document with its code."""

    start: int
    end: int
    code: str


@dataclass(frozen=True)
class CodeMatch:
    """Matched and unmatched segments of one code for each coder."""

    code: str
    matched_a: int
    unmatched_a: int
    matched_b: int
    unmatched_b: int

    @property
    def matched(self) -> int:
        return self.matched_a + self.matched_b

    @property
    def unmatched(self) -> int:
        return self.unmatched_a + self.unmatched_b

    @property
    def percent_agreement(self) -> float | None:
        total = self.matched + self.unmatched
        return self.matched / total if total else None


@dataclass(frozen=True)
class SegmentAgreement:
    """Per-code results (sorted by code) and the totals with MAXQDA's kappa_n."""

    codes: tuple[CodeMatch, ...]
    matched: int
    unmatched: int
    percent_agreement: float | None
    kappa: float | None


def _best_overlap(
    own: npt.NDArray[np.int64], other: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """For each segment in `own`, its largest intersection-over-union with `other`."""
    if len(other) == 0:
        return np.zeros(len(own))
    # Pairwise on purpose: one code in one document has at most a few hundred segments.
    start = np.maximum(own[:, None, 0], other[None, :, 0])
    end = np.minimum(own[:, None, 1], other[None, :, 1])
    intersection = np.clip(end - start, 0, None)
    union = (own[:, 1] - own[:, 0])[:, None] + (other[:, 1] - other[:, 0])[None, :] - intersection
    best: npt.NDArray[np.float64] = (intersection / union).max(axis=1)
    return best


def _by_code(segments: Sequence[CodedSegment]) -> dict[str, npt.NDArray[np.int64]]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for segment in segments:
        start, end, code = segment
        if start >= end:
            raise QualcodeError(
                f"Segment ({start}, {end}) coded {code!r} is empty or reversed; "
                "check the coding offsets."
            )
        grouped.setdefault(code, []).append((start, end))
    return {code: np.array(spans, dtype=np.int64) for code, spans in grouped.items()}


def segment_agreement(
    documents: Iterable[tuple[Sequence[CodedSegment], Sequence[CodedSegment]]],
    *,
    min_overlap: float = 0.9,
    codes: Collection[str] | None = None,
) -> SegmentAgreement:
    """Compare coder A's and coder B's segments over one or more documents.

    `documents` yields, per document, coder A's and coder B's coded segments. `codes`
    restricts the comparison and fixes the number of codes for kappa; by default it is
    every code either coder used.
    """
    if not 0 < min_overlap <= 1:
        raise QualcodeError(f"min_overlap must lie in (0, 1], got {min_overlap}.")
    tallies: dict[str, list[int]] = {code: [0, 0, 0, 0] for code in codes or ()}
    for segments_a, segments_b in documents:
        a, b = _by_code(segments_a), _by_code(segments_b)
        for code in set(a) | set(b):
            if codes is not None and code not in tallies:
                continue
            empty = np.empty((0, 2), dtype=np.int64)
            own_a, own_b = a.get(code, empty), b.get(code, empty)
            hits_a = int(np.count_nonzero(_best_overlap(own_a, own_b) >= min_overlap))
            hits_b = int(np.count_nonzero(_best_overlap(own_b, own_a) >= min_overlap))
            tally = tallies.setdefault(code, [0, 0, 0, 0])
            tally[0] += hits_a
            tally[1] += len(own_a) - hits_a
            tally[2] += hits_b
            tally[3] += len(own_b) - hits_b
    per_code = tuple(CodeMatch(code, *tallies[code]) for code in sorted(tallies))
    matched = sum(c.matched for c in per_code)
    unmatched = sum(c.unmatched for c in per_code)
    observed = matched / (matched + unmatched) if matched + unmatched else None
    kappa = None
    if observed is not None and len(per_code) >= 2:
        chance = 1 / len(per_code)
        kappa = (observed - chance) / (1 - chance)
    return SegmentAgreement(per_code, matched, unmatched, observed, kappa)
