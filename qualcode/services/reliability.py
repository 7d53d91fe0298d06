"""`qualcode agree matrix`: agreement of reliability data from a CSV file (raw ratings or a
counts table), no database involved."""

from __future__ import annotations

from pathlib import Path

import qualcode
from qualcode.analysis.agreement import coefficients
from qualcode.analysis.agreement._counts import CategoryCounts
from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.nominal import counts_coefficients
from qualcode.analysis.agreement.tables import matrix_table
from qualcode.domain.agreement import MatrixOptions
from qualcode.domain.table import ResultSet
from qualcode.ingest.reliability import read_counts, read_ratings


def matrix_agreement(path: Path, options: MatrixOptions | None = None) -> ResultSet:
    """All coefficients that apply to reliability data from a CSV file: raw ratings
    (units x coders) or, with `options.counts`, a counts table (units x categories)."""
    options = options or MatrixOptions()
    bootstrap = Bootstrap() if options.intervals else None
    numeric = options.alpha_level != "nominal" or options.weights not in (None, "identity")
    if options.counts:
        read = read_counts(
            path, numeric=numeric, header=options.header, categories=options.categories
        )
        table = CategoryCounts(
            counts=read.counts,
            domain=read.domain,
            n_coders=int(read.counts.sum(axis=1).max(initial=0)),
        )
        result = counts_coefficients(
            table, level=options.alpha_level, weights=options.weights, bootstrap=bootstrap
        )
        coders, names, n_rows = ["(counts table)"], read.categories, len(read.counts)
        raters = read.counts.sum(axis=1)
        fewest, most = (int(raters.min()), int(raters.max())) if len(raters) else (0, 0)
        shape = (
            f"{n_rows} units from a counts table, {fewest}"
            f"{'' if fewest == most else f'-{most}'} ratings per unit (which rater gave "
            "which value is not recorded); units with fewer than two ratings are not pairable."
        )
    else:
        ratings = read_ratings(
            path, numeric=numeric, header=options.header, categories=options.categories
        )
        result = coefficients(
            ratings.values,
            level=options.alpha_level,
            categories=None if ratings.domain is None else ratings.domain.tolist(),
            weights=options.weights,
            bootstrap=bootstrap,
        )
        coders, n_rows = ratings.coders, len(ratings.values)
        names = ratings.names
        shape = None
    filters = {"file": path.name, "level": options.alpha_level}
    if options.level is None and options.alpha_level != "nominal":
        filters["level"] += f" (matches the {options.weights} weights; --level changes it)"
    if options.weights:
        filters["weights"] = options.weights
    return ResultSet.describe(
        [matrix_table(f"Agreement of {path.name}", coders, n_rows, result, names, shape=shape)],
        codebook="(none: reliability data from a file)",
        codebook_version="-",
        coder_layer=", ".join(coders),
        qualcode_version=qualcode.__version__,
        filters=filters,
    )
