"""Control and direction-override characters in a .qdpx (names, descriptions, source text)
never reach the database, and codings still land on the same words."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from qualcode.services.codebooks import codebook_info
from qualcode.services.corpus import list_transcripts, segments
from qualcode.services.exchange import import_qdpx
from qualcode.services.project import Project
from qualcode.services.roles import list_coders

from .test_lengths import SOURCE, project_file

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_control_characters_in_a_project_are_removed(project: Project, tmp_path: Path) -> None:
    plain = project_file(tmp_path / "plain.qdpx", source="FG\u202eevil\u009b31m", user="an\u202ena")
    with zipfile.ZipFile(plain) as source:
        qde = source.read("project.qde").decode().replace('name="Breaks"', 'name="Bre\u202eaks"')
    # ESC and BEL before the coded span (file positions 6-11, ": We ") move it by two.
    qde = qde.replace('startPosition="0" endPosition="5"', 'startPosition="6" endPosition="11"')
    path = tmp_path / "controls.qdpx"
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("project.qde", qde)
        target.writestr(f"sources/{SOURCE[1:-1]}.txt", "\x1b\x07Anne: We skip.\nBo: Same.\n")
    import_qdpx(project, path, "sam")

    [transcript] = list_transcripts(project, None)
    assert transcript.title == "FGevil31m"
    assert [coder.name for coder in list_coders(project) if coder.name != "sam"] == ["anna"]
    assert "Breaks" in {code.name for code in codebook_info(project).codes}
    first = segments(project, transcript.id)[0]
    assert not CONTROLS.search(first.text) and first.text.startswith("Anne: We skip.")
    [coding] = first.codings
    start, end = coding.start_char - first.start_char, coding.end_char - first.start_char
    assert first.text[start:end] == ": We "
