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
    again = run("transcript", "done", "ward", "--coder", "anna", "--undo")
    assert "is not done for anna" in again.output
    missing = run("transcript", "done", "7", "--coder", "anna")
    assert missing.exit_code == 1
    assert "No transcript '7'" in missing.output
