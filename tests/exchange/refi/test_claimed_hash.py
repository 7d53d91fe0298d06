"""The sha256 in a .qdpx's qualcode metadata is a claim: a project whose text differs from
the file it names must not make a later import of that file say "already imported"."""

from __future__ import annotations

import zipfile
from pathlib import Path

from qualcode.domain.imports import ImportSpec
from qualcode.services.codebooks import load_codebook_file
from qualcode.services.corpus import list_transcripts
from qualcode.services.exchange import export_project_qdpx, import_qdpx
from qualcode.services.importing import import_files
from qualcode.services.project import Project

from .conftest import REPO

REAL = "Anne: We never get a break.\nBen: The phone rings all the time.\n"


def with_other_words(path: Path, target: Path) -> Path:
    """The project at `path` with other words of the same length in its source text (its
    metadata, segments and sha256 kept)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.lower().startswith("sources/"):
                data = data.replace(b"never", b"often").replace(b"time", b"week")
            copy.writestr(info, data)
    return target


def test_a_claimed_hash_does_not_stand_for_another_file(
    project: Project, other_project: Project, tmp_path: Path
) -> None:
    real = tmp_path / "real.txt"
    real.write_text(REAL, encoding="utf-8")
    load_codebook_file(other_project, REPO / "codebooks" / "three_concepts.yaml")
    import_files(other_project, [ImportSpec(path=real, department="Ward")])
    exported = tmp_path / "exported.qdpx"
    export_project_qdpx(other_project, exported)
    forged = with_other_words(exported, tmp_path / "forged.qdpx")

    summary = import_qdpx(project, forged)
    assert summary.warnings == []  # its metadata (segments, sha256) fits the text
    [result] = import_files(project, [ImportSpec(path=real, department="Ward")]).results

    assert result.status == "imported"
    # The untouched project's source is the same text: merged into it, not imported twice.
    import_qdpx(project, exported)
    assert len(list_transcripts(project, None)) == 2
