"""Result-table exporters: every format carries the query, CSV and XLSX read back equal."""

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import QualcodeError
from qualcode.exchange.tables import (
    format_cell,
    read_csv_table,
    sidecar_path,
    write,
)
from qualcode.exchange.xlsx import read_tables, sheet_names

FREQUENCIES = ResultTable(
    title="Code frequencies by department",
    columns=["Code", "Cardiology", "Neurology", "Share", "Residual"],
    rows=[
        ["temporality.breaks", 12, 3, 0.8, 2.5],
        ["jobcrafting.task", 2, 9, 0.18181818181818182, -2.5],
        ['Sagt: "vi når det ikke", æøå', 0, 1, None, -0.25],
        ["=SUM(A1:A2)", -1, 1e-07, 1.0, 0.0],
    ],
    styles=[
        [None, "over", None, None, None],
        [None, "under", None, None, None],
        [None] * 5,
        [None] * 5,
    ],
    notes=["2 of 8 cells have expected counts below 5.", "Counts are segments."],
)
AGREEMENT = ResultTable(
    title="Agreement: per code / transcript [alpha]",
    columns=["Code", "Alpha"],
    rows=[["relational.respect", 0.71]],
)


def result_set(*tables: ResultTable) -> ResultSet:
    return ResultSet.describe(
        list(tables or (FREQUENCIES, AGREEMENT)),
        codebook="three_concepts",
        codebook_version="1.4.2",
        coder_layer="consensus",
        qualcode_version="0.1.0",
        filters={"department": "Cardiology, Neurology", "group_kind": "staff"},
    )


def unstyled(table: ResultTable) -> ResultTable:
    return table.model_copy(update={"styles": None})


# ---------------------------------------------------------------- the model
def test_result_table_turns_numpy_scalars_into_python_numbers_and_nan_into_blank() -> None:
    table = ResultTable(
        title="t", columns=["a", "b", "c"], rows=[[np.int64(3), np.float64(0.5), float("nan")]]
    )
    assert table.rows == [[3, 0.5, None]]
    assert type(table.rows[0][0]) is int


def test_result_table_rejects_ragged_rows_and_misshaped_styles() -> None:
    with pytest.raises(ValidationError, match="row 2 has 1 cells"):
        ResultTable(title="t", columns=["a", "b"], rows=[[1, 2], [3]])
    with pytest.raises(ValidationError, match="same shape"):
        ResultTable(title="t", columns=["a"], rows=[[1]], styles=[[None, None]])


def test_result_set_must_name_codebook_version_and_coder_layer() -> None:
    with pytest.raises(ValidationError, match="codebook_version, coder_layer"):
        ResultSet(tables=[], query={"codebook": "x", "generated_at": "d", "qualcode_version": "v"})
    assert result_set().query["filters"] == "department = Cardiology, Neurology; group_kind = staff"


