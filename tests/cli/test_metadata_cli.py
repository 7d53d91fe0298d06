"""`transcript set`, `speaker set`, and import's --dry-run and --update-metadata."""

from __future__ import annotations

from qualcode.services import corpus
from qualcode.services.project import open_project

TEXT = "p1: We plan on mondays.\np2: We never plan.\np1: The phone rings.\n"


def test_transcript_and_speaker_set(run, write_file, database_url) -> None:
    path = write_file("fg1.txt", TEXT)
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert "no department; set it with `qualcode transcript set 1 --department NAME`" in (
        result.output
    )
    result = run("transcript", "set", "fg1", "--department", "Ward A", "--date", "2024-03-01")
    assert result.exit_code == 0, result.output
    assert "department (empty) -> Ward A" in result.output
    result = run("speaker", "set", "fg1", "p2", "--role", "moderator")
    assert result.exit_code == 0 and "(empty) -> moderator" in result.output
    project = open_project(database_url)
    info = corpus.get_transcript(project, "fg1")
    assert (info.department, str(info.recorded_on)) == ("Ward A", "2024-03-01")
    assert [v.role for v in corpus.segments(project, "fg1")] == [None, "moderator", None]
    result = run("transcript", "set", "fg1", "--date", "March")
    assert (
        result.exit_code == 1
        and "--date 'March' is not a date: write a real date as YYYY-MM-DD" in result.output
    )
    # a date in the right form that does not exist said 'must be YYYY-MM-DD', which it was
    impossible = run("transcript", "set", "fg1", "--date", "2025-02-30")
    assert impossible.exit_code == 1
    assert "--date '2025-02-30' is not a date: write a real date as" in impossible.output
    assert run("transcript", "set", "fg1").exit_code == 1


def test_reimport_with_other_metadata_exits_nonzero_until_updated(run, write_file) -> None:
    path = write_file("fg1.txt", TEXT)
    assert run("import", path, "--department", "Ward A").exit_code == 0
    result = run("import", path, "--department", "Ward B")
    assert result.exit_code == 1
    assert "department Ward A -> Ward B" in result.output and "--update-metadata" in result.output
    result = run("import", path, "--department", "Ward B", "--update-metadata")
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output


def test_dry_run_prints_speakers_and_writes_nothing(run, write_file, database_url) -> None:
    path = write_file("fg1.txt", TEXT)
    result = run("import", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "fg1.txt: 3 turns" in result.output
    assert "  p1: 2 turns" in result.output and "  p2: 1 turn" in result.output
    assert corpus.list_transcripts(open_project(database_url)) == []


def test_once_there_are_supervisors_only_they_fix_metadata(run, write_file, monkeypatch) -> None:
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    assert run("import", write_file("fg1.txt", TEXT), "--department", "Ward A").exit_code == 0
    assert run("coder", "add", "sam", "--role", "supervisor").exit_code == 0
    assert run("coder", "add", "kim", "--coder", "sam").exit_code == 0
    result = run("speaker", "set", "fg1", "p2", "--role", "moderator", "--coder", "kim")
    assert result.exit_code == 1 and "Only a supervisor may change transcript metadata" in (
        result.output
    )
    result = run("transcript", "set", "fg1", "--department", "Ward B")
    assert result.exit_code == 1 and "say who you are" in result.output
    assert "Traceback" not in result.output
    result = run("transcript", "set", "fg1", "--department", "Ward B", "--coder", "sam")
    assert result.exit_code == 0 and "department Ward A -> Ward B" in result.output
