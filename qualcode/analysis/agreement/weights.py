"""Agreement weights for ordered categories, as Gwet (2014, ch. 3) and his irrCAC package
define them: `w[k, l]` is the credit for one coder choosing category k and another l
(1 on the diagonal, 0 for the farthest pair)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from qualcode.errors import QualcodeError

Weighting = Literal["identity", "linear", "quadratic", "ordinal", "ratio"]
WEIGHTINGS: tuple[Weighting, ...] = ("identity", "linear", "quadratic", "ordinal", "ratio")


def weight_matrix(weighting: Weighting, domain: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The q x q weights over `domain`, the category values in their order.

    Linear and quadratic weights use the values (1 - |k - l| / range, 1 - (k - l)^2 /
    range^2), ordinal weights only the ranks (pairs counted between k and l), ratio weights
    ((k - l) / (k + l))^2 scaled to the widest pair; all as irrCAC's weight functions.
    """
    values = np.asarray(domain, dtype=np.float64)
    q = len(values)
    if weighting == "identity" or q < 2:
        return np.eye(q)
    if weighting == "ordinal":
        rank = np.arange(q)
        n = np.abs(rank[:, None] - rank[None, :]) + 1
        pairs = n * (n - 1) / 2
        return np.asarray(1.0 - pairs / pairs.max())
    spread = float(values.max() - values.min())
    difference = values[:, None] - values[None, :]
    if weighting == "linear":
        return np.asarray(1.0 - np.abs(difference) / spread)
    if weighting == "quadratic":
        return np.asarray(1.0 - difference**2 / spread**2)
    if weighting == "ratio":
        if values.min() < 0:
            raise QualcodeError(
                f"Ratio weights need values of 0 or more, got {values.min():g}; "
                "use linear or quadratic weights."
            )
        total = values[:, None] + values[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(total > 0, (difference / total) ** 2, 0.0)
        widest = ((values.max() - values.min()) / (values.max() + values.min())) ** 2
        return np.asarray(1.0 - ratio / widest)
    raise QualcodeError(f"Unknown weights '{weighting}'; use one of {', '.join(WEIGHTINGS)}.")
