"""The framework matrix, counted by hand on the study of conftest.py."""

from __future__ import annotations

import pytest

from qualcode.errors import QualcodeError
from qualcode.services.matrix import MatrixQuery, matrix, set_summary
from qualcode.services.project import Project


def cells(study: Project, **options: str) -> dict[str, list[object]]:
    table = matrix(study, MatrixQuery(**options)).tables[0]
    return {"columns": table.columns, **{str(row[0]): row[1:] for row in table.rows}}


def test_counts_per_department_and_concept(study: Project) -> None:
    found = cells(study, rows="department", cols="concept")
    assert found["columns"] == [
        "Department",
        "Jobcrafting (jobcrafting)",
        "Temporality (temporality)",
        "Relational coordination (relational_coordination)",
        "Open codes (open)",
    ]
    # Ward: turn 3 jobcrafting; turns 2 and 5 temporality. Clinic: 7 temporality, 8 open.
    assert found["Ward"] == [1, 2, 0, 0]
    assert found["Clinic"] == [0, 1, 0, 1]


def test_shares_per_transcript_and_code(study: Project) -> None:
    found = cells(study, rows="transcript", cols="code", cell="share")
    breaks = found["columns"].index("Breaks and restitution (temporality.breaks)") - 1
    assert found["ward"][breaks] == pytest.approx(100 * 2 / 4)  # turns 2, 5 of 4 participant turns
    assert found["clinic"][breaks] == pytest.approx(100 * 1 / 3)


def test_the_query_line_states_the_scope_unit_and_n(study: Project) -> None:
    """The matrix's line said only 'rows = ...; columns = ...; cell = share' while its note
    pointed at 'the unit and N above': Ward 4 + Clinic 3 participant turns = 7."""
    filters = matrix(study, MatrixQuery(rows="department", cell="share")).query["filters"]
    assert filters.startswith("rows = department; columns = concept; cell = share; scope = ")
    assert "; unit = participant turn; N = 7 turns " in filters


def test_summaries_are_stored_and_empty_cells_count_what_waits(study: Project) -> None:
    set_summary(study, "department", "Ward", "temporality", "Breaks get lost.", [2, 5], "anna")
    found = cells(study, rows="department", cell="summary")
    assert found["Ward"][1] == "Breaks get lost. [2, 5]"
    assert found["Ward"][0] == "(1 coded turns)"
    set_summary(study, "department", "Ward", "temporality", "", [], "anna")
    assert cells(study, rows="department", cell="summary")["Ward"][1] == "(2 coded turns)"


def test_bad_choices_are_named(study: Project) -> None:
    with pytest.raises(
        QualcodeError, match="--rows must be one of transcript, speaker, department"
    ):
        matrix(study, MatrixQuery(rows="room"))
    with pytest.raises(QualcodeError, match="No code 'tempo'"):
        set_summary(study, "department", "Ward", "tempo", "x", [], None)


def test_cli_writes_the_matrix_and_sets_a_cell(run, study: Project, tmp_path) -> None:
    said = run(
        "matrix",
        "set",
        "Ward",
        "temporality",
        "Breaks get lost.",
        "--rows",
        "department",
        "--quote",
        2,
    )
    assert said.exit_code == 0, said.output
    out = tmp_path / "matrix.csv"
    result = run("matrix", "--rows", "department", "--cell", "summary", "--output", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Ward,(1 coded turns),Breaks get lost. [2],(0 coded turns),(0 coded turns)" in text


def test_a_row_per_speaker(study: Project) -> None:
    found = cells(study, rows="speaker", cols="concept")
    # Anne's turns 2 (temporality) and 4; Bo's turn 3 (jobcrafting); Cai's turn 5 (temporality)
    assert found["ward: Anne"] == [0, 1, 0, 0]
    assert found["ward: Bo"] == [1, 0, 0, 0]
    assert found["ward: Cai"] == [0, 1, 0, 0]
    assert found["clinic: Eva"] == [0, 0, 0, 1]
    assert "ward: Moderator" not in found  # moderators are outside the scope
