"""Reliability data as a units x coders matrix, reduced to units x categories counts."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qualcode.errors import QualcodeError


@dataclass(frozen=True)
class CategoryCounts:
    """How many coders put each unit into each category.

    `counts[u, k]` is the number of coders who gave unit `u` the value `domain[k]`;
    units nobody coded have a row of zeros. Counts are floats so that row sums run as
    matrix products, which matters for 100,000-unit matrices.
    """

    counts: npt.NDArray[np.float64]
    domain: npt.NDArray[np.float64]
    n_coders: int

    @property
    def raters(self) -> npt.NDArray[np.float64]:
        """Number of coded values per unit."""
        return self.counts @ np.ones(len(self.domain))


def as_matrix(data: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Return reliability data as a float units x coders matrix (NaN = not coded)."""
    matrix = np.asarray(data, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise QualcodeError(
            f"Reliability data must be a units x coders table with at least two coders, "
            f"got shape {matrix.shape}; pass one column per coder."
        )
    return matrix


def category_counts(
    data: npt.ArrayLike, categories: Sequence[float] | None = None
) -> CategoryCounts:
    """Count, per unit, the coders who chose each category.

    Without `categories` the domain is the sorted set of values that occur; with them it is
    the given values in the given order (the order matters for ordinal alpha), and a value
    outside them is an error.
    """
    matrix = as_matrix(data)
    coded = ~np.isnan(matrix)
    values = matrix[coded]
    if categories is None:
        domain = np.unique(values)
    else:
        domain = np.asarray(categories, dtype=np.float64)
        if len(np.unique(domain)) != len(domain):
            raise QualcodeError("The categories contain duplicates; list each category once.")
    order = np.argsort(domain, kind="stable")
    sorted_domain = domain[order]
    position = np.searchsorted(sorted_domain, values).clip(max=max(len(domain) - 1, 0))
    if len(values) and (len(domain) == 0 or np.any(sorted_domain[position] != values)):
        unknown = np.setdiff1d(values, domain)[:5]
        raise QualcodeError(
            f"Values {unknown.tolist()} are not among the categories {domain.tolist()}; "
            "add them to the categories or fix the data."
        )
    category = order[position]
    unit = np.nonzero(coded)[0]
    n_units, n_categories = matrix.shape[0], len(domain)
    flat = np.bincount(unit * n_categories + category, minlength=n_units * n_categories)
    return CategoryCounts(
        counts=flat.reshape(n_units, n_categories).astype(np.float64),
        domain=domain,
        n_coders=matrix.shape[1],
    )
