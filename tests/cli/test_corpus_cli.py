"""CLI: init, import, transcripts, segments, code, uncode, open-code, memo, codebook."""

from __future__ import annotations

from pathlib import Path

from qualcode.services import corpus
from qualcode.services.project import open_project

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "codebooks" / "three_concepts.yaml"
TEXT = "Moderator: First card.\nAnne (nurse): We skip lunch every day.\nBo: Same here.\n"


def test_import_then_code_from_the_command_line(run, write_file, database_url) -> None:
    assert run("init").exit_code == 0
    loaded = run("codebook", "load", CODEBOOK)
    assert loaded.exit_code == 0 and "version 1" in loaded.output
    path = write_file("fg.txt", TEXT)
    result = run("import", path, "--department", "Ward", "--group-kind", "staff")
    assert result.exit_code == 0, result.output
    assert "imported fg.txt: transcript 1, 3 turns" in result.output
    again = run("import", path, "--department", "Ward", "--group-kind", "staff")
    assert again.exit_code == 0 and "already imported" in again.output

    listing = run("segments", "fg")
    assert "We skip lunch every day." in listing.output and "nurse" in listing.output

    coded = run("code", 2, "temporality.breaks", "--coder", "anna", "--span", "8:13")
    assert coded.exit_code == 0, coded.output
    run("code", 2, "temporality.rhythm", "--coder", "anna")
    made = run("open-code", "Skipping meals", "--coder", "ben", "--segment", 3)
    assert "open.skipping_meals" in made.output
    memo = run("memo", "add", "Everyone agrees here.", "--segment", 3, "--coder", "ben")
    assert memo.exit_code == 0
    assert "Everyone agrees here." in run("memo", "list").output

    project = open_project(database_url)
    views = corpus.segments(project, 1)
    text = views[1].text
    codings = {(c.code_key, c.coder, c.start_char) for c in views[1].codings}
    assert ("temporality.rhythm", "anna", None) in codings
    span = next(c for c in views[1].codings if c.code_key == "temporality.breaks")
    assert (
        text[span.start_char - views[1].start_char : span.end_char - views[1].start_char] == "lunch"
    )
    assert [c.code_key for c in views[2].codings] == ["open.skipping_meals"]

    assert "    anna: temporality.breaks[8:13], temporality.rhythm" in run("segments", "fg").output
    removed = run("uncode", 2, "temporality.rhythm", "--coder", "anna")
    assert removed.exit_code == 0
    assert removed.output.startswith("Removed 1 coding of temporality.rhythm from 2 ")
    assert {c.code_key for c in corpus.segments(project, 1)[1].codings} == {"temporality.breaks"}
    shown = run("codebook", "show", "--coder", "anna")
    assert "temporality.breaks" in shown.output
    project.close()


def test_errors_are_one_sentence_and_exit_one(run, write_file) -> None:
    run("codebook", "load", CODEBOOK)
    run("import", write_file("fg.txt", TEXT))
    unknown_code = run("code", 2, "nope.nothing", "--coder", "anna")
    assert unknown_code.exit_code == 1
    assert "No code 'nope.nothing'" in unknown_code.output
    assert "Traceback" not in unknown_code.output
    assert "No segment 99" in run("code", 99, "temporality.breaks", "--coder", "a").output
    assert "--coder NAME" in run("code", 2, "temporality.breaks").output
    bad = run("import", write_file("empty.txt", ""))
    assert bad.exit_code == 1 and "empty.txt" in bad.output
    missing = run("import", write_file("notes.pdf", b"%PDF"))
    assert missing.exit_code == 1 and ".pdf" in missing.output


def test_keep_going_imports_the_good_files(run, write_file) -> None:
    good = write_file("a.txt", TEXT)
    bad = write_file("b.txt", b"")
    other = write_file("c.txt", TEXT.replace("Bo:", "Carl:"))
    stopped = run("import", good, bad, other)
    assert stopped.exit_code == 1 and "1 imported" in stopped.output
    kept = run("import", good, bad, other, "--keep-going")
    assert kept.exit_code == 1
    assert "1 imported, 1 already there, 1 failed" in kept.output


