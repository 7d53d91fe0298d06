"""CLI: freq, compare, cooccur, quotes and search, on screen and in every export format.

The corpus: Ward (staff) turns w1 Anne (nurse) "We skip lunch every day." and w2 Bo
(physician) "The phone interrupts every break."; Clinic (management) turn c1 Cis (head
nurse) "We plan the week on Mondays.". anna codes w1 breaks, w2 breaks and interruptions,
c1 predictability; ben codes w1 breaks. So temporality (rolled up) has Ward 2, Clinic 1.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from qualcode.domain.imports import ImportSpec
from qualcode.exchange.tables import read_csv_table
from qualcode.exchange.xlsx import read_tables
from qualcode.services import analysis, codebooks, coding, corpus, importing
from qualcode.services.project import open_project

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "codebooks" / "three_concepts.yaml"
WARD = (
    "Moderator: Welcome.\nAnne (nurse): We skip lunch every day.\n"
    "Bo (physician): The phone interrupts every break.\n"
)
CLINIC = "Moderator: Welcome.\nCis (head nurse): We plan the week on Mondays.\n"
COMMANDS = ("freq", "compare", "cooccur", "quotes", "search")


@pytest.fixture
def study(database_url: str, write_file) -> str:
    project = open_project(database_url)
    codebooks.load_codebook_file(project, CODEBOOK)
    turns = {}
    for prefix, text, department, kind in (
        ("w", WARD, "Ward", "staff"),
        ("c", CLINIC, "Clinic", "management"),
    ):
        path = write_file(f"{department}.txt", text)
        spec = ImportSpec(path=path, department=department, group_kind=kind)
        transcript = importing.import_one(project, spec).transcript_id
        turns |= {f"{prefix}{v.ordinal}": v.id for v in corpus.segments(project, transcript)}
    for coder, turn, key in [
        ("anna", "w1", "temporality.breaks"),
        ("anna", "w2", "temporality.breaks"),
        ("anna", "w2", "temporality.interruptions"),
        ("anna", "c1", "temporality.predictability"),
        ("ben", "w1", "temporality.breaks"),
    ]:
        coding.apply_code(project, turns[turn], key, coder)
    project.close()
    return database_url


def test_freq_prints_a_table_naming_codebook_and_layer(run, study) -> None:
    result = run("freq", "--by", "department", "--depth", "1")
    assert result.exit_code == 0, result.output
    assert "Coded turns by department" in result.output
    assert "Codebook three_concepts v1" in result.output
    assert "all coders" in result.output
    line = next(line for line in result.output.splitlines() if "│ temporality " in line)
    assert [cell.strip() for cell in line.strip("│").split("│")][2:] == ["1", "2", "3"]


def test_freq_csv_on_stdout_with_comma_separated_options(run, study) -> None:
    result = run("freq", "--by", "department", "--codes", "temporality.breaks,open", "-f", "csv")
    assert result.exit_code == 0, result.output
    records = list(csv.reader(io.StringIO(result.stdout)))
    assert records[0] == ["Code", "Name", "Clinic", "Ward", "Total"]
    assert records[1] == ["temporality.breaks", "Breaks and restitution", "0", "2", "2"]
    # the last row is each column's denominator: Clinic's 2 turns, Ward's 3 (the moderators
    # have no role here, so count), 5 in all
    assert records[1:] == [
        records[1],
        ["open", "Open codes", "0", "0", "0"],
        ["(participant turns in scope)", "", "2", "3", "5"],
    ]


def test_csv_on_stdout_says_its_unit_and_denominator_on_stderr(run, study) -> None:
    # CSV has no room for them, and a count without its N is not a figure.
    result = run("freq", "--by", "department", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "N = " not in result.stdout
    assert "unit = participant turn" in result.stderr
    # 5: the two "Moderator:" turns are a participant's here, as no role was imported.
    assert "N = 5 turns (18 words) in 2 transcripts" in result.stderr
    assert "coder layer: all coders" in result.stderr


def test_freq_files_read_back_equal_the_service_table(run, study, tmp_path) -> None:
    xlsx, csv_path = tmp_path / "freq.xlsx", tmp_path / "freq.csv"
    for path in (xlsx, csv_path):
        result = run("freq", "--by", "group-kind", "--measure", "percent", "-o", path)
        assert result.exit_code == 0, result.output
        assert f"Wrote 1 table to {path}" in result.output.replace("\n", "")
    expected = analysis.frequency(
        open_project(study), analysis.FrequencyQuery(by=("group-kind",), measure="percent")
    ).tables[0]
    (from_xlsx,) = read_tables(xlsx)
    from_csv = read_csv_table(csv_path)
    for table in (from_xlsx, from_csv):
        assert table.columns == expected.columns
        assert table.rows == [[pytest.approx(v) for v in row] for row in expected.rows]


def test_freq_by_coder_for_one_coder(run, study) -> None:
    result = run("freq", "--by", "coder", "--coder", "ben", "--depth", "1", "-f", "json")
    payload = json.loads(result.output)
    assert payload["query"]["coder_layer"] == "coder ben"
    (table,) = payload["tables"]
    assert table["columns"] == ["Code", "Name", "ben", "Total"]
    assert table["rows"][1][2:] == [1, 1]  # temporality: w1


def test_compare_repeated_by_combines_as_in_freq(run, study) -> None:
    """'--by department --by speaker-role' compared speaker roles alone: the option held one
    value and the first was dropped without a word."""
    repeated = json.loads(
        run("compare", "--by", "department", "--by", "speaker-role", "-f", "json").output
    )
    commas = json.loads(run("compare", "--by", "department,speaker-role", "-f", "json").output)
    assert repeated["tables"][0] == commas["tables"][0]
    assert "department" in repeated["tables"][0]["title"]
    default = json.loads(run("compare", "-f", "json").output)
    assert default["tables"][0]["title"] == "Coded turns by department"


def test_compare_json_and_markdown_file(run, study, tmp_path) -> None:
    result = run("compare", "--by", "department", "-f", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    titles = [table["title"] for table in payload["tables"]]
    assert titles[0] == "Coded turns by department"
    assert "Tests per code by department (unit: turn)" in titles
    assert not any(title.startswith("Omnibus") for title in titles)
    omnibus = json.loads(run("compare", "--omnibus", "-f", "json").output)
    assert omnibus["tables"][-1]["title"].startswith("Omnibus chi-square (counts code")
    counts = {row[0]: row[2:] for row in payload["tables"][0]["rows"]}
    assert counts["temporality"] == [1, 2, 3]
    target = tmp_path / "compare.md"
    assert run("compare", "--by", "speaker-role", "-o", target).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "## Coded turns by speaker-role" in text
    assert "**Coder layer:** all coders" in text


def test_cooccur_and_quotes(run, study) -> None:
    pairs = run("cooccur", "--codes", "temporality", "--depth", "2", "-f", "csv", "--table", "1")
    assert pairs.exit_code == 0, pairs.output
    records = list(csv.reader(io.StringIO(pairs.stdout)))
    # breaks & interruptions share w2: Jaccard 1 / (2 + 1 - 1) = 0.5.
    assert ["temporality.breaks", "temporality.interruptions", "1", "2", "1", "0.5"] in records
    quotes = run("quotes", "temporality.breaks", "--department", "Ward", "-f", "csv")
    records = list(csv.reader(io.StringIO(quotes.stdout)))
    assert records[0][:3] == ["Transcript", "Turn", "Segment id"]
    assert [record[8] for record in records[1:]] == [
        "We skip lunch every day.",
        "The phone interrupts every break.",
    ]
    # Anne's is the second turn of the Ward transcript (after the moderator's), segment 2.
    assert records[1][1:3] == ["2", "2"] and records[1][6] == "nurse"


def test_quotes_in_the_terminal_are_blocks_under_a_header_line(run, study) -> None:
    result = run("quotes", "temporality.breaks", "--department", "Ward")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("Ward, turn 2"))
    assert "Anne (nurse)" in header and "segment 2" in header
    below = lines[lines.index(header) + 1 : lines.index(header) + 3]
    assert below == ["    temporality.breaks (anna, ben)", "    We skip lunch every day."]
    assert "┃" not in result.output  # no table squeezing the quote


def test_several_tables_go_to_one_csv_file_each_or_one_by_name(run, study, tmp_path) -> None:
    target = tmp_path / "compare.csv"
    result = run("compare", "--by", "department", "-o", target)
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.glob("compare-*.csv"))
    assert "compare-coded-turns-by-department.csv" in written
    assert len(written) > 2
    counts = read_csv_table(tmp_path / "compare-coded-turns-by-department.csv")
    assert counts.title == "Coded turns by department"
    assert counts.columns == ["Code", "Name", "Clinic", "Ward", "Total"]
    stacked = run("compare", "--by", "department", "-f", "csv")
    assert stacked.exit_code == 1 and "--table NAME" in stacked.output
    one = run("compare", "--by", "department", "-f", "csv", "--table", "coded-turns")
    assert one.exit_code == 0, one.output
    assert next(csv.reader(io.StringIO(one.stdout)))[:2] == ["Code", "Name"]


def test_search_with_a_filter(run, study) -> None:
    result = run("search", "every", "--role", "physician")
    assert result.exit_code == 0, result.output
    assert "The phone interrupts every break." in result.output
    assert "We skip lunch" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("freq", "--coder", "nobody"), "No coder 'nobody'"),
        (("freq", "--by", "ward"), "Cannot group by 'ward'"),
        (("freq", "--format", "xlsx"), "give a file: --output"),
        (("freq", "--format", "table", "-o", "x.csv"), "prints to the terminal"),
        (("freq", "-o", "x.pdf"), "Unknown format 'pdf'"),
        (("compare", "--by", "transcript"), "Cannot group by 'transcript'"),
        (("quotes", "nope"), "No code 'nope'"),
        (("freq", "--consensus"), "no consensus layer"),
    ],
)
def test_mistakes_are_one_clear_error(run, study, args, message) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_section_in_the_guide(run, command) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "--format" in result.output
    guide = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")
    assert f"qualcode {command}" in guide


def test_a_filter_naming_no_department_or_group_kind_is_refused(run, study) -> None:
    """`freq --department Nowhere` printed a table of zeros over N = 0 turns, as if the
    department existed and nobody spoke of anything (report already refused it)."""
    for command in ("freq", "compare", "cooccur"):
        result = run(command, "--department", "ward")
        assert result.exit_code == 1, result.output
        assert "No department 'ward'; the departments are Clinic, Ward." in result.output
    result = run("freq", "--group-kind", "nurses")
    assert result.exit_code == 1
    assert "No group kind 'nurses'; the group kinds are management, staff." in result.output
    assert run("freq", "--department", "Ward", "--group-kind", "staff").exit_code == 0


def test_an_option_of_one_value_given_twice_is_refused(run, study) -> None:
    """click keeps the last of two values without a word: 'freq --coder anna --coder ben'
    printed ben's layer alone, and '--format md --format csv' wrote CSV."""
    result = run("freq", "--coder", "anna", "--coder=ben")
    assert result.exit_code == 2
    assert "--coder takes one value but was given 2 ('anna', 'ben'); give it once." in (
        result.output
    )
    assert "Traceback" not in result.output
    repeatable = run("freq", "--by", "department", "--by", "coder", "-f", "csv")
    assert repeatable.exit_code == 0, repeatable.output


def test_an_option_of_one_value_given_twice_is_refused_in_a_group_command_too(run, study) -> None:
    # 'transcript set 1 --department A --department B' stored B without a word.
    twice = run("transcript", "set", "1", "--department", "North", "--department", "South")
    assert twice.exit_code == 2
    assert "--department takes one value but was given 2 ('North', 'South')" in twice.output
    listed = run("transcripts").output
    assert "North" not in listed and "South" not in listed  # nothing stored
    once = run("transcript", "set", "1", "--department", "North")
    assert once.exit_code == 0, once.output
    assert "North" in run("transcripts").output
