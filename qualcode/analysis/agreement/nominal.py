"""Agreement coefficients for coders who each give units one value (nominal and beyond).

Reliability data is a units x coders matrix of floats, NaN where a coder did not code a
unit. Every coefficient is `None` where it is undefined (for instance chance agreement of 1
because all coders used one and the same category), never a made-up 0 or 1.

Fleiss' kappa, Brennan-Prediger and Gwet's AC1 use the multi-rater forms with a varying
number of raters per unit (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2
and 4; as in Gwet's irrCAC package): observed agreement averages, over units with at least
two values, the share of agreeing coder pairs; category prevalences average, over units with
at least one value, each unit's share of the category. With complete data this is exactly
Fleiss (1971). Krippendorff's alpha comes from the `krippendorff` package.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement._counts import CategoryCounts, as_matrix, category_counts
from qualcode.errors import QualcodeError

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

# Chance agreement this close to 1 leaves no room for agreement beyond chance.
_UNDEFINED_MARGIN = 1e-12


@dataclass(frozen=True)
class PercentAgreement:
    """Share of agreeing coder pairs, averaged over units with at least two values."""

    value: float | None
    n_units: int


@dataclass(frozen=True)
class ChanceCorrected:
    """A kappa-type coefficient (p_o - p_e) / (1 - p_e) with its parts."""

    value: float | None
    observed: float | None
    expected: float | None
    n_units: int


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha at one level of measurement."""

    value: float | None
    level: Level
    n_units: int


@dataclass(frozen=True)
class PresenceCounts:
    """Two coders' binary presence data as a 2 x 2 table."""

    both: int
    a_only: int
    b_only: int
    neither: int

    @property
    def total(self) -> int:
        return self.both + self.a_only + self.b_only + self.neither


@dataclass(frozen=True)
class AgreementResult:
    """All coefficients that apply to one reliability matrix.

    A field is `None` when the coefficient does not apply (Cohen's kappa needs exactly two
    coders; the kappa family is nominal only); its `.value` is `None` when it applies but
    is undefined for these data.
    """

    n_units: int
    n_coders: int
    percent_agreement: PercentAgreement
    krippendorff_alpha: Alpha
    cohen_kappa: ChanceCorrected | None
    fleiss_kappa: ChanceCorrected | None
    brennan_prediger: ChanceCorrected | None
    gwet_ac1: ChanceCorrected | None


def chance_corrected(
    observed: float | None, expected: float | None, n_units: int
) -> ChanceCorrected:
    """(p_o - p_e) / (1 - p_e), None where p_o or p_e is missing or p_e is 1."""
    if observed is None or expected is None or 1.0 - expected < _UNDEFINED_MARGIN:
        return ChanceCorrected(None, observed, expected, n_units)
    return ChanceCorrected((observed - expected) / (1.0 - expected), observed, expected, n_units)


@dataclass(frozen=True)
class Summary:
    """Observed agreement and category prevalences shared by the kappa family."""

    observed: float | None
    n_units: int
    prevalence: npt.NDArray[np.float64]
    q: int


def summarise(table: CategoryCounts) -> Summary:
    """Gwet's (2014) multi-rater p_a and pi_k for a varying number of raters per unit.

    p_a is the mean share of agreeing ordered coder pairs over units with two or more
    values; pi_k the mean share of category k over units with at least one value.
    """
    q = len(table.domain)
    ones = np.ones(q)
    counts = table.counts
    raters = counts @ ones
    paired = raters >= 2
    n_units = int(np.count_nonzero(paired))
    observed = None
    if n_units:
        r = raters[paired]
        agreeing = (counts[paired] * (counts[paired] - 1)) @ ones
        observed = float((agreeing / (r * (r - 1))).mean())
    rated = raters >= 1
    prevalence = (counts[rated] / raters[rated, None]).mean(axis=0) if rated.any() else np.zeros(q)
    return Summary(observed, n_units, prevalence, q)


def fleiss_from(summary: Summary) -> ChanceCorrected:
    expected = float((summary.prevalence**2).sum()) if summary.n_units else None
    return chance_corrected(summary.observed, expected, summary.n_units)


def brennan_prediger_from(summary: Summary, q: int) -> ChanceCorrected:
    expected = 1.0 / q if summary.n_units and q >= 1 else None
    return chance_corrected(summary.observed, expected, summary.n_units)


def gwet_ac1_from(summary: Summary) -> ChanceCorrected:
    if not summary.n_units or summary.q < 2:
        return ChanceCorrected(None, summary.observed, None, summary.n_units)
    pi = summary.prevalence
    expected = float((pi * (1.0 - pi)).sum() / (summary.q - 1))
    return chance_corrected(summary.observed, expected, summary.n_units)


