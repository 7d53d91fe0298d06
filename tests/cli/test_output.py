"""The one CLI output module: format choice, one table per CSV, terminal layouts by width."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from qualcode.cli.output import choose_format, fitted, pick_table, short_labels, to_rich
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import QualcodeError

WIDE = ResultTable(
    title="Agreement per code",
    columns=[
        "code",
        "units",
        "percent agreement",
        "Cohen's kappa",
        "Fleiss' kappa",
        "Krippendorff's alpha",
        "band",
        "Brennan-Prediger",
        "Gwet's AC1",
        "Scott's pi",
        "Holsti's CR",
    ],
    rows=[
        [
            "relational_coordination",
            *(518, 0.938, 0.781, 0.781, 0.781, "tentative", 0.876, 0.914, 0.781, 0.938),
        ],
        ["(all codes)", 2072, 0.948, 0.822, 0.822, 0.822, "reliable", 0.896, 0.926, 0.822, 0.948],
    ],
    notes=["A = anna, B = ben."],
)


def rendered(table: ResultTable, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, no_color=True)
    for piece in fitted(table, console):
        console.print(piece)
    return console.file.getvalue().splitlines()


def test_the_format_follows_the_option_then_the_suffix_then_the_terminal() -> None:
    assert choose_format(None, None) == "table"
    assert choose_format(None, Path("out.XLSX")) == "xlsx"
    assert choose_format("md", Path("out.txt")) == "md"
    with pytest.raises(QualcodeError, match="Unknown format 'pdf'"):
        choose_format("pdf", None)
    with pytest.raises(QualcodeError, match="prints to the terminal"):
        choose_format("table", Path("out.csv"))


def test_a_table_is_picked_by_number_or_name() -> None:
    other = ResultTable(title="Chi-square test", columns=["x"], rows=[[1]])
    result = ResultSet.describe(
        [WIDE, other], codebook="c", codebook_version="1", coder_layer="all", qualcode_version="0"
    )
    assert pick_table(result, "2") is other
    assert pick_table(result, "chi-square-test") is other
    assert pick_table(result, "chi") is other
    with pytest.raises(QualcodeError, match="1 agreement-per-code, 2 chi-square-test"):
        pick_table(result, "3")


@pytest.mark.parametrize("width", [80, 100])
def test_a_wide_table_is_laid_out_in_panels_that_fit_with_a_legend(width: int) -> None:
    lines = rendered(WIDE, width)
    assert max(len(line) for line in lines if "─" in line or "│" in line) <= width
    text = " ".join(" ".join(lines).split())
    assert "Agreement per code, part 1 of" in text
    # Every panel repeats the row labels, and no figure or code name is cut.
    assert text.count("relational_coordination") >= 2 and "…" not in text
    for figure in ("0.938", "0.781", "0.876", "0.914", "tentative", "2072"):
        assert figure in text
    assert "Kripp-α = Krippendorff's alpha" in text
    assert "A = anna, B = ben." in text


def test_a_table_that_fits_is_shown_whole() -> None:
    lines = rendered(WIDE, 220)
    assert not any("part 1" in line or "Columns:" in line for line in lines)
    assert any("Krippendorff's alpha" in line for line in lines)


def test_short_labels_abbreviate_long_headers_uniquely() -> None:
    columns = ["code", "Krippendorff's alpha", "Turns with A", "Turns with B", "prevalence"]
    assert short_labels(columns) == ["code", "Kripp-α", "Tur.wit.A", "Tur.wit.B", "prev."]


def test_a_named_code_column_is_shortened_to_its_key() -> None:
    # the framework matrix's columns: "Name (key)"; not "Tem.(te" from the words
    columns = ["Department", "Temporality (temporality)", "Open codes (open)"]
    assert short_labels(columns) == ["Depa.", "tem", "open"]
    assert short_labels(["Breaks (temporality.breaks)"]) == ["tem.bre"]


def test_no_header_or_word_is_cut_at_80_columns() -> None:
    """A long one-word header becomes a marked abbreviation in the legend, never a cut word
    (`prevalence` was `prevale`), and hyphenated words in cells wrap whole."""
    table = WIDE.model_copy(
        update={
            "columns": [*WIDE.columns, "prevalence"],
            "rows": [[*row, 0.039] for row in WIDE.rows],
        }
    )
    table.rows[0][0] = "(all codes) of Brennan-Prediger-Krippendorff"
    lines = rendered(table, 80)
    assert max(len(line) for line in lines if line[:1] in "┏┃┡│└") <= 80
    text = " ".join(" ".join(lines).split())
    assert "prevale " not in text and "…" not in text
    assert "prev. = prevalence" in text
    assert "Brennan-Prediger-Krippendorff" in text


def test_rich_table_styles_residual_cells_and_keeps_brackets_literal() -> None:
    table = ResultTable(
        title="[bold]literal",
        columns=["Code", "n"],
        rows=[["[x]", 5], ["y", 1]],
        styles=[[None, "over"], [None, "under"]],
        notes=["a note"],
    )
    view = to_rich(table)
    cells = list(view.columns[1].cells)
    assert [str(cell.style) for cell in cells] == ["bold green", "red"]
    assert view.columns[1].justify == "right" and view.columns[0].justify == "left"
    console = Console(file=io.StringIO(), width=60, no_color=True)
    console.print(view)
    output = console.file.getvalue()
    assert "[bold]" in output and "[x]" in output and "a note" in output


def test_a_codes_by_groups_table_too_wide_gives_short_keys_not_panels() -> None:
    """`freq --by department` at 80 columns: the codebook's long keys and names left one
    number per panel; the codes become short keys spelled out in a legend instead."""
    groups = ["Bed ward", "Dagkirurgisk afsnit", "Outpatient clinic"]
    table = ResultTable(
        title="Coded turns by department",
        columns=["Code", "Name", *groups, "Total"],
        rows=[
            ["relational_coordination.shared_knowledge", "Shared knowledge", 5, 5, 8, 18],
            ["relational_coordination.shared_goals", "Shared goals", 2, 2, 4, 8],
            [None, "Participant turns in group", 123, 157, 141, 421],
        ],
    )
    lines = rendered(table, 80)
    text = " ".join(" ".join(lines).split())
    assert "part 1 of" not in text and "…" not in text
    assert max(len(line) for line in lines if line[:1] in "┏┃┡│└") <= 80
    assert "│ rel.sha1 " in "\n".join(lines) and "│ rel.sha2 " in "\n".join(lines)
    assert "│ Participant turns in" in "\n".join(lines)  # a row named only by its name
    assert (
        "Codes: rel.sha1 = relational_coordination.shared_knowledge (Shared knowledge); "
        "rel.sha2 = relational_coordination.shared_goals (Shared goals)"
    ) in text
