from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode.errors import QualcodeError
from qualcode.services.adjudication import adjudicate
from qualcode.services.codebooks import codebook_info
from qualcode.services.coding import apply_code
from qualcode.services.corpus import list_transcripts, segments
from qualcode.services.demo import build_demo
from qualcode.services.done import done_marks, mark_done
from qualcode.services.exchange import (
    export_codebook_qdc,
    export_project_qdpx,
    import_qdc,
    import_qdpx,
)
from qualcode.services.memos import list_memos
from qualcode.services.project import Project
from qualcode.services.roles import list_coders

from .conftest import SCHEMAS


def content(project: Project) -> dict[str, object]:
    """Transcripts, codes and codings compared by content, not by ids."""
    result: dict[str, object] = {}
    for info in list_transcripts(project, None):
        views = segments(project, info.id)
        result[info.title] = (
            info.department,
            info.group_kind,
            [(s.speaker, s.role, s.start_char, s.end_char, s.text) for s in views],
            sorted(
                (c.coder, c.code_key, s.ordinal, c.start_char, c.end_char, c.memo)
                for s in views
                for c in s.codings
            ),
        )
    book = codebook_info(project)
    result["codes"] = [
        (c.key, c.name, c.parent_key, c.definition, c.include, c.exclude, c.examples,
         c.terms, c.color)
        for c in book.codes
    ]  # fmt: skip
    return result


def memos(project: Project) -> list[tuple[str, str | None, str | None, str]]:
    return sorted((m.target, m.coder, m.code_key, m.text) for m in list_memos(project))


def validate(xsd: str, document: bytes) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / xsd)))
    schema.assertValid(etree.fromstring(document))


# sha256 of the REFI-QDA standard's schema files (QDA-XML 1.0) as published.
PUBLISHED = {
    "Project.xsd": "a2cc1ffb4ab1c07c51d6c78e69f2c9968458a9f0ad3b317ddde27f1e86f15a15",
    "Codebook.xsd": "62a941a02df90991fd9e18bd97c571b88e3c493a722ef1e45a7247f787849c75",
}


def test_schema_copies_are_the_published_ones() -> None:
    for name, digest in PUBLISHED.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest


