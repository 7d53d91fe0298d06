"""Comparison with the focus group (transcript) as the unit.

Turns are clustered in focus groups: the people in one group hear each other and talk about
what the moderator put to them, so turns of one group are not independent observations. Here
each transcript in scope contributes one number, the share of its participant turns that hold
the code, and the groups (departments, group kinds) are compared with a permutation test:
the statistic is the between-group sum of squares of those shares, sum_g n_g (mean_g -
mean)^2, and its p-value is the share of all arrangements of the transcripts into groups of
the same sizes whose statistic is at least the observed one. With few transcripts every
arrangement is enumerated (an exact test); past `EXACT_LIMIT` arrangements, a Monte-Carlo
sample of them is used. (scipy.stats.permutation_test needs two transcripts per group.)

With two or three focus groups per group the number of arrangements is small, so the
smallest p-value the test can give may be above 5 %: `ClusterTest.smallest_p` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import factorial, prod
from typing import Any

from qualcode.analysis.code_tests import ALPHA

EXACT_LIMIT = 100_000
RESAMPLES = 4999
SEED = 14
FEW_UNITS = 3
FEW_GROUPS = 16  # past this many groups, `_between` bins instead of multiplying masks


@dataclass(frozen=True)
class ClusterTest:
    """One code's transcript-level test; `shares[g]` are the per-transcript shares of group g."""

    shares: tuple[tuple[float, ...], ...]
    statistic: float | None = None
    p_value: float | None = None
    arrangements: int = 0
    exact: bool = True
    smallest_p: float | None = None
    problem: str | None = None

    @property
    def means(self) -> tuple[float | None, ...]:
        return tuple(sum(group) / len(group) if group else None for group in self.shares)


def arrangements(sizes: Sequence[int]) -> int:
    """Ways to split sum(sizes) units into groups of these sizes: n! / (n_1! ... n_k!)."""
    return factorial(sum(sizes)) // prod(factorial(size) for size in sizes)


def cluster_test(shares: Sequence[Sequence[float]]) -> ClusterTest:
    """Permutation test of the group difference in per-transcript shares."""
    return cluster_tests([shares])[0]


def cluster_tests(per_code: Sequence[Sequence[Sequence[float]]]) -> list[ClusterTest]:
    """`cluster_test` for many codes over the same transcripts: the arrangements are drawn
    once and every code's statistic is computed for all of them in one pass."""
    import numpy as np

    found: list[ClusterTest | None] = [None] * len(per_code)
    batches: dict[tuple[int, ...], list[int]] = {}
    for index, shares in enumerate(per_code):
        groups = tuple(tuple(group) for group in shares)
        kept = [group for group in groups if group]
        if len(kept) < 2:
            found[index] = ClusterTest(
                groups, problem="fewer than two groups with coded transcripts"
            )
        elif all(len(group) == 1 for group in kept):
            found[index] = ClusterTest(
                groups, problem="one transcript per group: nothing to compare within"
            )
        elif all(v == 0 for group in kept for v in group):  # as the turn-level test says
            found[index] = ClusterTest(groups, problem="no turn holds it")
        elif all(v == 1 for group in kept for v in group):
            found[index] = ClusterTest(groups, problem="every turn holds it")
        else:
            batches.setdefault(tuple(len(group) for group in kept), []).append(index)
    for sizes, indices in batches.items():
        labels, exact = _arrangements(sizes)
        values = np.array(
            [[v for group in per_code[i] if group for v in group] for i in indices], dtype=float
        ).T  # transcripts x codes
        null = _between(labels, values, np.array(sizes, dtype=float))  # arrangements x codes
        observed = null[0]  # the first arrangement is the observed one
        tolerance = 1e-12 * np.maximum(1.0, np.abs(observed))
        p_values = np.mean(null >= observed - tolerance, axis=0)
        smallest = np.mean(null >= null.max(axis=0) - tolerance, axis=0)
        for column, index in enumerate(indices):
            found[index] = ClusterTest(
                tuple(tuple(group) for group in per_code[index]),
                statistic=float(observed[column]),
                p_value=float(p_values[column]),
                arrangements=len(null),
                exact=exact,
                smallest_p=float(smallest[column]),
            )
    return [test for test in found if test is not None]


