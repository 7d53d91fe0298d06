"""Agreement results laid out as tables: the per-code rows of `qualcode agree`, the
coefficients with their intervals (as a methods section reports them), and the
coefficients of a reliability matrix."""

from __future__ import annotations

from typing import Protocol

from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.definitions import BANDS
from qualcode.analysis.agreement.interpret import (
    ALPHA_CONVENTION,
    KAPPA_CONVENTION,
    interpret_alpha,
    interpret_interval,
)
from qualcode.analysis.agreement.layers import Context, TurnLayers, ordinal_values
from qualcode.analysis.agreement.nominal import AgreementResult, coefficients
from qualcode.domain.agreement import ALL_CODES, AgreementOptions, AgreementRow
from qualcode.domain.table import Cell, ResultTable
from qualcode.errors import QualcodeError

LOW_PREVALENCE = 0.05
"""Below this share of units coded by anyone, kappa and alpha are unstable."""

LOW_PREVALENCE_NOTE = (
    f"prevalence < {LOW_PREVALENCE:.0%}: kappa and alpha are unstable; read the counts, "
    "AC1 and Brennan-Prediger"
)

UNIT_NAMES = {"turn": "turns", "sentence": "sentences", "character": "characters"}

# (field of AgreementRow, name in tables, band convention: "alpha", "kappa" or "")
COEFFICIENTS = (
    ("percent_agreement", "percent agreement", ""),
    ("cohen_kappa", "Cohen's kappa", "kappa"),
    ("fleiss_kappa", "Fleiss' kappa", "kappa"),
    ("krippendorff_alpha", "Krippendorff's alpha", "alpha"),
    ("brennan_prediger", "Brennan-Prediger", "kappa"),
    ("gwet_ac1", "Gwet's AC1", "kappa"),
    ("conger_kappa", "Conger's kappa", "kappa"),
    ("light_kappa", "Light's kappa", "kappa"),
    ("positive_agreement", "positive agreement", ""),
    ("negative_agreement", "negative agreement", ""),
)

SPECIFIC_NOTE = (
    "positive agreement: of the coder pairs on a unit where one coded the code, the share "
    "where the other did too; negative agreement: the same for leaving it off (specific "
    "agreement per category, Fleiss 1971; Cicchetti & Feinstein 1990). Fleiss' kappa of a "
    "code is Fleiss' per-category kappa of coded against not coded."
)
RATERS_NOTE = (
    "Conger's kappa: chance agreement from each coder's own marginals (Conger 1980); "
    "Light's kappa: the mean of Cohen's kappa over every pair of coders (Light 1971)."
)


def _aggregation_note(options: AgreementOptions) -> str:
    if options.average == "pooled":
        how = "kappa of the counts pooled over transcripts (they follow from the counts shown)"
    else:
        how = (
            f"NVivo-style {options.average} mean of per-transcript values"
            + (" (weighted by length)" if options.average == "weighted" else "")
            + "; the counts shown are pooled, so the figures do not follow from them"
        )
    empty = (
        "a transcript neither coder coded counts as kappa 1 (NVivo's convention)"
        if options.empty_as_one
        else "kappa is undefined for a transcript neither coder coded (NVivo would report 1)"
    )
    return (
        "A and B are the first and second coder of each pair; percent agreement and "
        f"{how}; {empty}."
    )


