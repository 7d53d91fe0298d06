"""Reliability data from CSV files: raw ratings (units x coders) or counts tables (units x
categories, how many raters chose each category, as in Fleiss 1971)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from qualcode.errors import InputError


@dataclass(frozen=True)
class Ratings:
    """Raw ratings: `values[u, c]` is coder c's value for unit u, NaN where missing.

    `domain` holds the possible values in category order and `categories` their names
    (text labels are numbered 0, 1, ... in that order); `domain` is None when neither
    `--categories` nor text labels fixed it (the values that occur are then the domain).
    """

    coders: list[str]
    values: npt.NDArray[np.float64]
    categories: list[str] | None
    domain: npt.NDArray[np.float64] | None

    @property
    def names(self) -> list[str]:
        """The category names, or the values that occur."""
        if self.categories is not None:
            return self.categories
        return [f"{v:g}" for v in np.unique(self.values[~np.isnan(self.values)])]


@dataclass(frozen=True)
class Counts:
    """A counts table: `counts[u, k]` raters put unit u into category k; `domain` holds
    the categories' values (numbers when every name is one, else 0, 1, ...)."""

    categories: list[str]
    counts: npt.NDArray[np.float64]
    domain: npt.NDArray[np.float64]


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """The non-empty CSV rows with their line numbers."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"cannot be read as a UTF-8 CSV file ({error}).") from error
    numbered = [(n, row) for n, row in enumerate(records, start=1) if any(row)]
    if not numbered:
        raise InputError(str(path), "is empty.", hint="Give one row per unit.")
    return numbered


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _split_header(
    path: Path, numbered: list[tuple[int, list[str]]], header: bool | None, default: str
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Names from the first row (with `header=None`: when all its cells are text that does
    not recur below), else `default` 1, 2, ..."""
    first = numbered[0][1]
    if header is None:
        below = {cell for _, row in numbered[1:] for cell in row}
        header = all(cell and not is_number(cell) for cell in first) and not below & set(first)
    if header:
        if len(numbered) == 1:
            raise InputError(
                str(path),
                "has a first row of names but no units below it.",
                hint="Give one row per unit.",
            )
        return first, numbered[1:]
    return [f"{default} {i + 1}" for i in range(len(first))], numbered


def _check_width(path: Path, line: int, row: list[str], width: int, what: str) -> None:
    if len(row) > width:
        raise InputError(
            str(path),
            f"has {len(row)} cells where the first row has {width}.",
            line=line,
            hint=f"Give every unit one cell per {what}.",
        )


def read_ratings(
    path: Path,
    *,
    numeric: bool,
    header: bool | None = None,
    categories: Sequence[str] | None = None,
) -> Ratings:
    """A reliability-data CSV: rows are units, columns coders, empty cells missing.

    `header=None` reads the first row as coder names when all its cells are text that does
    not recur below (so nominal data may be labels such as "yes"/"no"). With `numeric`
    (ordinal, interval, ratio data) every value must be a number. `categories` lists every
    possible value in order; a value outside them is an error.
    """
    numbered = _records(path)
    coders, numbered = _split_header(path, numbered, header, "coder")
    cells = [(line, cell) for line, row in numbered for cell in row if cell]
    texts = sorted({cell for _, cell in cells if not is_number(cell)})
    if texts and numeric:
        raise InputError(
            str(path),
            f"has non-numeric values such as '{texts[0]}'.",
            hint="Ordinal, interval and ratio data must be numbers.",
        )
    names: list[str] | None = None
    if categories is not None:
        names = list(categories)
        if len(set(names)) != len(names):
            raise InputError(str(path), "--categories lists a category twice; list each once.")
    elif texts:
        names = texts + sorted({cell for _, cell in cells if is_number(cell)}, key=float)
    labelled = names is not None and not all(map(is_number, names))
    domain = None
    if names is not None:
        domain = np.array(
            range(len(names)) if labelled else [float(name) for name in names], dtype=np.float64
        )
        allowed = set(names) if labelled else {float(name) for name in names}
        for line, cell in cells:
            if (cell if labelled else float(cell)) not in allowed:
                raise InputError(
                    str(path),
                    f"has the value '{cell}', which is not among the categories {','.join(names)}.",
                    line=line,
                    hint="Add it to --categories or fix the data.",
                )
    code = {name: float(i) for i, name in enumerate(names or [])}
    values = np.full((len(numbered), len(coders)), np.nan)
    for unit, (line, row) in enumerate(numbered):
        _check_width(path, line, row, len(coders), "coder (empty = missing)")
        for column, cell in enumerate(row):
            if cell:
                values[unit, column] = code[cell] if labelled else float(cell)
    return Ratings(coders, values, names, domain)


def read_counts(
    path: Path,
    *,
    numeric: bool = False,
    header: bool | None = None,
    categories: Sequence[str] | None = None,
) -> Counts:
    """A counts table: a header row of categories (or `categories`), then one row per unit
    with how many raters chose each category (empty = 0). With `numeric` (ordinal data,
    weights) every category must be a number."""
    numbered = _records(path)
    if categories is not None and header is None:
        header = False
    names, numbered = _split_header(path, numbered, header, "category")
    if categories is not None:
        if len(categories) != len(names):
            raise InputError(
                str(path),
                f"has {len(names)} columns but --categories names {len(categories)}.",
                hint="Name one category per column.",
            )
        names = list(categories)
    counts = np.zeros((len(numbered), len(names)))
    for unit, (line, row) in enumerate(numbered):
        _check_width(path, line, row, len(names), "category")
        for column, cell in enumerate(row):
            if not cell:
                continue
            if not is_number(cell) or float(cell) < 0 or float(cell) != int(float(cell)):
                raise InputError(
                    str(path),
                    f"has '{cell}' in column {column + 1}, where a count of raters belongs.",
                    line=line,
                    hint="Give whole numbers of raters (0, 1, 2, ...) per category.",
                )
            counts[unit, column] = float(cell)
    if all(map(is_number, names)):
        domain = np.array([float(name) for name in names])
    elif numeric:
        text = next(name for name in names if not is_number(name))
        raise InputError(
            str(path),
            f"names the category '{text}', which is not a number.",
            hint="Ordinal, interval and ratio data and weights need numeric categories.",
        )
    else:
        domain = np.arange(len(names), dtype=np.float64)
    return Counts(names, counts, domain)
