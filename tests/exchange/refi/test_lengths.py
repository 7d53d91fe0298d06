"""Names in a .qdpx longer than their columns are refused alike on SQLite and PostgreSQL
(PostgreSQL failed mid-insert with a traceback; SQLite stored them), and nothing is kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcode.errors import QualcodeError
from qualcode.services.corpus import list_transcripts
from qualcode.services.exchange import import_qdpx
from qualcode.services.project import Project

USER, CODE, SOURCE, VARIABLE, GROUP = (f"{{{c * 8}-1111-2222-3333-444444444444}}" for c in "abd12")


TEXT = "Anne: We skip lunch.\nBo: Same.\n"


def project_file(
    path: Path,
    *,
    source: str = "fg1",
    user: str = "anna",
    text: str = TEXT,
    variable: str = "Ward",
    group: str = "Night shift",
) -> Path:
    selection = (
        f'<PlainTextSelection guid="{{eeeeeeee-1111-2222-3333-444444444444}}" startPosition="0" '
        f'endPosition="5" creatingUser="{USER}"><Coding guid="{{ffffffff-1111-2222-3333-'
        f'444444444444}}" creatingUser="{USER}"><CodeRef targetGUID="{CODE}"/></Coding>'
        "</PlainTextSelection>"
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="S" origin="other">'
        f'<Users><User guid="{USER}" name="{user}"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Breaks" isCodable="true"/></Codes>'
        f'</CodeBook><Sources><TextSource guid="{SOURCE}" name="{source}" '
        f'plainTextPath="internal://{SOURCE[1:-1]}.txt">{selection}</TextSource></Sources>'
        f'<Variables><Variable guid="{VARIABLE}" name="{variable}" typeOfVariable="Text"/>'
        f'</Variables><Sets><Set guid="{GROUP}" name="{group}"><MemberSource targetGUID='
        f'"{SOURCE}"/></Set></Sets></Project>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{SOURCE[1:-1]}.txt", text)
    return path


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            {"source": "T" * 400},
            r"long\.qdpx: <TextSource guid='d{8}-[-0-9]+'> \('T{40}…'\), its name attribute: "
            r"the title 'T{40}…' is 400 characters long; .* at most 300",
        ),
        (
            {"user": "U" * 150},
            r"long\.qdpx: the name of <User guid='a{8}-[-0-9]+'>: "
            r"the coder name 'U{40}…' is 150 characters long; .* at most 100",
        ),
        (
            {"variable": "V" * 400},
            r"long\.qdpx: the name of <Variable guid='1{8}-[-0-9]+'>: "
            r"the REFI-QDA name 'V{40}…' is 400 characters long; .* at most 300",
        ),
        (
            {"group": "G" * 400},
            r"long\.qdpx: the name of <Set guid='2{8}-[-0-9]+'>: "
            r"the REFI-QDA name 'G{40}…' is 400 characters long; .* at most 300",
        ),
    ],
    ids=["source name", "user name", "variable name", "set name"],
)
def test_a_name_longer_than_its_column_is_refused(
    project: Project, tmp_path: Path, names: dict[str, str], message: str
) -> None:
    path = project_file(tmp_path / "long.qdpx", **names)
    with pytest.raises(QualcodeError, match=message):
        import_qdpx(project, path, "sam")
    assert list_transcripts(project, None) == []
    assert project_file(tmp_path / "fine.qdpx") and import_qdpx(project, tmp_path / "fine.qdpx")


def with_facts(path: Path, **changed: object) -> Path:
    """A project whose source carries qualcode's metadata, with `changed` facts in it."""
    from xml.sax.saxutils import escape

    from qualcode.exchange.refi.metadata import SegmentFacts, SourceFacts, embed

    first = TEXT.index("\n") + 1
    facts = SourceFacts(
        sha256="0" * 64,
        title="fg1",
        source_name="fg1.txt",
        department="Ward",
        segments=[
            SegmentFacts(start=0, end=first, speaker="Anne"),
            SegmentFacts(start=first, end=len(TEXT), speaker="Bo"),
        ],
    )
    if "speaker" in changed:
        facts.segments[0].speaker = str(changed.pop("speaker"))
    facts = facts.model_copy(update=changed)
    project_file(path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    description = f"<Description>{escape(embed('fg1', facts))}</Description>"
    qde = entries["project.qde"].decode().replace('.txt">', f'.txt">{description}', 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**entries, "project.qde": qde.encode()}.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"language": "x" * 50}, r"the language 'x{40}…' is 50 characters long; .* at most 8"),
        ({"speaker": "S" * 300}, r"the speaker label 'S{40}…' is 300 characters long; .* 200"),
        ({"roles": {"Anne": "R" * 300}}, r"the speaker role 'R{40}…' is 300 characters long"),
        ({"department": "D" * 5000}, r"the department 'D{40}…' is 5,000 characters long"),
        ({"group_kind": "G" * 101}, r"the group kind 'G{40}…' is 101 characters long; .* 100"),
    ],
    ids=["language", "speaker", "role", "department", "group kind"],
)
def test_qualcode_metadata_longer_than_its_column_is_refused(
    project: Project, tmp_path: Path, facts: dict[str, object], message: str
) -> None:
    """The facts qualcode keeps in a source's Description are checked as a transcript's
    are (PostgreSQL failed mid-insert on a language over 8 characters)."""
    path = with_facts(tmp_path / "facts.qdpx", **facts)
    with pytest.raises(QualcodeError, match=r"facts\.qdpx: <TextSource .*qualcode metadata.*: "):
        import_qdpx(project, path, "sam")
    with pytest.raises(QualcodeError, match=message):
        import_qdpx(project, path, "sam")
    assert list_transcripts(project, None) == []
    import_qdpx(project, with_facts(tmp_path / "fine.qdpx"), "sam")
    [stored] = list_transcripts(project, None)
    assert stored.department == "Ward"
