"""Cells for the Agreement screen: one row per code, one row per disagreement, and the
text of the highlighted disagreement with each coder's codes."""

from __future__ import annotations

from rich.text import Text

from qualcode.domain.agreement import AgreementRow, Disagreement

# The coefficients come right after the code, so they show at 80 columns without scrolling.
CODE_COLUMNS = ("Code", "α", "κ", "AC1", "Agree", "Units", "Both", "A only", "B only", "Neither")
DISAGREEMENT_COLUMNS = ("Transcript", "Turn", "Speaker", "A", "B", "Adjudicated")
RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff's bands for alpha


def _number(value: float | None) -> Text:
    return Text("—" if value is None else f"{value:.3f}", justify="right")


def _alpha(value: float | None) -> Text:
    cell = _number(value)
    if value is not None:
        cell.stylize("green" if value >= RELIABLE else "yellow" if value >= TENTATIVE else "red")
    return cell


def code_cells(row: AgreementRow) -> tuple[str | Text, ...]:
    """Coefficients and counts of one code (as CODE_COLUMNS); "—" where a coefficient is
    undefined."""
    agree = "—" if row.percent_agreement is None else f"{100 * row.percent_agreement:.1f}%"
    counts = (row.n_units, row.both, row.a_only, row.b_only, row.neither)
    return (
        row.code,
        _alpha(row.krippendorff_alpha),
        _number(row.cohen_kappa),
        _number(row.gwet_ac1),
        Text(agree, justify="right"),
        *(Text("" if n is None else str(n), justify="right") for n in counts),
    )


def _mark(item: Disagreement, coder: str) -> str:
    if coder not in item.codes:
        return "n/a"
    return "coded" if coder in item.coded_by else "—"


def disagreement_cells(item: Disagreement, pair: tuple[str, str]) -> tuple[str, ...]:
    resolution = item.resolution
    return (
        item.transcript,
        str(item.ordinal + 1),
        item.speaker or "",
        _mark(item, pair[0]),
        _mark(item, pair[1]),
        resolution.decision if resolution else "",
    )


def disagreement_detail(item: Disagreement, pair: tuple[str, str]) -> Text:
    """The turn's text, what each coder coded on it, and the adjudication in force."""
    text = Text.assemble(
        (f"{item.speaker or 'no speaker'}", "bold"),
        f"  {item.transcript}, turn {item.ordinal + 1}\n",
    )
    text.append(item.text + "\n")
    for label, coder in zip("AB", pair, strict=True):
        codes = ", ".join(item.codes.get(coder, [])) or "no codes"
        text.append(f"{label} {coder}: ", "bold")
        text.append(codes + "\n", "dim")
    resolution = item.resolution
    if resolution is not None:
        text.append(f"Adjudicated: {resolution.decision}", "bold")
        if resolution.supervisor:
            text.append(f" by {resolution.supervisor}")
        if resolution.memo:
            text.append(f" — {resolution.memo}", "italic")
    return text
