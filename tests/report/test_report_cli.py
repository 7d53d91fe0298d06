"""`qualcode report` and `qualcode pin` through the real command line."""

from __future__ import annotations

from pathlib import Path

from qualcode.services.project import Project


def test_report_for_one_department(run, study: Project, tmp_path: Path) -> None:
    out = tmp_path / "ward.md"
    result = run("report", "--department", "Ward", "--pseudonymise", "--output", out)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}." in result.output
    assert "Pseudonymised 2 names: Anne -> [nurse] x2." in result.output
    assert "[nurse] knows" in out.read_text(encoding="utf-8")


def test_report_for_every_department_and_a_summary(run, study: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.html"
    result = run("report", "--all-departments", "--concepts", "--output", out)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("study-*.html"))
    assert written == ["study-clinic.html", "study-summary.html", "study-ward.html"]
    summary = (tmp_path / "study-summary.html").read_text(encoding="utf-8")
    assert "Across the departments: 3 of 7 turns" in summary


def test_a_pinned_quote_leads(run, study: Project, tmp_path: Path) -> None:
    assert run("pin", "temporality.breaks", 5).exit_code == 0
    out = tmp_path / "ward.md"
    assert (
        run("report", "--department", "Ward", "--codes", "temporality.breaks", "-o", out).exit_code
        == 0
    )
    text = out.read_text(encoding="utf-8")
    first = text.index("> — ")
    assert text[first:].startswith("> — doctor, staff, ward, turn 5 (pinned)")


def test_pin_takes_a_turn_reference_as_code_does(run, study: Project, tmp_path: Path) -> None:
    """`pin CODE T1:5` was refused ('Input should be a valid integer') where `code T1:5`
    works; it now pins the same turn (segment 5, Ward's turn 5)."""
    pinned = run("pin", "temporality.breaks", "T1:5")
    assert pinned.exit_code == 0, pinned.output
    assert "Pinned T1:5 (segment 5) for temporality.breaks." in pinned.output
    out = tmp_path / "ward.md"
    written = run("report", "--department", "Ward", "--codes", "temporality.breaks", "-o", out)
    assert written.exit_code == 0, written.output
    text = out.read_text(encoding="utf-8")
    assert text[text.index("> — ") :].startswith("> — doctor, staff, ward, turn 5 (pinned)")
    wrong = run("pin", "temporality.breaks", "T1:99")
    assert wrong.exit_code == 1 and "No turn 99 in transcript 1" in wrong.output


def test_clear_errors(run, study: Project, tmp_path: Path) -> None:
    missing = run("report", "--output", tmp_path / "x.md")
    assert missing.exit_code == 1
    assert "Say which department" in missing.output
    wrong = run("report", "--department", "Nowhere", "--output", tmp_path / "x.md")
    assert wrong.exit_code == 1 and "No department 'Nowhere'" in wrong.output
    assert not (tmp_path / "x.md").exists()
    bad_suffix = run("report", "--department", "Ward", "--output", tmp_path / "x.pdf")
    assert bad_suffix.exit_code == 1 and "use a .md, .html or .docx file" in bad_suffix.output


def test_layer_option_chooses_whose_codings_count(run, study: Project, tmp_path: Path) -> None:
    out = tmp_path / "ward.md"
    result = run("report", "--department", "Ward", "--layer", "ben", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "coder ben" in text
    # ben never applied temporality.rhythm (anna did, on turn 5): none of his Ward turns carry it
    rhythm = text[text.index("(`temporality.rhythm`)") :]
    assert "In this department: 0 of 4 turns" in rhythm.split("\n\n")[2]
    both = run("report", "--department", "Ward", "--layer", "ben", "--coder", "anna", "-o", out)
    assert both.exit_code == 1 and "Choose one coder layer" in both.output


def test_report_into_a_missing_folder_is_one_sentence(run, study: Project, tmp_path: Path) -> None:
    """A report into a folder that does not exist printed a FileNotFoundError traceback."""
    for name in ("r.md", "r.html", "r.docx"):
        out = tmp_path / "no" / name
        result = run("report", "--department", "Ward", "--output", out)
        assert result.exit_code == 1
        assert not isinstance(result.exception, OSError)
        assert f"Could not write {out}: " in result.output
        assert "check that the folder exists and is writable" in result.output
    every = run("report", "--all-departments", "--output", tmp_path / "no" / "s.md")
    assert every.exit_code == 1 and "Could not write" in every.output