def _pool_unanimous(counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Pool units on which all coders chose one category into one row per category.

    Such a unit with r values adds exactly r to the coincidence o_kk (r(r-1) pairs over
    r-1) and nothing elsewhere, so a single pseudo-unit holding their summed count gives
    the same coincidence matrix, and alpha, with far fewer rows for the package: binary
    presence data are mostly unanimous "absent" units.
    """
    unanimous = np.count_nonzero(counts, axis=1) == 1
    pooled = counts[unanimous].sum(axis=0)
    return np.vstack([counts[~unanimous], np.diag(pooled)[pooled > 0]])


def alpha_from_counts(table: CategoryCounts, level: Level) -> Alpha:
    if level not in LEVELS:
        raise QualcodeError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    paired = table.counts[table.raters >= 2]
    n_units = len(paired)
    if n_units == 0 or len(table.domain) < 2:
        return Alpha(None, level, n_units)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(
            krippendorff.alpha(
                value_counts=_pool_unanimous(paired),
                value_domain=table.domain,
                level_of_measurement=level,
            )
        )
    return Alpha(value if np.isfinite(value) else None, level, n_units)


def percent_agreement(data: npt.ArrayLike) -> PercentAgreement:
    """Pairwise percent agreement over units that at least two coders coded."""
    summary = summarise(category_counts(data))
    return PercentAgreement(summary.observed, summary.n_units)


def cohen_kappa(a: npt.ArrayLike, b: npt.ArrayLike) -> ChanceCorrected:
    """Cohen's (1960) kappa for two coders over the units both of them coded."""
    left = np.asarray(a, dtype=np.float64)
    right = np.asarray(b, dtype=np.float64)
    if left.shape != right.shape or left.ndim != 1:
        raise QualcodeError(
            f"Cohen's kappa needs two equally long value lists, got {left.shape} and "
            f"{right.shape}; pass one value per unit for each coder."
        )
    both = ~(np.isnan(left) | np.isnan(right))
    table = category_counts(np.column_stack([left[both], right[both]]))
    n = int(both.sum())
    if n == 0:
        return ChanceCorrected(None, None, None, 0)
    q = len(table.domain)
    first = np.searchsorted(table.domain, left[both])
    second = np.searchsorted(table.domain, right[both])
    confusion = np.bincount(first * q + second, minlength=q * q).reshape(q, q) / n
    observed = float(np.trace(confusion))
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0))
    return chance_corrected(observed, expected, n)


def fleiss_kappa(data: npt.ArrayLike) -> ChanceCorrected:
    """Fleiss' (1971) kappa; units may have different numbers of coders (see module doc)."""
    return fleiss_from(summarise(category_counts(data)))


def brennan_prediger(data: npt.ArrayLike, q: int) -> ChanceCorrected:
    """Brennan & Prediger's (1981) coefficient with chance agreement 1/q for q categories."""
    table = category_counts(data)
    if q < max(len(table.domain), 1):
        raise QualcodeError(
            f"q = {q} is fewer than the {len(table.domain)} categories in the data; "
            "pass the number of categories the coders could choose from."
        )
    return brennan_prediger_from(summarise(table), q)


def gwet_ac1(data: npt.ArrayLike, categories: Sequence[float] | None = None) -> ChanceCorrected:
    """Gwet's (2008) AC1 over the observed categories, or over `categories` if given."""
    return gwet_ac1_from(summarise(category_counts(data, categories)))


def krippendorff_alpha(
    data: npt.ArrayLike, level: Level = "nominal", categories: Sequence[float] | None = None
) -> Alpha:
    """Krippendorff's alpha via the `krippendorff` package; `None` where it is undefined."""
    return alpha_from_counts(category_counts(data, categories), level)


def presence_counts(a: npt.ArrayLike, b: npt.ArrayLike) -> PresenceCounts:
    """Tabulate two coders' binary presence vectors (truthy = present)."""
    left = np.asarray(a, dtype=bool)
    right = np.asarray(b, dtype=bool)
    if left.shape != right.shape:
        raise QualcodeError(
            f"Presence vectors differ in length ({left.size} and {right.size}); "
            "compare the same units for both coders."
        )
    both = int(np.count_nonzero(left & right))
    a_only = int(np.count_nonzero(left)) - both
    b_only = int(np.count_nonzero(right)) - both
    return PresenceCounts(both, a_only, b_only, left.size - both - a_only - b_only)


def presence_kappa(counts: PresenceCounts) -> ChanceCorrected:
    """Percent agreement and Cohen's kappa of a 2 x 2 presence table."""
    n = counts.total
    if n == 0:
        return ChanceCorrected(None, None, None, 0)
    observed = (counts.both + counts.neither) / n
    p_a = (counts.both + counts.a_only) / n
    p_b = (counts.both + counts.b_only) / n
    return chance_corrected(observed, p_a * p_b + (1 - p_a) * (1 - p_b), n)


def coefficients(
    data: npt.ArrayLike, *, level: Level = "nominal", categories: Sequence[float] | None = None
) -> AgreementResult:
    """Every coefficient that applies to the matrix, from one pass over the counts.

    `categories` fixes the category set: it sets q for Brennan-Prediger and AC1 and the
    ordered domain for ordinal alpha. Without it, the categories are the values that occur,
    so a code nobody used leaves one category and every chance-corrected coefficient
    undefined; with `categories=(0, 1)` Brennan-Prediger and AC1 are 1.0 for it (their chance
    agreement stays below 1) while kappa and alpha remain undefined.
    """
    matrix = as_matrix(data)
    table = category_counts(matrix, categories)
    summary = summarise(table)
    nominal = level == "nominal"
    two_coders = matrix.shape[1] == 2
    return AgreementResult(
        n_units=summary.n_units,
        n_coders=matrix.shape[1],
        percent_agreement=PercentAgreement(summary.observed, summary.n_units),
        krippendorff_alpha=alpha_from_counts(table, level),
        cohen_kappa=cohen_kappa(matrix[:, 0], matrix[:, 1]) if nominal and two_coders else None,
        fleiss_kappa=fleiss_from(summary) if nominal else None,
        brennan_prediger=brennan_prediger_from(summary, summary.q) if nominal else None,
        gwet_ac1=gwet_ac1_from(summary) if nominal else None,
    )
