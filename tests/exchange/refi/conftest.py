"""REFI-QDA fixtures: a small coded project, a foreign-style .qdpx from literal strings,
and builders for hostile archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcode.domain.imports import ImportSpec
from qualcode.services.codebooks import load_codebook_file
from qualcode.services.coding import apply_code
from qualcode.services.corpus import segments
from qualcode.services.importing import import_files
from qualcode.services.memos import add_memo
from qualcode.services.project import Project, open_project

REPO = Path(__file__).resolve().parents[3]
SCHEMAS = REPO / "qualcode" / "exchange" / "refi" / "schemas"  # the package's own copies

TRANSCRIPT = "Anne (nurse): We never get a break.\nBen: The phone rings all the time.\n"


@pytest.fixture
def other_project(tmp_path: Path) -> Project:
    return open_project(f"sqlite:///{tmp_path / 'other.db'}")


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """Two turns coded by two coders (whole turn and span), with memos of each kind."""
    load_codebook_file(project, REPO / "codebooks" / "three_concepts.yaml")
    source = tmp_path / "group.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    import_files(project, [ImportSpec(path=source, department="Ward", group_kind="staff")])
    first, second = segments(project, "group")
    apply_code(project, first.id, "temporality", "anna")
    apply_code(project, first.id, "temporality", "ben", span=(first.start_char + 3, 17))
    apply_code(project, second.id, "relational_coordination", "ben")
    add_memo(project, "Breaks again.", "anna", segment_id=first.id)
    add_memo(project, "Whole group is tense.", "ben", transcript_id=first.transcript_id)
    add_memo(project, "Check this code.", "anna", code_key="temporality")
    add_memo(project, "Project note.", "ben")
    return project


FOREIGN_TEXT = "Interviewer: How are breaks?\r\nMaria: We skip them.\r\n\r\nMaria: Always.\r\n"
FOREIGN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Foreign study" origin="OtherTool 12">
  <Users><User guid="{AAAAAAAA-1111-2222-3333-444444444444}" name="Maria Jensen"/></Users>
  <CodeBook><Codes>
    <Code guid="{BBBBBBBB-1111-2222-3333-444444444444}" name="Work time" isCodable="false"
          color="#F00">
      <Description>Everything about time.</Description>
      <Code guid="{CCCCCCCC-1111-2222-3333-444444444444}" name="Skipped breaks" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{DDDDDDDD-1111-2222-3333-444444444444}" name="Interview 1"
                plainTextPath="internal://DDDDDDDD-1111-2222-3333-444444444444.txt">
      <PlainTextSelection guid="{EEEEEEEE-1111-2222-3333-444444444444}" startPosition="37"
            endPosition="50" creatingUser="{AAAAAAAA-1111-2222-3333-444444444444}">
        <Coding guid="{FFFFFFFF-1111-2222-3333-444444444444}"
                creatingUser="{AAAAAAAA-1111-2222-3333-444444444444}">
          <CodeRef targetGUID="{CCCCCCCC-1111-2222-3333-444444444444}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{EEEEEEEE-2222-2222-3333-444444444444}" startPosition="54"
            endPosition="68">
        <Coding guid="{FFFFFFFF-2222-2222-3333-444444444444}">
          <CodeRef targetGUID="{cccccccc-1111-2222-3333-444444444444}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""


def write_zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.fixture
def foreign_qdpx(tmp_path: Path) -> Path:
    """A .qdpx in another tool's style: braced uppercase GUIDs, Sources/, CRLF text."""
    return write_zip(
        tmp_path / "foreign.qdpx",
        {
            "project.qde": FOREIGN_QDE,
            "Sources/DDDDDDDD-1111-2222-3333-444444444444.txt": FOREIGN_TEXT.encode("utf-8"),
        },
    )
