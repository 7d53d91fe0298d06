"""Agreement results laid out as tables: the per-code rows of `qualcode agree` and the
coefficients of a reliability matrix."""

from __future__ import annotations

from qualcode.analysis.agreement.definitions import BANDS
from qualcode.analysis.agreement.interpret import interpret_alpha, interpret_kappa
from qualcode.analysis.agreement.nominal import AgreementResult
from qualcode.domain.agreement import ALL_CODES, AgreementOptions, AgreementRow
from qualcode.domain.table import ResultTable


def rows_table(rows: list[AgreementRow], options: AgreementOptions) -> ResultTable:
    """Rows as a table: the four counts, the coefficients, alpha's band, the units behind."""
    character = options.unit == "character"
    coders = rows[0].coders if rows else ()
    two = len(coders) == 2 or character
    group = [] if options.by == "code" else [options.by]
    counts = ["both", "A only", "B only", "neither"] if two else ["all", "some", "none"]
    if character:
        columns = [
            *group,
            "coders",
            "code",
            "characters",
            *counts,
            "percent agreement",
            "kappa",
            "|u-alpha",
            "band",
        ]
    else:
        kappa = ["Cohen's kappa"] if two else []
        columns = [
            *group,
            "code",
            "units",
            *counts,
            "percent agreement",
            *kappa,
            "Fleiss' kappa",
            "Krippendorff's alpha",
            "band",
            "Brennan-Prediger",
            "Gwet's AC1",
        ]
    table_rows = []
    for row in rows:
        cells: list[str | int | float | None] = [row.group] if group else []
        if character:
            cells += ["/".join(row.coders)]
        cells += [row.code, row.n_units]
        cells += (
            [row.both, row.a_only, row.b_only, row.neither]
            if two
            else [row.both, row.split, row.neither]
        )
        if character:
            cells += [
                row.percent_agreement,
                row.cohen_kappa,
                row.u_alpha,
                "" if row.code == ALL_CODES else interpret_alpha(row.u_alpha),
            ]
        else:
            cells += [
                row.percent_agreement,
                *([row.cohen_kappa] if two else []),
                row.fleiss_kappa,
                row.krippendorff_alpha,
                interpret_alpha(row.krippendorff_alpha),
                row.brennan_prediger,
                row.gwet_ac1,
            ]
        table_rows.append(cells)
    unit = {"turn": "turns", "sentence": "sentences", "character": "characters"}[options.unit]
    notes = [
        f"Coders: {', '.join(coders) if not character else 'each pair'}; units: {unit}; "
        "empty cells are undefined (for instance a code nobody used).",
        *BANDS,
    ]
    if two and coders and not character:
        notes.insert(1, f"A = {coders[0]}, B = {coders[1]}.")
    if character:
        notes.insert(
            1,
            "A and B are the first and second coder of each pair; percent "
            "agreement and kappa are averaged over transcripts weighted by length.",
        )
    return ResultTable(
        title=f"Agreement per {options.by} ({options.unit} level)",
        columns=columns,
        rows=table_rows,
        notes=notes,
    )


def matrix_table(
    title: str, coders: list[str], n_rows: int, result: AgreementResult
) -> ResultTable:
    """Every coefficient of a reliability matrix with its band and units."""
    alpha = result.krippendorff_alpha
    rows: list[list[str | int | float | None]] = [
        ["percent agreement", result.percent_agreement.value, "", result.n_units],
        [
            f"Krippendorff's alpha ({alpha.level})",
            alpha.value,
            interpret_alpha(alpha.value),
            result.n_units,
        ],
    ]
    for name, value in (
        ("Cohen's kappa", result.cohen_kappa),
        ("Fleiss' kappa", result.fleiss_kappa),
        ("Brennan-Prediger", result.brennan_prediger),
        ("Gwet's AC1", result.gwet_ac1),
    ):
        if value is not None:
            rows.append([name, value.value, interpret_kappa(value.value), value.n_units])
    return ResultTable(
        title=title,
        columns=["coefficient", "value", "band", "units"],
        rows=rows,
        notes=[
            f"{n_rows} units x {len(coders)} coders ({', '.join(coders)}); units "
            "with fewer than two values are not pairable.",
            *BANDS,
        ],
    )
