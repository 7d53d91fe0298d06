"""A peer's typed variable values (IntegerValue, BooleanValue, DateTimeValue ...) are read,
and written back in the element of their variable's type, valid against the schema."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from qualcode.services.exchange import export_project_qdpx, import_qdpx
from qualcode.services.listing import list_transcripts
from qualcode.services.project import Project

from .conftest import SCHEMAS
from .peers import guid, project_qde, zipped

TEXT = "Interviewer: How are the breaks?\nAnna: We never get one.\n"
KINDS = {
    1: ("Participants", "Integer", "IntegerValue", "3"),
    2: ("Night shift", "Boolean", "BooleanValue", "true"),
    3: ("Held", "DateTime", "DateTimeValue", "2024-05-01T10:00:00"),
    4: ("Day", "Date", "DateValue", "2024-05-01"),
    5: ("Share", "Float", "FloatValue", "0.5"),
    6: ("Note", "Text", "TextValue", "Long day"),
}


def _peer_file(tmp_path: Path) -> Path:
    variables = "".join(
        f'<Variable guid="{guid(n, 7)}" name="{name}" typeOfVariable="{kind}"/>'
        for n, (name, kind, _, _) in KINDS.items()
    )
    values = "".join(
        f'<VariableValue><VariableRef targetGUID="{guid(n, 7)}"/><{tag}>{value}</{tag}>'
        "</VariableValue>"
        for n, (_, _, tag, value) in KINDS.items()
    )
    body = (
        f"<Variables>{variables}</Variables>"
        f'<Sources><TextSource guid="{guid(1, 3)}" name="Ward interview" '
        f'plainTextPath="internal://{guid(1, 3)}.txt">{values}</TextSource></Sources>'
    )
    return zipped(
        tmp_path / "typed.qdpx",
        {"project.qde": project_qde(body), f"sources/{guid(1, 3)}.txt": TEXT},
    )


def test_typed_values_are_read_and_written_in_their_type(project: Project, tmp_path: Path) -> None:
    import_qdpx(project, _peer_file(tmp_path))
    (info,) = list_transcripts(project, None)
    assert info.variables == {name: value for name, _, _, value in KINDS.values()}
    exported = tmp_path / "again.qdpx"
    export_project_qdpx(project, exported)
    with zipfile.ZipFile(exported) as archive:
        document = etree.fromstring(archive.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "Project.xsd")))
    schema.assertValid(document)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    written = {
        ref.get("targetGUID"): (etree.QName(ref.getnext()).localname, ref.getnext().text)
        for ref in document.iterfind(".//q:TextSource/q:VariableValue/q:VariableRef", ns)
    }
    for n, (_, _, tag, value) in KINDS.items():
        assert written[guid(n, 7)] == (tag, value)
