"""`qualcode agree`, `agree matrix`, `disagreements`, `adjudicate`, `blind`, `audit`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from qualcode.services import adjudication, blind, roles
from qualcode.services.project import Project, open_project

REPO = Path(__file__).resolve().parents[2]
TB, JW = "temporality.breaks", "jobcrafting.workarounds"
TRANSCRIPT = """[00:00:00] Moderator: Please read the first card.
[00:00:10] Anne (nurse): We never get a proper lunch break. The phone rings all the time.
[00:00:30] Bo (secretary): I keep a paper list next to the system, otherwise we lose patients.
[00:00:50] Anne (nurse): Yes.
"""
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for
# Communication, University of Pennsylvania, section C: 4 observers x 12 units with missing
# values; nominal alpha = 0.743, ordinal 0.815, interval 0.849. Rows = units, columns =
# observers A-D, empty = missing.
KRIPPENDORFF_2011 = """A,B,C,D
1,1,,1
2,2,3,2
3,3,3,3
3,3,3,3
2,2,2,2
1,2,3,4
4,4,4,4
1,1,2,1
2,2,2,2
,5,5,5
,,1,1
,3,,
"""


@pytest.fixture
def coded(run, database_url, write_file) -> Project:
    """The hand-checked fixture of tests/services/test_agreement.py, through the CLI."""
    path = write_file("fg.txt", TRANSCRIPT)
    assert run("codebook", "load", REPO / "codebooks" / "three_concepts.yaml").exit_code == 0
    assert run("import", path, "--department", "Ward").exit_code == 0
    for args in (
        (2, TB, "--coder", "anna"),
        (3, JW, "--coder", "anna"),
        (2, TB, "--coder", "ben", "--span", "0:34"),
        (3, TB, "--coder", "ben"),
    ):
        result = run("code", *args)
        assert result.exit_code == 0, result.output
    project = open_project(database_url)
    yield project
    project.close()


def test_agree_matrix_reproduces_krippendorff_2011(run, write_file):
    path = write_file("k2011.csv", KRIPPENDORFF_2011)
    result = run("agree", "matrix", path)
    assert result.exit_code == 0, result.output
    assert "Krippendorff's alpha (nominal)" in result.output
    assert "0.743" in result.output
    ordinal = run("agree", "matrix", path, "--level", "ordinal", "--format", "json")
    rows = json.loads(ordinal.output)["tables"][0]["rows"]
    alpha = next(row for row in rows if row[0].startswith("Krippendorff"))
    assert alpha[1] == pytest.approx(0.815, abs=5e-4)
    assert alpha[6] == 11  # unit 12 has one value and is not pairable
    columns = json.loads(ordinal.output)["tables"][0]["columns"]
    assert columns[:4] == ["coefficient", "value", "ci_low", "ci_high"]
    assert alpha[2] < alpha[1] < alpha[3]


# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories, as a
# counts table (Fleiss 1971's layout): P-bar = .378, P-bar_e = .213, kappa = .210.
FLEISS_COUNTS = """1,2,3,4,5
0,0,0,0,14
0,2,6,4,2
0,0,3,5,6
0,3,9,2,0
2,2,8,1,1
7,7,0,0,0
3,2,6,3,0
2,5,3,2,2
6,5,2,1,0
0,2,2,3,7
"""


def test_agree_matrix_counts_table(run, write_file):
    path = write_file("fleiss.csv", FLEISS_COUNTS)
    result = run("agree", "matrix", path, "--counts", "--header", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row[0]: row for row in json.loads(result.output)["tables"][0]["rows"]}
    assert rows["Fleiss' kappa"][1] == pytest.approx(0.210, abs=5e-4)
    assert rows["Fleiss' kappa"][6] == 10
    # Per-category kappas (Fleiss 1971), category 1 by hand: p_1 = 20/140, sum x(14 - x)
    # = 2*12 + 7*7 + 3*11 + 2*12 + 6*8 = 178 -> 1 - 178 / (10*14*13 * 1/7 * 6/7) = .1011.
    assert rows["Fleiss' kappa, category 1"][1] == pytest.approx(1 - 178 / (1820 * 6 / 49))
    assert "Cohen's kappa" not in rows  # a counts table has no rater identity
    notes = json.loads(result.output)["tables"][0]["notes"]
    assert notes[0].startswith("10 units from a counts table, 14 ratings per unit")


def test_agree_matrix_header_and_categories(run, write_file):
    # Coders named 1, 2, 3 were read as data before --header.
    path = write_file("numbered.csv", "1,2,3\n1,1,1\n1,2,1\n2,2,2\n")
    as_data = json.loads(run("agree", "matrix", path, "--no-header", "--format", "json").output)
    named = json.loads(run("agree", "matrix", path, "--header", "--format", "json").output)
    assert as_data["query"]["coder_layer"] == "coder 1, coder 2, coder 3"
    assert named["query"]["coder_layer"] == "1, 2, 3"
    units = {row[0]: row[6] for row in named["tables"][0]["rows"]}
    assert units["percent agreement"] == 3
    # Brennan-Prediger by hand: p_a = (1 + 1/3 + 1) / 3 = 7/9; with 2 categories
    # (7/9 - 1/2) / (1/2) = 5/9; with --categories 1,2,3,4: (7/9 - 1/4) / (3/4) = 19/27.
    bp = {row[0]: row[1] for row in named["tables"][0]["rows"]}["Brennan-Prediger"]
    assert bp == pytest.approx(5 / 9)
    wider = run("agree", "matrix", path, "--header", "--categories", "1,2,3,4", "--format", "json")
    rows = {row[0]: row[1] for row in json.loads(wider.output)["tables"][0]["rows"]}
    assert rows["Brennan-Prediger"] == pytest.approx(19 / 27)
    outside = run("agree", "matrix", path, "--header", "--categories", "1,3")
    assert outside.exit_code == 1
    assert "not among the categories" in outside.output


def test_agree_matrix_weights(run, write_file):
    """Gwet's cac.raw4raters is Krippendorff's (2011) data with unit 12 coded by C; irrCAC's
    weighting vignette gives quadratic AC2 .914 and Conger .85771 for it."""
    raw4raters = KRIPPENDORFF_2011.replace(",3,,\n", ",,3,\n")
    path = write_file("raw4raters.csv", raw4raters)
    result = run("agree", "matrix", path, "--weights", "quadratic", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row[0]: row for row in json.loads(result.output)["tables"][0]["rows"]}
    assert rows["Gwet's AC2 (quadratic weights)"][1] == pytest.approx(0.914, abs=5e-6)
    conger = rows["Conger's kappa (Hubert's) (quadratic weights)"]
    assert conger[1] == pytest.approx(0.85771, abs=5e-6)
    assert conger[5] == "Landis & Koch (1977)"
    bad = run("agree", "matrix", path, "--weights", "cubic")
    assert bad.exit_code == 1 and "--weights 'cubic'" in bad.output


def test_agree_matrix_alpha_level_follows_the_weights(run, write_file):
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability": interval alpha .849
    and nominal .743 for the same data; quadratic weights are the interval distance."""
    path = write_file("k2011.csv", KRIPPENDORFF_2011)

    def alpha(*options: str) -> tuple[str, float]:
        output = json.loads(run("agree", "matrix", path, *options, "--format", "json").output)
        row = next(r for r in output["tables"][0]["rows"] if r[0].startswith("Krippendorff"))
        return row[0], row[1]

    assert alpha("--weights", "quadratic") == (
        "Krippendorff's alpha (interval)",
        pytest.approx(0.849, abs=5e-4),
    )
    assert alpha("--weights", "ordinal")[1] == pytest.approx(0.815, abs=5e-4)
    assert alpha("--weights", "linear") == (
        "Krippendorff's alpha (nominal)",
        pytest.approx(0.743, abs=5e-4),
    )
    chosen = alpha("--weights", "quadratic", "--level", "nominal")
    assert chosen == ("Krippendorff's alpha (nominal)", pytest.approx(0.743, abs=5e-4))
    shown = run("agree", "matrix", path, "--weights", "quadratic", "--no-intervals").output
    assert "level = interval (matches the quadratic weights" in shown


