"""A code's colour that is not the schema's #rrggbb or #rgb (a hand-edited file's 'red') is
left out with a warning: kept, it made every later export of the project schema-invalid."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from qualcode.services.codebooks import codebook_info
from qualcode.services.exchange import export_codebook_qdc, import_qdc
from qualcode.services.project import Project

from .conftest import SCHEMAS

QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022"><Codes>
  <Code guid="11111111-0000-4000-8000-000000000001" name="Stress" isCodable="true" color="red"/>
  <Code guid="11111111-0000-4000-8000-000000000002" name="Calm" isCodable="true" color="#0F0"/>
</Codes></CodeBook>"""


def test_a_colour_outside_the_schema_is_left_out(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "cb.qdc"
    source.write_text(QDC, encoding="utf-8")
    summary = import_qdc(project, source)
    assert (
        "code 'Stress': its colour 'red' is not #rrggbb or #rgb; it was left out."
        in summary.warnings
    )
    book = codebook_info(project)
    assert book.get("calm").color == "#00ff00"  # type: ignore[union-attr]
    out = tmp_path / "out.qdc"
    export_codebook_qdc(project, out)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "Codebook.xsd")))
    schema.assertValid(etree.parse(str(out)))
    assert 'color="red"' not in out.read_text(encoding="utf-8")
