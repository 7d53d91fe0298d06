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
