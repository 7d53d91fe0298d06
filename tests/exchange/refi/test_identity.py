"""What qualcode exports comes back identical: preserved GUIDs, stable bytes, descriptions as
written, no invented colours or variables, the project's name, sets, cases and variables."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from qualcode.domain.imports import ImportSpec
from qualcode.exchange.refi.description import CodeText, pack_description, unpack_description
from qualcode.services.codebooks import codebook_info
from qualcode.services.corpus import get_transcript
from qualcode.services.exchange import export_codebook_qdc, export_project_qdpx, import_qdpx
from qualcode.services.importing import import_files
from qualcode.services.project import Project

from .peers import guid, zipped
from .test_peers import PEER, TEXT_A
from .test_roundtrip import content

GUID = re.compile(r'(?:guid|targetGUID|creatingUser)="\{?([0-9a-fA-F-]{36})\}?"')


def qde(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde").decode("utf-8")


def guids(document: str) -> set[str]:
    return {found.lower() for found in GUID.findall(document)}


def peer(tmp_path: Path) -> Path:
    described = PEER.replace(
        'name="Time" isCodable="true">',
        'name="Time" isCodable="true" color="#00AA00">'
        "<Description>  Time as people live it.\nNo headings here.\n</Description>",
    )
    return zipped(
        tmp_path / "peer.qdpx",
        {
            "project.qde": described,
            "sources/a.txt": TEXT_A,
            "sources/b.txt": "B: text.\n",
            "sources/c.txt": "C: other text.\n",
        },
    )


def test_peer_guids_come_back_in_the_export(project: Project, tmp_path: Path) -> None:
    original = peer(tmp_path)
    import_qdpx(project, original)
    first, second = tmp_path / "one.qdpx", tmp_path / "two.qdpx"
    summary = export_project_qdpx(project, first)
    export_project_qdpx(project, second)
    assert first.read_bytes() == second.read_bytes()
    exported = qde(first)
    # Every GUID of the file: users, codes, variables, cases, sources, selections, codings, sets.
    assert guids(qde(original)) <= guids(exported)
    assert '<Project xmlns="urn:QDA-XML:project:1.0" name="Peer study"' in exported
    # The file's two sets and one case, and a case per speaker (Maria, Ole, B, C).
    assert summary.sets == 2 and summary.cases == 5
    assert f'<MemberCode targetGUID="{guid(2, 2)}"/>' in exported
    assert f'<MemberSource targetGUID="{guid(2, 5)}"/>' in exported
    assert "<Description>  Time as people live it.\nNo headings here.\n</Description>" in exported
    assert 'color="#00aa00"' in exported  # the code's colour, normalised
    assert exported.count("color=") == 1  # Breaks and its sibling had none: none is invented
    # the Integer variable's value goes out as the peer wrote it, not as text
    assert "<IntegerValue>41</IntegerValue>" in exported and "<TextValue>41<" not in exported


def test_peer_file_round_trips_into_an_empty_database(
    project: Project, other_project: Project, tmp_path: Path
) -> None:
    import_qdpx(project, peer(tmp_path))
    exported = tmp_path / "out.qdpx"
    export_project_qdpx(project, exported)
    import_qdpx(other_project, exported)
    again = tmp_path / "again.qdpx"
    export_project_qdpx(other_project, again)
    assert qde(again) == qde(exported)
    assert content(other_project) == content(project)
    assert get_transcript(other_project, "Interview A").variables == {
        "Site": "North",
        "Age": "41",
    }


def test_qualcode_export_round_trips_byte_for_byte(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.qdpx", tmp_path / "second.qdpx"
    export_project_qdpx(coded, first)
    import_qdpx(other_project, first)
    export_project_qdpx(other_project, second)
    assert first.read_bytes() == second.read_bytes()
    assert content(other_project) == content(coded)


def test_no_empty_variables_and_no_invented_name(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "plain.txt"
    source.write_text("Anne: Yes.\nBo: No.\n", encoding="utf-8")
    import_files(project, [ImportSpec(path=source)])
    import_qdpx(project, zipped(tmp_path / "codes.qdpx", {"project.qde": PEER}), allow_partial=True)
    path = tmp_path / "out.qdpx"
    export_project_qdpx(project, path)
    exported = qde(path)
    assert "Department" not in exported and "Group kind" not in exported
    assert 'name="Peer study"' in exported


def test_code_description_structure_round_trips(
    coded: Project, other_project: Project, tmp_path: Path
) -> None:
    tricky = CodeText(
        definition="First paragraph.\n\nSecond paragraph:\nInclude:\n- not a list",
        include=["lunch\nand coffee", "- dashed"],
        exclude=["holidays"],
        examples=["We never get\n\na break."],
        terms={"da": ["pause"], "en": ["break"]},
        key="temporality.breaks",
    )
    assert unpack_description(pack_description(tricky)) == tricky
    path = tmp_path / "book.qdc"
    export_codebook_qdc(coded, path)
    from qualcode.services.exchange import import_qdc

    import_qdc(other_project, path)
    fields = [
        (c.key, c.name, c.definition, c.include, c.exclude, c.examples, c.terms, c.color)
        for c in codebook_info(other_project).codes
    ]
    assert fields == [
        (c.key, c.name, c.definition, c.include, c.exclude, c.examples, c.terms, c.color)
        for c in codebook_info(coded).codes
    ]
