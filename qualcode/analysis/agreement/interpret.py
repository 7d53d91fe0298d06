"""Verbal bands for agreement coefficients."""


def interpret_alpha(value: float | None) -> str:
    """Krippendorff's (2004, p. 241) bands: >= .800 reliable, >= .667 tentative."""
    if value is None:
        return "undefined"
    if value >= 0.800:
        return "reliable"
    if value >= 0.667:
        return "tentative"
    return "unreliable"


def interpret_kappa(value: float | None) -> str:
    """Landis & Koch's (1977) bands for kappa-type coefficients."""
    if value is None:
        return "undefined"
    if value < 0:
        return "poor"
    bands = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))
    for upper, label in bands:
        if value <= upper:
            return label
    return "almost perfect"


ALPHA_CONVENTION = "Krippendorff (2004)"
KAPPA_CONVENTION = "Landis & Koch (1977)"


def interpret_interval(
    kind: str, value: float | None, low: float | None = None, high: float | None = None
) -> str:
    """The band of the interval: one band when both ends fall in it, else "low to high"
    (e.g. "tentative to reliable"); the point's band when there is no interval. `kind` is
    "alpha" (Krippendorff's bands) or "kappa" (Landis & Koch's)."""
    band = interpret_alpha if kind == "alpha" else interpret_kappa
    if value is None:
        return "undefined"
    if low is None or high is None:
        return band(value)
    lower, upper = band(low), band(high)
    return lower if lower == upper else f"{lower} to {upper}"
