"""Figures of a ranked-suggestion evaluation: precision@1 and recall@3 with Wilson intervals,
their chance baselines, per-label rows and the confusion of the first-ranked label.

A *ranking* is one held-out turn's labels, best first; *gold* the labels coders applied.
Chance is a uniformly random ranking of the `n_labels` labels of the level: it puts an
applied label first with probability |gold| / K, and a given applied label in its top three
with probability min(3, K) / K.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from qualcode.domain.suggestion import LabelEval, Rate

Z95 = 1.959964
TOP = 3
NONE = "(none)"


def wilson(successes: int, n: int, z: float = Z95) -> Rate:
    """The share `successes / n` with its Wilson score interval (95 % by default)."""
    if n == 0:
        return Rate(successes=0, n=0, value=0.0, low=0.0, high=0.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Rate(
        successes=successes,
        n=n,
        value=round(p, 4),
        low=round(max(0.0, centre - half), 4),
        high=round(min(1.0, centre + half), 4),
    )


def chance_at_1(golds: Sequence[frozenset[str]], n_labels: int) -> float:
    """Expected precision@1 of a random ranking: mean |gold| / K over the turns."""
    if not golds or n_labels <= 0:
        return 0.0
    return round(sum(min(len(gold), n_labels) for gold in golds) / (len(golds) * n_labels), 4)


def chance_at_3(n_labels: int) -> float:
    """Expected recall@3 of a random ranking: min(3, K) / K."""
    return round(min(TOP, n_labels) / n_labels, 4) if n_labels > 0 else 0.0


@dataclass
class _Counts:
    support: int = 0  # turns with the label applied
    first: int = 0  # turns where it was ranked first
    first_right: int = 0  # ... and applied
    in_top: int = 0  # turns with it applied and in the top three


def label_rows(
    rankings: Sequence[Sequence[str]], golds: Sequence[frozenset[str]], n_labels: int
) -> list[LabelEval]:
    """Per label: precision@1 (of the turns that ranked it first, the share that had it),
    recall@3 (of the turns that had it, the share with it in the top three), each with
    its Wilson interval and its chance baseline (the label's prevalence; 3 / K)."""
    counts: dict[str, _Counts] = defaultdict(_Counts)
    for ranking, gold in zip(rankings, golds, strict=True):
        top = set(ranking[:TOP])
        for label in gold:
            counts[label].support += 1
            counts[label].in_top += label in top
        if ranking:
            counts[ranking[0]].first += 1
            counts[ranking[0]].first_right += ranking[0] in gold
    n = len(golds)
    return [
        LabelEval(
            label=label,
            support=item.support,
            precision_at_1=wilson(item.first_right, item.first),
            chance_at_1=round(item.support / n, 4) if n else 0.0,
            recall_at_3=wilson(item.in_top, item.support),
            chance_at_3=chance_at_3(n_labels),
        )
        for label, item in sorted(counts.items())
    ]


def confusion(
    rankings: Sequence[Sequence[str]], golds: Sequence[frozenset[str]]
) -> dict[str, dict[str, int]]:
    """Applied label -> label ranked first -> turns. A turn counts once under each label
    applied to it; when its first label was applied, only under that one (a hit)."""
    matrix: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ranking, gold in zip(rankings, golds, strict=True):
        first = ranking[0] if ranking else NONE
        for label in [first] if first in gold else sorted(gold):
            matrix[label][first] += 1
    return {label: dict(row) for label, row in sorted(matrix.items())}