def rows_table(rows: list[AgreementRow], options: AgreementOptions) -> ResultTable:
    """Rows as a table: the four counts, prevalence, the coefficients, the headline
    coefficient's 95 % interval and its band (applied to the interval), the units behind."""
    character = options.unit == "character"
    coders = rows[0].coders if rows else ()
    two = len(coders) == 2 or character
    group = [] if options.by == "code" else [options.by]
    counts = ["both", "A only", "B only", "neither"] if two else ["all", "some", "none"]
    interval = ["ci_low", "ci_high"] if options.intervals else []
    if character:
        coefficients = ["percent agreement", "kappa", *interval, "|u-alpha", "band", "alpha-U"]
        columns = [*group, "coders", "code", "characters", *counts, "prevalence", *coefficients]
    else:
        kappa = ["Cohen's kappa"] if two else []
        columns = [
            *group,
            "code",
            "units",
            *counts,
            "prevalence",
            "percent agreement",
            *kappa,
            "Fleiss' kappa",
            "Krippendorff's alpha",
            *interval,
            "band",
            "Brennan-Prediger",
            "Gwet's AC1",
            *([] if two else ["Conger's kappa", "Light's kappa"]),
            "positive agreement",
            "negative agreement",
        ]
    table_rows = []
    for row in rows:
        cells: list[Cell] = [row.group] if group else []
        if character:
            cells += ["/".join(row.coders)]
        cells += [row.code, row.n_units]
        cells += (
            [row.both, row.a_only, row.b_only, row.neither]
            if two
            else [row.both, row.split, row.neither]
        )
        cells.append(row.prevalence)
        if character:
            low, high = row.intervals.get("cohen_kappa", (None, None))
            cells += [row.percent_agreement, row.cohen_kappa]
            cells += [low, high] if interval else []
            cells += [
                row.u_alpha,
                "" if row.code == ALL_CODES else interpret_alpha(row.u_alpha),
                row.alpha_u,
            ]
        else:
            low, high = row.intervals.get("krippendorff_alpha", (None, None))
            cells += [row.percent_agreement, *([row.cohen_kappa] if two else [])]
            cells += [row.fleiss_kappa, row.krippendorff_alpha]
            cells += [low, high] if interval else []
            cells += [
                interpret_interval("alpha", row.krippendorff_alpha, low, high),
                row.brennan_prediger,
                row.gwet_ac1,
                *([] if two else [row.conger_kappa, row.light_kappa]),
                row.positive_agreement,
                row.negative_agreement,
            ]
        table_rows.append(cells)
    unit = UNIT_NAMES[options.unit]
    notes = [
        f"Coders: {', '.join(coders) if not character else 'each pair'}; units: {unit}; "
        "prevalence: share of the units anyone coded with the code; empty cells are "
        "undefined (for instance a code nobody used).",
        *BANDS,
    ]
    if options.intervals:
        headline = "kappa" if character else "Krippendorff's alpha"
        notes.insert(
            1,
            f"ci_low, ci_high: 95 % interval of {headline}; the band applies to the "
            'interval ("tentative to reliable" when it straddles two bands).',
        )
    if not character:
        notes[1:1] = [SPECIFIC_NOTE] if two else [RATERS_NOTE, SPECIFIC_NOTE]
    if two and coders and not character:
        notes.insert(1, f"A = {coders[0]}, B = {coders[1]}.")
    if character:
        notes.insert(1, _aggregation_note(options))
    return ResultTable(
        title=f"Agreement per {options.by} ({options.unit} level)",
        columns=columns,
        rows=table_rows,
        notes=notes,
    )


def intervals_table(
    rows: list[AgreementRow], options: AgreementOptions, bootstrap: Bootstrap
) -> ResultTable:
    """One row per code and coefficient: value, 95 % interval, band and its convention,
    units, prevalence, and a warning where prevalence is low."""
    character = options.unit == "character"
    group = [] if options.by == "code" else [options.by]
    table_rows: list[list[Cell]] = []
    fields = (
        (("percent_agreement", "percent agreement", ""), ("cohen_kappa", "Cohen's kappa", "kappa"))
        if character
        else COEFFICIENTS
    )
    for row in rows:
        for field, name, kind in fields:
            value = getattr(row, field)
            if value is None and field not in row.intervals:
                continue
            low, high = row.intervals.get(field, (None, None))
            warning = (
                LOW_PREVALENCE_NOTE
                if kind and row.prevalence is not None and row.prevalence < LOW_PREVALENCE
                else ""
            )
            table_rows.append(
                [
                    *([row.group] if group else []),
                    "/".join(row.coders),
                    row.code,
                    name,
                    value,
                    low,
                    high,
                    interpret_interval(kind, value, low, high) if kind else "",
                    {"alpha": ALPHA_CONVENTION, "kappa": KAPPA_CONVENTION}.get(kind, ""),
                    row.n_units,
                    row.prevalence,
                    warning,
                ]
            )
    method = (
        f"bootstrap over transcripts ({bootstrap.resamples} resamples, seed {bootstrap.seed})"
        if character
        else "Gwet's (2014) standard errors with a t interval for percent agreement and the "
        "kappa family (Conger's included), the linearised variance of a ratio (Cochran 1977) "
        "for positive and negative agreement; Krippendorff's bootstrap for alpha and a "
        f"bootstrap over units for Light's kappa ({bootstrap.resamples} resamples, seed "
        f"{bootstrap.seed})"
    )
    return ResultTable(
        title=f"Coefficients with 95 % intervals per {options.by} ({options.unit} level)",
        columns=[
            *group,
            "coders",
            "code",
            "coefficient",
            "value",
            "ci_low",
            "ci_high",
            "band",
            "convention",
            UNIT_NAMES[options.unit],
            "prevalence",
            "warning",
        ],
        rows=table_rows,
        notes=[
            f"Intervals: {method}.",
            "No band for percent agreement: it is not chance-corrected.",
            f"Warning where fewer than {LOW_PREVALENCE:.0%} of the units were coded by "
            "anyone: kappa and alpha then swing with a few units (Feinstein & Cicchetti "
            "1990).",
            *BANDS,
        ],
    )