def test_manifest_import(run, write_file) -> None:
    write_file("s/fg.txt", TEXT)
    manifest = write_file(
        "s/study.yaml",
        "transcripts:\n  - {file: fg.txt, department: Ward, group_kind: staff, language: en}\n",
    )
    result = run("import", "--manifest", manifest)
    assert result.exit_code == 0 and "1 imported" in result.output
    assert "Ward" in run("transcripts").output


def test_demo_builds_the_study(run, tmp_path) -> None:
    db = tmp_path / "demo.db"
    result = run("demo", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Imported 12 transcripts" in result.output
    project = open_project(str(db))
    infos = corpus.list_transcripts(project, "anna")
    assert len({info.department for info in infos}) == 3
    assert sum(info.n_coded_segments for info in infos) > 50
    assert {info.language for info in infos} == {"en", "da"}
    project.close()
    assert "Imported" not in run("demo", "--db", db).output  # reopening keeps the work


def test_every_command_has_help(run) -> None:
    from qualcode.cli import app

    names = [command.name for command in app.registered_commands]
    names += [group.name for group in app.registered_groups]
    for name in names:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage" in result.output


def test_transcripts_at_80_columns_cut_no_value(run, write_file, monkeypatch) -> None:
    """At 80 columns the list cut long values to 'employee-repr…' and 'medarbejderre…':
    a value too long for its column now folds onto the next line, every character kept."""
    from qualcode.cli import common

    path = write_file("fg.txt", "Anne: We never get a break.\nBen: The phone rings.\n")
    title = "Dagkirurgisk afsnit: medarbejderrepræsentanter"
    kind = "employee-representatives"
    run("import", path, "--department", "Dagkirurgisk afsnit", "--group-kind", kind)
    run("transcript", "set", "1", "--title", title)
    monkeypatch.setattr(common.console, "width", 80)
    output = run("transcripts").output
    assert "…" not in output
    rows = [line.split("│")[1:-1] for line in output.splitlines() if line.startswith("│")]
    column = ["".join(cells[i].strip() for cells in rows) for i in range(len(rows[0]))]
    assert column[2] == kind
    assert column[3].replace(" ", "") == title.replace(" ", "")


def test_the_coders_progress_column_says_what_its_share_is_of(run, write_file) -> None:
    """'coded by anna 60%' counted every turn, a moderator's and a coding on it included,
    while every analysis table counts participant turns; the caption now says which."""
    path = write_file(
        "fg.txt", "Moderator: Welcome.\nAnne: We never get a break.\nBen: The phone rings.\n"
    )
    run("import", path, "--department", "Ward")
    run("speaker", "set", "1", "Moderator", "--role", "moderator")
    assert run("codebook", "load", "--bundled", "three_concepts").exit_code == 0
    assert run("code", "T1:1", "temporality", "--coder", "anna").exit_code == 0
    assert run("code", "T1:2", "temporality", "--coder", "anna").exit_code == 0
    output = run("transcripts", "--coder", "anna").output
    assert "67%" in output  # 2 of 3 turns, the moderator's included
    assert "share of the transcript's turns (moderators' included)" in output


def test_the_coders_progress_column_shows_their_done_marks(run, write_file) -> None:
    """A done mark puts a transcript in the coder's coded scope; `transcripts` did not show it."""
    for name in ("a.txt", "b.txt"):
        path = write_file(name, f"Anne: We never get a break ({name}).\nBen: The phone rings.\n")
        run("import", path, "--department", "Ward")
    assert run("transcript", "done", "2", "--coder", "anna").exit_code == 0
    output = run("transcripts", "--coder", "anna").output
    rows = {
        line.split("│")[1].strip(): line for line in output.splitlines() if line.startswith("│")
    }
    assert rows["2"].rstrip("│ ").endswith("0% done")
    assert "done" not in rows["1"]
    assert "done: anna marked the transcript done" in " ".join(output.split())