def test_agree_matrix_with_names_but_no_units_is_an_error(run, write_file):
    for options in ((), ("--counts",)):
        path = write_file("names.csv", "a,b\n")
        result = run("agree", "matrix", path, *options)
        assert result.exit_code == 1
        assert "names.csv: has a first row of names but no units below it" in result.output


def test_agree_matrix_rejects_bad_input(run, write_file):
    path = write_file("bad.csv", "A,B\nyes,no\n")
    result = run("agree", "matrix", path, "--level", "interval")
    assert result.exit_code == 1
    assert "non-numeric" in result.output


def test_agree_per_code_as_csv(run, coded):
    first = ("--format", "csv", "--table", "1")
    repeated = run("agree", "--coders", "anna", "--coders", "ben", *first)
    comma = run("agree", "--coders", "anna,ben", *first)
    plain = run("agree", "--coders", "anna,ben", "--no-intervals", "--format", "csv")
    spaced = run("agree", "--coders", "anna", "ben", *first)
    assert repeated.exit_code == 0, repeated.output
    assert repeated.output == comma.output == spaced.output
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(plain.stdout))}
    assert set(rows) == {TB, JW, "(all codes)"}
    assert "ci_low" not in rows[TB]
    assert (rows[TB]["both"], rows[TB]["A only"], rows[TB]["B only"]) == ("1", "0", "1")
    assert float(rows[TB]["Krippendorff's alpha"]) == pytest.approx(8 / 15)
    assert rows[TB]["band"] == "unreliable"