@lru_cache(maxsize=8)
def _arrangements(sizes: tuple[int, ...]) -> tuple[Any, bool]:
    """Group labels of every arrangement of the units (exact), or of the observed one and
    `RESAMPLES` random ones; row 0 is the observed arrangement."""
    import numpy as np

    observed = np.repeat(np.arange(len(sizes)), sizes)
    if arrangements(sizes) > EXACT_LIMIT:
        rng = np.random.default_rng(SEED)
        shuffled = [rng.permutation(observed) for _ in range(RESAMPLES)]
        return np.array([observed, *shuffled]), False
    found: list[list[int]] = []

    def place(labels: list[int], left: list[int]) -> None:
        if len(labels) == len(observed):
            found.append(list(labels))
            return
        for group, count in enumerate(left):
            if count:
                left[group] -= 1
                labels.append(group)
                place(labels, left)
                labels.pop()
                left[group] += 1

    place([], list(sizes))
    return np.array(found), True


@lru_cache(maxsize=2)
def _group_matrix(sizes: tuple[int, ...]) -> Any:
    """Sparse (arrangements x groups) x units matrix: row (a, g) holds 1 for the units that
    arrangement a puts in group g, so its product with the units' values gives group sums."""
    import numpy as np
    from scipy import sparse

    labels, _ = _arrangements(sizes)
    count, units = labels.shape
    members = np.argsort(labels, axis=1, kind="stable")  # each row: group 0's units first...
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pointers = (np.arange(count)[:, None] * units + starts[None, :]).ravel()
    return sparse.csr_matrix(
        (np.ones(count * units), members.ravel(), np.append(pointers, count * units)),
        shape=(count * len(sizes), units),
    )


def _between(labels: Any, values: Any, sizes: Any) -> Any:
    """Between-group sum of squares, sum_g n_g (mean_g - mean)^2, per arrangement and code.

    The group sums of every arrangement are a product with the arrangements' one-hot group
    masks when the groups are few; with many groups (a study of a hundred departments) the
    dense masks grow with their number, so a sparse matrix of them is used instead."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    grand = values.mean(axis=0)
    count, groups = labels.shape[0], len(sizes)
    if groups > FEW_GROUPS:
        sums = _group_matrix(tuple(int(size) for size in sizes)) @ values
        means = sums.reshape(count, groups, values.shape[1]) / sizes[None, :, None]
        return ((means - grand) ** 2 * sizes[None, :, None]).sum(axis=1)
    total = np.zeros((count, values.shape[1]))
    # The products are small (arrangements x transcripts by transcripts x codes): BLAS
    # threads only spin on a shared machine, tripling the CPU time for no gain.
    with threadpool_limits(limits=1, user_api="blas"):
        for group, size in enumerate(sizes):
            means = (labels == group).astype(float) @ values / size
            total += size * (means - grand) ** 2
    return total


def power_note(tests: Sequence[ClusterTest], dimension: str) -> str | None:
    """A plain statement when the transcript-level tests cannot show much."""
    sized = [test for test in tests if test.p_value is not None]
    if not sized:
        return None
    sizes = [len(group) for group in sized[0].shares if group]
    smallest = min(test.smallest_p or 0.0 for test in sized)
    counts = ", ".join(str(size) for size in sizes)
    if smallest > ALPHA:
        return (
            f"Little power: with {counts} focus groups per {dimension} there are only "
            f"{sized[0].arrangements} arrangements, and the smallest p-value this test can "
            f"give is {smallest:.3f}, above 5 %. No difference can be shown at this unit; a "
            "large p-value is no evidence that the groups are alike."
        )
    if min(sizes) <= FEW_UNITS:
        return (
            f"Little power: with {counts} focus groups per {dimension} only large, consistent "
            "differences can reach 5 %; a large p-value is no evidence that the groups are "
            "alike."
        )
    return None
