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