def test_agree_at_80_columns_shortens_codes_and_headers_with_legends(run, coded, monkeypatch):
    """The narrow layout: short code keys and coefficient names, each spelled out in a
    legend; no header cut ("prevalence" was "prevale"), no line wider than 80."""
    from qualcode.cli import common

    monkeypatch.setattr(common.console, "width", 80)
    result = run("agree", "--coders", "anna,ben")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines if line[:1] in "┏┃┡│└") <= 80
    text = " ".join(result.output.split())
    assert "prevale " not in text and "…" not in text
    assert "prev. = prevalence" in text and "Kripp-α = Krippendorff's alpha" in text
    assert "tem.bre = temporality.breaks" in text and "job.wor = jobcrafting.workarounds" in text
    assert "(all codes)" in text
    monkeypatch.setattr(common.console, "width", 200)
    wide = run("agree", "--coders", "anna,ben", "--table", "1")
    assert "temporality.breaks" in wide.output and "Codes:" not in wide.output


def test_agree_table_by_department_character_and_overlap(run, coded, tmp_path):
    table = run("agree", "--by", "department", "--concepts")
    assert table.exit_code == 0, table.output
    assert "Ward" in table.output and "temporality" in table.output
    out = tmp_path / "agree.xlsx"
    assert run("agree", "--unit", "character", "--overlap", "0.9", "--output", out).exit_code == 0
    assert out.stat().st_size > 0
    bad = run("agree", "--unit", "word")
    assert bad.exit_code == 1 and "turn, sentence or character" in bad.output


def test_disagreements_list(run, coded):
    result = run("disagreements", "--code", TB)
    assert result.exit_code == 0, result.output
    assert "fg, turn 3 · Bo · segment 3 (T1:3)" in result.output
    assert "coded by ben, not by anna" in result.output
    assert "I keep a paper list" in result.output
    assert "1 disagreement." in result.output
    as_json = json.loads(run("disagreements", "--coders", "anna", "ben", "-f", "json").output)
    (table,) = as_json["tables"]
    assert table["columns"][:3] == ["transcript", "turn", "segment id"]
    assert [row[1:3] + row[4:5] for row in table["rows"]] == [[3, 3, JW], [3, 3, TB]]