# ---------------------------------------------------------------- CSV
def test_one_table_csv_is_just_the_table_and_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "frequencies.csv"
    assert write(result_set(FREQUENCIES), "csv", path) is None
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert records[0] == FREQUENCIES.columns
    assert len(records) == 1 + len(FREQUENCIES.rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert read_csv_table(path) == unstyled(FREQUENCIES)


def test_csv_sidecar_carries_the_query(tmp_path: Path) -> None:
    path = tmp_path / "frequencies.csv"
    write(result_set(FREQUENCIES), "csv", path)
    sidecar = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert sidecar_path(path).name == "frequencies.query.json"
    assert sidecar["query"]["codebook_version"] == "1.4.2"
    assert sidecar["query"]["coder_layer"] == "consensus"
    assert sidecar["tables"][0]["notes"] == FREQUENCIES.notes


def test_a_csv_holds_one_table_and_several_are_refused_by_title() -> None:
    with pytest.raises(QualcodeError, match=r"one table; this result has 2 \(Code frequencies"):
        write(result_set(), "csv")


# ---------------------------------------------------------------- XLSX
@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "frequencies.xlsx"
    write(result_set(), "xlsx", path)
    return path


def test_xlsx_reads_back_equal(workbook_path: Path) -> None:
    read = read_tables(workbook_path)
    assert [table.title for table in read] == [FREQUENCIES.title, AGREEMENT.title]
    for table, expected in zip(read, (FREQUENCIES, AGREEMENT), strict=True):
        assert table.columns == expected.columns
        assert table.notes == expected.notes
        assert len(table.rows) == len(expected.rows)
        for row, expected_row in zip(table.rows, expected.rows, strict=True):
            # openpyxl stores 16 significant digits (Excel itself keeps 15).
            assert row == pytest.approx(expected_row, rel=1e-15)
            # Counts stay int and text stays str (integral floats may come back as int).
            assert [type(v) for v in row if not isinstance(v, int | float)] == [
                type(v) for v in expected_row if not isinstance(v, int | float)
            ]
            assert all(
                type(v) is int for v, e in zip(row, expected_row, strict=True) if type(e) is int
            )


def test_xlsx_sheets_have_frozen_bold_header_and_numeric_cells(workbook_path: Path) -> None:
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == [
        "Code frequencies by department",
        "Agreement- per code - transcrip",
        "Query",
    ]
    sheet = workbook["Code frequencies by department"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb.endswith("D9E1F2")
    assert sheet["B2"].value == 12 and sheet["B2"].data_type == "n"
    assert sheet["D3"].value == pytest.approx(0.18181818181818182) and sheet["D3"].data_type == "n"
    assert sheet["A5"].value == "=SUM(A1:A2)" and sheet["A5"].data_type == "s"  # not a formula
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width >= 8
    assert sheet.auto_filter.ref == "A1:E5"


def test_xlsx_highlights_residual_cells_and_lists_notes(workbook_path: Path) -> None:
    sheet = load_workbook(workbook_path)["Code frequencies by department"]
    assert sheet["B2"].fill.fgColor.rgb.endswith("C6EFCE") and sheet["B2"].font.bold
    assert sheet["B3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["C2"].fill.fill_type is None
    assert [sheet["A7"].value, sheet["A8"].value, sheet["A9"].value] == [
        "Notes",
        *FREQUENCIES.notes,
    ]


def test_xlsx_query_sheet_describes_the_query(workbook_path: Path) -> None:
    rows = list(load_workbook(workbook_path)["Query"].iter_rows(values_only=True))
    described = {row[0]: row[1] for row in rows if row[0]}
    assert described["Codebook version"] == "1.4.2"
    assert described["Coder layer"] == "consensus"
    assert described["Codebook"] == "three_concepts"
    assert described["Filters"] == "department = Cardiology, Neurology; group_kind = staff"
    assert described["Generated at"] == result_set().query["generated_at"]
    assert ("Agreement- per code - transcrip", AGREEMENT.title, 1) in rows


def test_xlsx_without_a_path_returns_bytes() -> None:
    content = write(result_set(), "xlsx")
    assert isinstance(content, bytes) and content.startswith(b"PK")


def test_sheet_names_are_excel_safe_and_unique() -> None:
    long = "A very long table title that goes on and on"
    names = sheet_names([long, long, "query", "a/b?", "", "'quoted'", "History"])
    assert names[0] == long[:31]
    assert names[1] == long[:27].rstrip() + " (2)"
    assert names[2:] == ["query (2)", "a-b-", "Table", "quoted", "History (2)"]
    assert all(len(name) <= 31 for name in names)


# ---------------------------------------------------------------- Markdown, JSON, HTML
def test_markdown_has_metadata_list_and_pipe_tables() -> None:
    text = write(result_set(), "md")
    assert isinstance(text, str)
    assert "- **Codebook version:** 1.4.2" in text
    assert "- **Coder layer:** consensus" in text
    assert "## Code frequencies by department" in text
    assert "| Code | Cardiology | Neurology | Share | Residual |" in text
    assert "| --- | ---: | ---: | ---: | ---: |" in text
    assert "| temporality.breaks | **12** | 3 | 0.800 | 2.500 |" in text
    assert "| jobcrafting.task | _2_ | 9 | 0.182 | -2.500 |" in text
    assert "> Counts are segments." in text


def test_markdown_escapes_pipes_in_cells() -> None:
    table = ResultTable(title="t", columns=["a|b"], rows=[["x|y"]])
    assert "| a\\|b |\n| --- |\n| x\\|y |" in str(write(result_set(table), "md"))


def test_json_keeps_numbers_as_numbers_and_carries_the_query() -> None:
    payload = json.loads(str(write(result_set(), "json")))
    assert payload["query"] == result_set().query
    first = payload["tables"][0]
    assert first["title"] == FREQUENCIES.title
    assert first["columns"] == FREQUENCIES.columns
    assert first["rows"] == FREQUENCIES.rows
    assert first["notes"] == FREQUENCIES.notes
    assert isinstance(first["rows"][0][1], int) and isinstance(first["rows"][0][3], float)


def test_html_escapes_text_and_lists_the_query() -> None:
    hostile = ResultTable(
        title="<script>alert(1)</script>",
        columns=["<b>code</b>"],
        rows=[["<script>x</script> & more"]],
        notes=["<img src=x>"],
    )
    page = str(write(result_set(hostile), "html"))
    assert "<script>" not in page and "<img" not in page and "<b>code" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in page
    assert "<dt>Codebook version</dt><dd>1.4.2</dd>" in page
    assert "<dt>Coder layer</dt><dd>consensus</dd>" in page
    assert page.startswith("<!DOCTYPE html>")


def test_html_marks_numbers_and_residual_styles() -> None:
    page = str(write(result_set(FREQUENCIES), "html"))
    assert '<td class="num over">12</td>' in page
    assert '<td class="num under">2</td>' in page


# ---------------------------------------------------------------- write() and rich
def test_write_to_a_path_writes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    assert write(result_set(), "md", path) is None
    assert path.read_text(encoding="utf-8") == write(result_set(), "md")


def test_unknown_format_and_unwritable_path_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(QualcodeError, match="Unknown table format 'pdf'; choose one of csv"):
        write(result_set(), "pdf")
    with pytest.raises(QualcodeError, match="Could not write"):
        write(result_set(), "json", tmp_path / "missing" / "out.json")


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (3, "3"), (0.5, "0.500"), (0.0, "0.000"), (2.95e-07, "2.95e-07"), ("a", "a")],
)
def test_format_cell(value: str | int | float | None, text: str) -> None:
    assert format_cell(value) == text
