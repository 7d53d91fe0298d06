"""`qualcode transcript done`: a coder's done mark, set and removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

WARD = """Moderator: How are the breaks?
Anne: We never get a proper break.
"""


def test_transcript_done_command(run: Callable, tmp_path: Path) -> None:
    (tmp_path / "ward.txt").write_text(WARD, encoding="utf-8")
    assert run("import", tmp_path / "ward.txt").exit_code == 0
    result = run("transcript", "done", "1", "--coder", "anna")
    assert result.exit_code == 0, result.output
    assert "Transcript 1 (ward) is done for anna." in result.output
    # the mark made anna a coder and says so (a mistyped name made a coder without a word)
    assert "anna is a new coder, made by this mark" in result.output
    again = run("transcript", "done", "ward", "--coder", "anna", "--undo")
    assert "is not done for anna" in again.output and "new coder" not in again.output
    known = run("transcript", "done", "ward", "--coder", "anna")
    assert known.exit_code == 0 and "new coder" not in known.output
    missing = run("transcript", "done", "7", "--coder", "anna")
    assert missing.exit_code == 1
    assert "No transcript '7'" in missing.output


def test_a_transcript_is_named_as_turn_references_name_it(run: Callable, tmp_path: Path) -> None:
    # Outputs name turns `T1:2`, so `segments T1` is what a person types next.
    (tmp_path / "ward.txt").write_text(WARD, encoding="utf-8")
    (tmp_path / "T1.txt").write_text(WARD.replace("proper", "dinner"), encoding="utf-8")
    assert run("import", tmp_path / "ward.txt", tmp_path / "T1.txt").exit_code == 0
    by_ref = run("segments", "t2")
    assert by_ref.exit_code == 0, by_ref.output
    assert "dinner" in by_ref.output
    titled = run("segments", "T1")  # a transcript titled "T1" (id 2) is named first
    assert "dinner" in titled.output
    assert "Transcript 1 (ward) is done" in run("transcript", "done", "t1", "--coder", "a").output
    missing = run("segments", "T9")
    assert missing.exit_code == 1
    assert "No transcript 'T9'" in missing.output and "(8 or T8)" in missing.output