def test_adjudicate_and_undo(run, coded):
    result = run("adjudicate", 3, TB, "--take", "B", "--coder", "sue", "--memo", "breaks")
    assert result.exit_code == 0, result.output
    assert "take:ben" in result.output
    assert f"The consensus layer now has {TB} here." in result.output
    again = run("adjudicate", 3, TB, "--take", "B", "--coder", "sue")
    assert f"now has {TB} here (unchanged: it held that already)." in again.output
    assert run("adjudicate", "undo", 2, "--coder", "sue").exit_code == 0
    (logged, _) = adjudication.adjudication_log(coded)
    assert (logged.supervisor, logged.memo, logged.undone_at) == ("sue", "breaks", None)
    assert "adjudicated: take:ben" in run("disagreements", "--code", TB).output
    undo = run("adjudicate", "undo", logged.id, "--coder", "sue")
    assert undo.exit_code == 0, undo.output
    assert adjudication.adjudication_log(coded)[0].undone_at is not None
    recode = run("adjudicate", "T1:3", TB, "--code", "temporality.rhythm")
    assert recode.exit_code == 0 and "recode:temporality.rhythm" in recode.output
    assert "The consensus layer now has temporality.rhythm here." in recode.output
    # two contradictory decisions: the last ('both') was applied without a word
    before = len(adjudication.adjudication_log(coded))
    neither = run("adjudicate", 3, JW, "--take", "neither", "--take", "both")
    assert neither.exit_code == 2
    assert "--take takes one value but was given 2 ('neither', 'both')" in neither.output
    assert len(adjudication.adjudication_log(coded)) == before
    none = run("adjudicate", 3, JW)
    assert none.exit_code == 1 and "Give one decision" in none.output


def test_blind_mode_limits_segments_to_own_codings(run, coded, monkeypatch):
    # Without blind mode turn 2 shows TB for anna and ben, turn 3 for ben: three times.
    assert run("segments", 1).output.count(TB) == 3
    assert run("blind", "on", "--coder", "sue").exit_code == 0
    assert blind.blind_mode(coded) is True
    monkeypatch.setenv("QUALCODE_CODER", "anna")
    shown = run("segments", 1)
    assert shown.exit_code == 0, shown.output
    assert shown.output.count(TB) == 1 and shown.output.count(JW) == 1
    monkeypatch.delenv("QUALCODE_CODER")
    assert "Blind mode is on" in run("segments", 1).output
    assert run("segments", 1, "--coder", "ben").output.count(TB) == 2
    assert run("blind", "off").exit_code == 0
    assert run("segments", 1).output.count(TB) == 3


def test_blind_mode_holds_for_quotes_agree_disagreements_and_export(
    run, coded, monkeypatch, tmp_path
):
    assert "ben" in run("quotes", TB).output  # ben coded breaks on turns 2 and 3
    roles.add_coder(coded, "sue", roles.SUPERVISOR)
    assert run("blind", "on", "--coder", "sue").exit_code == 0
    monkeypatch.setenv("QUALCODE_CODER", "anna")
    quotes = run("quotes", TB)
    assert quotes.exit_code == 0, quotes.output
    assert "anna" in quotes.output and "ben" not in quotes.output
    refused = run("quotes", TB, "--coder", "ben")
    assert refused.exit_code == 1 and "anna sees only their own layer" in refused.output
    qdpx = tmp_path / "study.qdpx"
    for args, what in [
        (("agree",), "agreement between coders"),
        (("disagreements",), "disagreements between coders"),
        (("audit", "--output", tmp_path / "audit.md"), "agreement between coders"),
        (("export", "project", qdpx), "every coder's codings"),
    ]:
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"Blind mode is on: only a supervisor sees {what}." in result.output
    assert not qdpx.exists()
    monkeypatch.setenv("QUALCODE_CODER", "sue")
    assert "ben" in run("quotes", TB).output
    assert run("disagreements").exit_code == 0
    assert run("export", "project", qdpx).exit_code == 0 and qdpx.exists()


@pytest.mark.parametrize("suffix", ["md", "html"])
def test_audit_report(run, coded, tmp_path, suffix):
    run("adjudicate", 3, TB, "--take", "ben", "--coder", "sue", "--memo", "agreed in meeting")
    out = tmp_path / f"report.{suffix}"
    result = run("audit", "-o" if suffix == "md" else "--output", out)  # -o as elsewhere
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for heading in (
        "Coders and coverage",
        "Agreement per code (turn level)",
        "Agreement per department (turn level)",
        "Disagreements",
        "Adjudication log",
        "How each coefficient is defined",
    ):
        assert heading in text
    assert "Codebook version" in text and "three_concepts" in text
    assert "anna" in text and "Ward" in text and "agreed in meeting" in text
    assert "Gwet" in text and "Krippendorff" in text and "take:ben" in text


def test_audit_needs_a_report_file(run, coded, tmp_path):
    result = run("audit", "--output", tmp_path / "report.csv")
    assert result.exit_code == 1 and ".html" in result.output