def test_round_trip_keeps_transcripts_codes_codings_and_memos(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "study.qdpx"
    summary = export_project_qdpx(coded, path)
    assert summary.codings == 3 and summary.users == 2
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        validate("Project.xsd", archive.read("project.qde"))
    assert "project.qde" in names and any(n.startswith("sources/") for n in names)
    imported = import_qdpx(other_project, path)
    assert imported.codings_added == 3 and not imported.warnings
    assert content(other_project) == content(coded)
    assert memos(other_project) == memos(coded)
    again = import_qdpx(other_project, path)
    assert again.codings_added == 0 and again.memos_added == 0


def test_export_is_stable(coded: Project, tmp_path: Path) -> None:
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_project_qdpx(coded, first)
    export_project_qdpx(coded, second)
    assert first.read_bytes() == second.read_bytes()


def test_codebook_qdc_round_trip(coded: Project, other_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    export_codebook_qdc(coded, path)
    validate("Codebook.xsd", path.read_bytes())
    assert b'color="#' in path.read_bytes()
    summary = import_qdc(other_project, path)
    assert len(summary.codes_added) == len(codebook_info(coded).codes)
    assert content(other_project)["codes"] == content(coded)["codes"]


def test_merge_brings_another_coders_layer(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    base = tmp_path / "base.qdpx"
    export_project_qdpx(coded, base)
    import_qdpx(other_project, base)
    first = segments(other_project, "group")[1]
    apply_code(other_project, first.id, "temporality", "carla")
    layer = tmp_path / "carla.qdpx"
    export_project_qdpx(other_project, layer)
    summary = import_qdpx(coded, layer)
    assert summary.transcripts_merged == ["group"] and summary.codings_added == 1
    coders = {c.coder for s in segments(coded, "group") for c in s.codings}
    assert coders == {"anna", "ben", "carla"}


def test_merge_refuses_a_source_with_other_text(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "study.qdpx"
    export_project_qdpx(coded, path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    source = next(name for name in entries if name.startswith("sources/"))
    entries[source] = entries[source].replace(b"break", b"brake")
    changed = tmp_path / "changed.qdpx"
    with zipfile.ZipFile(changed, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    before = content(coded)
    with pytest.raises(QualcodeError, match="different text"):
        import_qdpx(coded, changed)
    assert content(coded) == before


@pytest.mark.slow
def test_demo_round_trip(project: Project, other_project: Project, tmp_path: Path) -> None:
    build_demo(project)
    path = tmp_path / "demo.qdpx"
    export_project_qdpx(project, path)
    with zipfile.ZipFile(path) as archive:
        validate("Project.xsd", archive.read("project.qde"))
    import_qdpx(other_project, path)
    assert content(other_project) == content(project)


def test_the_consensus_layer_stays_the_consensus_layer_through_export_and_import(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    """REFI-QDA users have no roles: the consensus coder came back as one more coder, so its
    codings joined the all-coders layer, `--consensus` found no layer and adjudication was
    refused ('a coder named consensus exists but is not the consensus layer')."""
    second = segments(coded, "group")[1]
    adjudicate(coded, second.id, "relational_coordination", "take", supervisor=None, coder="ben")
    path = tmp_path / "study.qdpx"
    export_project_qdpx(coded, path)
    imported = import_qdpx(other_project, path)
    assert not imported.warnings
    layers = {info.name: info.is_consensus for info in list_coders(other_project)}
    assert layers == {"anna": False, "ben": False, "consensus": True}
    first = segments(other_project, "group")[0]
    view = adjudicate(other_project, first.id, "temporality", "take", supervisor=None, coder="anna")
    assert view.code_key == "temporality"
    again = tmp_path / "again.qdpx"
    export_project_qdpx(other_project, again)
    assert import_qdpx(coded, again).codings_added == 1  # the new adjudication, nothing else


def test_a_codebook_an_import_makes_is_at_version_1(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    """Into an empty project, the codebook was made at version 1 and then bumped for the
    codes it received: every table's provenance line said 'v2' where the source said 'v1'."""
    assert codebook_info(coded).version == 1
    path = tmp_path / "study.qdpx"
    export_project_qdpx(coded, path)
    import_qdpx(other_project, path)
    assert codebook_info(other_project).version == 1
    apply_code(coded, segments(coded, "group")[0].id, "open", "anna")  # nothing new: no bump
    export_project_qdpx(coded, path)
    import_qdpx(other_project, path)
    assert codebook_info(other_project).version == 1


def test_done_marks_survive_export_and_import(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    """A done mark puts a transcript in its coder's coded scope (the denominators of freq,
    compare and agree); the round trip dropped them: carla's N went from 2 turns to 0."""
    mark_done(coded, "group", "carla")
    path = tmp_path / "study.qdpx"
    export_project_qdpx(coded, path)
    summary = import_qdpx(other_project, path)
    assert summary.done_marks == 1 and not summary.warnings
    [transcript] = list_transcripts(other_project, None)
    assert done_marks(other_project) == {transcript.id: ["carla"]}
    assert import_qdpx(other_project, path).done_marks == 0  # already there
    again = tmp_path / "again.qdpx"
    export_project_qdpx(other_project, again)
    assert again.read_bytes() == path.read_bytes()


def test_a_transcripts_notes_survive_export_and_import(
    coded: Project, other_project: Project, tmp_path: Path, write_file
) -> None:
    """Text before the first speaker label is kept as the transcript's notes; the .qdpx
    carried no notes, so the round trip dropped it without a word."""
    from qualcode.domain.imports import ImportSpec
    from qualcode.services.importing import import_one

    path = write_file("noted.txt", "Pilot group, recorded in March.\nAnne: We skip lunch.\n")
    import_one(coded, ImportSpec(path=path, department="Ward"))
    out = tmp_path / "study.qdpx"
    export_project_qdpx(coded, out)
    import_qdpx(other_project, out)
    notes = {info.title: info.notes for info in list_transcripts(other_project, None)}
    assert notes["noted"] == ["Pilot group, recorded in March."]
    assert notes["group"] == []
