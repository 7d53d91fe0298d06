"""Deeply nested codes and metadata: a clear limit, no RecursionError, nothing stored
(issue 16)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcode.codebook.files import load_codebook
from qualcode.errors import InputError
from qualcode.services.corpus import list_transcripts
from qualcode.services.exchange import import_qdc, import_qdpx
from qualcode.services.project import Project
from qualcode.store.models import Code

GUID = "{{{:08x}-1111-2222-3333-444444444444}}"


def nested_codes(depth: int, ns: str) -> str:
    opening = "".join(f'<Code guid="{GUID.format(n)}" name="c{n}">' for n in range(depth))
    return f'<Codes xmlns="{ns}">{opening}{"</Code>" * depth}</Codes>'


def qdc(depth: int) -> str:
    ns = "urn:QDA-XML:codebook:1.0"
    return f'<?xml version="1.0"?><CodeBook xmlns="{ns}">{nested_codes(depth, ns)}</CodeBook>'


def qdpx(path: Path, depth: int = 1, description: str = "") -> Path:
    ns = "urn:QDA-XML:project:1.0"
    source = GUID.format(0xFFFF)
    qde = (
        f'<?xml version="1.0"?><Project xmlns="{ns}" name="Deep" origin="test">'
        f"<CodeBook>{nested_codes(depth, ns)}</CodeBook>"
        f'<Sources><TextSource guid="{source}" name="fg1" plainTextPath="internal://fg1.txt">'
        f"<Description>{description}</Description></TextSource></Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/fg1.txt", "Anne: We skip lunch.\nBo: Same here.\n")
    return path


def codes_stored(project: Project) -> int:
    return project.read(lambda session: session.scalar(select(func.count()).select_from(Code)))


@pytest.mark.parametrize("depth", [3000, 33])
def test_codes_nested_too_deep_in_a_qdc_are_refused(
    project: Project, tmp_path: Path, depth: int
) -> None:
    path = tmp_path / "deep.qdc"
    path.write_text(qdc(depth), encoding="utf-8")
    with pytest.raises(InputError, match=r"deep\.qdc: codes nest more than 32 levels deep"):
        import_qdc(project, path)
    assert codes_stored(project) == 0


def test_codes_nested_to_the_limit_are_imported(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ok.qdc"
    path.write_text(qdc(32), encoding="utf-8")
    summary = import_qdc(project, path)
    assert len(summary.codes_added) == 32
    assert max(key.count(".") for key in summary.codes_added) == 31


def test_codes_nested_3000_deep_in_a_qdpx_are_refused(project: Project, tmp_path: Path) -> None:
    path = qdpx(tmp_path / "deep.qdpx", depth=3000)
    with pytest.raises(InputError, match=r"deep\.qdpx:project\.qde: codes nest more than 32"):
        import_qdpx(project, path)
    assert list_transcripts(project, None) == []
    assert codes_stored(project) == 0


def test_a_code_name_longer_than_its_column_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "long.qdc"
    path.write_text(qdc(1).replace('name="c0"', f'name="{"x" * 300}"'), encoding="utf-8")
    with pytest.raises(InputError, match=r"long\.qdc: code 'x+': the code \w+ .* at most 200"):
        import_qdc(project, path)
    assert codes_stored(project) == 0


def test_deeply_nested_qualcode_metadata_is_a_warning(project: Project, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = qdpx(
        tmp_path / "meta.qdpx", description=f"fg1\nqualcode-metadata: {json.dumps(0)}{deep}"
    )
    summary = import_qdpx(project, path)
    assert len(summary.transcripts_added) == 1
    assert any("qualcode metadata cannot be read" in warning for warning in summary.warnings)
    deeper = "qualcode-metadata: " + "[" * 100_000 + "]" * 100_000
    summary = import_qdpx(project, qdpx(tmp_path / "meta2.qdpx", description=deeper))
    assert any("qualcode metadata cannot be read" in warning for warning in summary.warnings)


def test_a_yaml_codebook_nested_too_deep_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: deep\ntitle: Deep\ncodes: " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(InputError, match=r"deep\.yaml: nests lists and mappings too deeply"):
        load_codebook(path)
    long_key = "a" * 201
    path.write_text(f"name: k\ntitle: K\ncodes:\n  - key: {long_key}\n    name: A\n")
    with pytest.raises(InputError, match=r"201 characters long; qualcode keeps at most 200"):
        load_codebook(path)
