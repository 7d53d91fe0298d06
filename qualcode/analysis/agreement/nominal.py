"""Agreement coefficients for coders who each give units one value (nominal and beyond).

Reliability data is a units x coders matrix of floats, NaN where a coder did not code a
unit. Every coefficient is `None` where it is undefined (for instance chance agreement of 1
because all coders used one and the same category), never a made-up 0 or 1.

Fleiss' kappa, Brennan-Prediger and Gwet's AC1 use the multi-rater forms with a varying
number of raters per unit (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2
and 4; as in Gwet's irrCAC package): observed agreement averages, over units with at least
two values, the share of agreeing coder pairs; category prevalences average, over units with
at least one value, each unit's share of the category. With complete data this is exactly
Fleiss (1971). They, Conger's, Cohen's and Light's kappa, with agreement weights for ordered
categories and Gwet's standard errors, come from `multirater` and `raters`. Krippendorff's
alpha comes from the `krippendorff` package, its interval from Krippendorff's bootstrap
(`bootstrap`).
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import krippendorff
import numpy as np
import numpy.typing as npt

from qualcode.analysis.agreement._counts import CategoryCounts, as_matrix, category_counts
from qualcode.analysis.agreement.bootstrap import Bootstrap, alpha_interval
from qualcode.analysis.agreement.multirater import ChanceCorrected, category_kappas, family
from qualcode.analysis.agreement.raters import cohen, cohen_table, conger, light, light_interval
from qualcode.analysis.agreement.weights import Weighting, weight_matrix
from qualcode.errors import QualcodeError

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class PercentAgreement:
    """Share of agreeing coder pairs, averaged over units with at least two values."""

    value: float | None
    n_units: int
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha at one level of measurement, with its bootstrap interval."""

    value: float | None
    level: Level
    n_units: int
    ci_low: float | None = None
    ci_high: float | None = None


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
    conger_kappa: ChanceCorrected | None = None
    light_kappa: ChanceCorrected | None = None
    category_kappas: tuple[ChanceCorrected, ...] = ()
    specific_agreement: tuple[ChanceCorrected, ...] = ()
    """Per category (in the domain's order; for presence data: not coded, coded), the
    agreement specific to it (`multirater.specific_agreement`)."""
    weights: Weighting = "identity"
    bootstrap: Bootstrap | None = None


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


def alpha_from_counts(
    table: CategoryCounts, level: Level, bootstrap: Bootstrap | None = None
) -> Alpha:
    """Alpha via the package; with `bootstrap`, Krippendorff's bootstrap interval too."""
    if level not in LEVELS:
        raise QualcodeError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    paired = table.counts[table.raters >= 2]
    n_units = len(paired)
    if n_units == 0 or len(table.domain) < 2:
        return Alpha(None, level, n_units)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pooled = _pool_unanimous(paired)
        value = float(
            krippendorff.alpha(
                value_counts=pooled, value_domain=table.domain, level_of_measurement=level
            )
        )
    if not np.isfinite(value):
        return Alpha(None, level, n_units)
    if bootstrap is None:
        return Alpha(value, level, n_units)
    low, high = alpha_interval(pooled, table.domain, level, table.n_coders, bootstrap=bootstrap)
    return Alpha(value, level, n_units, low, high)


def percent_agreement(data: npt.ArrayLike) -> PercentAgreement:
    """Pairwise percent agreement over units that at least two coders coded."""
    result = family(category_counts(data).counts, confidence=None).percent_agreement
    return PercentAgreement(result.value, result.n_units)


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
    domain = np.unique(np.concatenate([left[both], right[both]]))
    return cohen(left, right, domain, confidence=None)


def fleiss_kappa(data: npt.ArrayLike) -> ChanceCorrected:
    """Fleiss' (1971) kappa; units may have different numbers of coders (see module doc)."""
    return family(category_counts(data).counts, confidence=None).fleiss_kappa


def brennan_prediger(data: npt.ArrayLike, q: int) -> ChanceCorrected:
    """Brennan & Prediger's (1981) coefficient with chance agreement 1/q for q categories."""
    table = category_counts(data)
    if q < max(len(table.domain), 1):
        raise QualcodeError(
            f"q = {q} is fewer than the {len(table.domain)} categories in the data; "
            "pass the number of categories the coders could choose from."
        )
    padded = np.pad(table.counts, ((0, 0), (0, q - len(table.domain))))
    return family(padded, confidence=None).brennan_prediger


