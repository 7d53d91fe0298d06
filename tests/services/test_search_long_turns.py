"""Search on the longest turns qualcode keeps shows the part around the match, not the
whole turn, and a .qdpx cannot bring in a turn longer than a transcript file may hold."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcode.domain.excerpt import SHOWN_CHARS
from qualcode.domain.imports import ImportSpec
from qualcode.domain.text import MAX_TURN_CHARS
from qualcode.errors import QualcodeError
from qualcode.services.codebooks import load_codebook_file
from qualcode.services.corpus import list_transcripts
from qualcode.services.exchange import import_qdpx
from qualcode.services.importing import import_files
from qualcode.services.project import Project
from qualcode.services.quotes import SearchQuery, search

from ..conftest import REPO

LONG = "we skip lunch again " * ((MAX_TURN_CHARS - 200) // 20)


def test_a_match_deep_in_a_very_long_turn_shows_only_the_part_around_it(
    project: Project, tmp_path: Path
) -> None:
    load_codebook_file(project, REPO / "codebooks" / "three_concepts.yaml")
    path = tmp_path / "monologue.txt"
    path.write_text(f"Anne: {LONG[:150_000]}and the breakroom is closed. {LONG[:3000]}\nBo: Yes.\n")
    [result] = import_files(project, [ImportSpec(path=path)]).results
    assert result.status == "imported", result.message
    [hit] = search(project, SearchQuery(text="breakroom")).quotes
    assert "breakroom is closed" in hit.text
    assert hit.text.startswith("…") and hit.text.endswith("…")
    assert len(hit.text) <= SHOWN_CHARS + 2
    [short] = search(project, SearchQuery(text="yes")).quotes
    assert short.text == "Yes."  # a turn that fits is shown whole


def test_a_qdpx_source_with_a_turn_over_the_limit_is_refused(
    project: Project, tmp_path: Path
) -> None:
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Study" origin="other">'
        '<Sources><TextSource guid="{dddddddd-1111-2222-3333-444444444444}" name="fg1" '
        'plainTextPath="internal://dddddddd-1111-2222-3333-444444444444.txt"/></Sources>'
        "</Project>"
    )
    path = tmp_path / "long.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        text = "Anne: " + LONG * 2
        archive.writestr("sources/dddddddd-1111-2222-3333-444444444444.txt", text)
    with pytest.raises(QualcodeError, match=r"source 'fg1': turn 1 is [\d,]+ characters long"):
        import_qdpx(project, path)
    assert list_transcripts(project, None) == []
