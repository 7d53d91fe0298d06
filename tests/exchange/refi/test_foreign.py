from __future__ import annotations

from pathlib import Path

from qualcode.services.codebooks import codebook_info
from qualcode.services.corpus import segments
from qualcode.services.exchange import import_qdpx
from qualcode.services.project import Project

from .conftest import FOREIGN_TEXT


def test_foreign_project_imports_with_crlf_positions_mapped(
    project: Project, foreign_qdpx: Path
) -> None:
    summary = import_qdpx(project, foreign_qdpx)
    assert summary.transcripts_added == ["Interview 1"]
    assert summary.coders == ["Maria Jensen", "imported"]
    assert "1 coding names no user; it was given to the coder 'imported'." in summary.warnings
    book = codebook_info(project)
    child = book.get("work_time.skipped_breaks")
    assert child is not None and child.parent_key == "work_time"
    assert book.get("work_time").color == "#ff0000"  # type: ignore[union-attr]
    views = segments(project, "Interview 1")
    assert [v.speaker for v in views] == ["Interviewer", "Maria", "Maria"]
    text = FOREIGN_TEXT.replace("\r\n", "\n")
    spans = sorted((c.coder, text[c.start_char : c.end_char]) for v in views for c in v.codings)
    assert spans == [("Maria Jensen", "We skip them."), ("imported", "Maria: Always.")]