def gwet_ac1(data: npt.ArrayLike, categories: Sequence[float] | None = None) -> ChanceCorrected:
    """Gwet's (2008) AC1 over the observed categories, or over `categories` if given."""
    return family(category_counts(data, categories).counts, confidence=None).gwet_ac


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


def presence_kappa(counts: PresenceCounts, confidence: float | None = None) -> ChanceCorrected:
    """Percent agreement (`observed`) and Cohen's kappa of a 2 x 2 presence table."""
    table = [[counts.both, counts.a_only], [counts.b_only, counts.neither]]
    return cohen_table(table, confidence=confidence)


def counts_coefficients(
    table: CategoryCounts,
    *,
    level: Level = "nominal",
    weights: Weighting | None = None,
    bootstrap: Bootstrap | None = None,
) -> AgreementResult:
    """The coefficients that need no rater identity, from a counts table (Fleiss 1971's
    layout): percent agreement, alpha, Fleiss, Brennan-Prediger, AC1/AC2 and Fleiss'
    per-category kappas; see `coefficients`."""
    kind: Weighting = weights or "identity"
    confidence = 0.95 if bootstrap is not None else None
    result = family(table.counts, weight_matrix(kind, table.domain), confidence=confidence)
    kappas = level == "nominal" or weights is not None
    percent = result.percent_agreement
    return AgreementResult(
        n_units=percent.n_units,
        n_coders=table.n_coders,
        percent_agreement=PercentAgreement(
            percent.value, percent.n_units, percent.ci_low, percent.ci_high
        ),
        krippendorff_alpha=alpha_from_counts(table, level, bootstrap),
        cohen_kappa=None,
        fleiss_kappa=result.fleiss_kappa if kappas else None,
        brennan_prediger=result.brennan_prediger if kappas else None,
        gwet_ac1=result.gwet_ac if kappas else None,
        category_kappas=tuple(category_kappas(table.counts, confidence))
        if level == "nominal" and kind == "identity" and len(table.domain) >= 3
        else (),
        weights=kind,
        bootstrap=bootstrap,
    )


def coefficients(
    data: npt.ArrayLike,
    *,
    level: Level = "nominal",
    categories: Sequence[float] | None = None,
    weights: Weighting | None = None,
    bootstrap: Bootstrap | None = None,
) -> AgreementResult:
    """Every coefficient that applies to the matrix.

    `categories` fixes the category set: it sets q for Brennan-Prediger and AC1 and the
    ordered domain for ordinal alpha. Without it, the categories are the values that occur,
    so a code nobody used leaves one category and every chance-corrected coefficient
    undefined; with `categories=(0, 1)` Brennan-Prediger and AC1 are 1.0 for it (their chance
    agreement stays below 1) while kappa and alpha remain undefined.

    The kappa family applies to nominal data, and to any level with `weights` (Cohen's
    weighted kappa, Gwet's AC2, weighted Brennan-Prediger and Fleiss and Conger). With
    `bootstrap`, every coefficient carries a 95 % interval: Gwet's standard errors for the
    kappa family and percent agreement, Krippendorff's bootstrap for alpha, a bootstrap over
    units for Light's kappa.
    """
    matrix = as_matrix(data)
    table = category_counts(matrix, categories)
    result = counts_coefficients(table, level=level, weights=weights, bootstrap=bootstrap)
    if result.fleiss_kappa is None:  # the kappa family does not apply
        return result
    w = weight_matrix(result.weights, table.domain)
    confidence = 0.95 if bootstrap is not None else None
    m = matrix.shape[1]
    domain = table.domain
    if m == 2:
        return replace(result, cohen_kappa=cohen(matrix[:, 0], matrix[:, 1], domain, w, confidence))
    light_kappa = None
    if result.weights == "identity":
        light_kappa = light(matrix, domain)
        if bootstrap is not None and light_kappa.value is not None:
            low, high = light_interval(matrix, domain, bootstrap.resamples, bootstrap.seed)
            light_kappa = replace(light_kappa, ci_low=low, ci_high=high)
    return replace(
        result, conger_kappa=conger(matrix, domain, w, confidence), light_kappa=light_kappa
    )