class _Estimate(Protocol):
    """A coefficient's estimate: its value and how many units it rests on."""

    @property
    def value(self) -> float | None: ...

    @property
    def n_units(self) -> int: ...


def matrix_table(
    title: str,
    coders: list[str],
    n_rows: int,
    result: AgreementResult,
    categories: list[str],
    *,
    shape: str | None = None,
) -> ResultTable:
    """Every coefficient of a reliability matrix with its interval, band and units; `shape`
    replaces the "units x coders" sentence (a counts table names no coders)."""
    rows: list[list[Cell]] = []

    def add(name: str, estimate: _Estimate | None, kind: str) -> None:
        if estimate is None:
            return
        value = estimate.value
        low, high = getattr(estimate, "ci_low", None), getattr(estimate, "ci_high", None)
        band = interpret_interval(kind, value, low, high) if kind else ""
        convention = {"alpha": ALPHA_CONVENTION, "kappa": KAPPA_CONVENTION}.get(kind, "")
        rows.append([name, value, low, high, band, convention, estimate.n_units])

    weighted = "" if result.weights == "identity" else f" ({result.weights} weights)"
    alpha = result.krippendorff_alpha
    add(f"percent agreement{weighted}", result.percent_agreement, "")
    add(f"Krippendorff's alpha ({alpha.level})", alpha, "alpha")
    ac = "Gwet's AC1" if result.weights == "identity" else "Gwet's AC2"
    for name, estimate in (
        ("Cohen's kappa", result.cohen_kappa),
        ("Conger's kappa (Hubert's)", result.conger_kappa),
        ("Light's kappa", result.light_kappa),
        ("Fleiss' kappa", result.fleiss_kappa),
        ("Brennan-Prediger", result.brennan_prediger),
        (ac, result.gwet_ac1),
    ):
        add(f"{name}{weighted}", estimate, "kappa")
    for category, estimate in zip(categories, result.category_kappas, strict=False):
        add(f"Fleiss' kappa, category {category}", estimate, "kappa")
    notes = [
        shape
        or f"{n_rows} units x {len(coders)} coders ({', '.join(coders)}); units "
        "with fewer than two values are not pairable.",
        f"Categories: {', '.join(categories)}.",
    ]
    if result.bootstrap is not None:
        notes.append(
            "ci_low, ci_high: 95 % interval; Gwet's (2014) standard errors with a t "
            "interval for percent agreement and the kappa family, Krippendorff's bootstrap "
            "for alpha and a bootstrap over units for Light's kappa "
            f"({result.bootstrap.resamples} resamples, seed {result.bootstrap.seed}); the "
            "band applies to the interval."
        )
    return ResultTable(
        title=title,
        columns=["coefficient", "value", "ci_low", "ci_high", "band", "convention", "units"],
        rows=rows,
        notes=[*notes, *BANDS],
    )


def ordinal_table(context: Context, layers: TurnLayers, options: AgreementOptions) -> ResultTable:
    """The codes of `options.codes` as the ordered levels of one rating (turn level), with
    `options.weights`."""
    if not options.codes or len(context.labels) < 2 or options.unit != "turn":
        raise QualcodeError(
            "--weights rates turns on an ordinal code set: name its levels in order with "
            "--codes (e.g. --codes pace.slow,pace.steady,pace.rushed), at turn level."
        )
    values, ambiguous = ordinal_values(layers)
    result = coefficients(
        values,
        level="ordinal",
        categories=list(range(1, len(context.labels) + 1)),
        weights=options.weights,
        bootstrap=Bootstrap() if options.intervals else None,
    )
    levels = [f"{i + 1} = {label}" for i, label in enumerate(context.labels)]
    table = matrix_table(
        f"Ordinal agreement on {', '.join(context.labels)} (turn level)",
        list(context.coders),
        len(values),
        result,
        levels,
    )
    note = (
        f"A turn's value is the level a coder applied to it; missing where the coder applied "
        f"none or did not take part; {ambiguous} (turn, coder) cells with two or more levels "
        "are left out as missing."
    )
    return table.model_copy(update={"notes": [note, *table.notes]})
