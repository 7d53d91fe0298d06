"""Hostile files are refused with a clear error and leave the database untouched."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcode.errors import InputError
from qualcode.services.corpus import list_transcripts
from qualcode.services.exchange import import_qdc, import_qdpx
from qualcode.services.project import Project

from .conftest import FOREIGN_QDE, FOREIGN_TEXT, write_zip

TEXT_ENTRY = "Sources/DDDDDDDD-1111-2222-3333-444444444444.txt"


def refused(project: Project, path: Path, match: str) -> None:
    with pytest.raises(InputError, match=match):
        import_qdpx(project, path)
    assert list_transcripts(project, None) == []


def test_external_entity_refused(project: Project, tmp_path: Path) -> None:
    qde = FOREIGN_QDE.replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ).replace('name="Foreign study"', 'name="&x;"')
    path = write_zip(tmp_path / "xxe.qdpx", {"project.qde": qde, TEXT_ENTRY: FOREIGN_TEXT})
    refused(project, path, "DTD or entities")


def test_entity_expansion_bomb_refused(project: Project, tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    qde = f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY l0 "lol">{lol}]><p>&l9;</p>'
    path = write_zip(tmp_path / "bomb.qdpx", {"project.qde": qde})
    refused(project, path, "DTD or entities")


def test_qdc_with_entities_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "evil.qdc"
    path.write_text('<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "b">]><c>&a;</c>')
    with pytest.raises(InputError, match="DTD or entities"):
        import_qdc(project, path)


@pytest.mark.parametrize("name", ["../evil.txt", "/abs.txt", "C:/win.txt", "a/../../x.txt"])
def test_escaping_entry_refused(project: Project, tmp_path: Path, name: str) -> None:
    path = write_zip(tmp_path / "slip.qdpx", {"project.qde": FOREIGN_QDE, name: "x"})
    refused(project, path, "outside the archive")


def test_zip_bomb_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "zipbomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", FOREIGN_QDE)
        archive.writestr(TEXT_ENTRY, b"\0" * (20 * 1024 * 1024))
    refused(project, path, "zip bomb")


def test_total_size_limit(tmp_path: Path) -> None:
    from qualcode.exchange.refi.safety import open_zip

    path = write_zip(tmp_path / "big.qdpx", {"project.qde": FOREIGN_QDE, TEXT_ENTRY: "y" * 5000})
    with pytest.raises(InputError, match="unpacks to more than"):
        open_zip(path, max_total=4000)


def test_position_outside_text_refused(project: Project, tmp_path: Path) -> None:
    qde = FOREIGN_QDE.replace('endPosition="68"', 'endPosition="999"')
    path = write_zip(tmp_path / "pos.qdpx", {"project.qde": qde, TEXT_ENTRY: FOREIGN_TEXT})
    refused(project, path, "outside the text")


def test_unknown_code_refused(project: Project, tmp_path: Path) -> None:
    qde = FOREIGN_QDE.replace(
        'targetGUID="{cccccccc-1111-2222-3333-444444444444}"',
        'targetGUID="{99999999-1111-2222-3333-444444444444}"',
    )
    path = write_zip(tmp_path / "code.qdpx", {"project.qde": qde, TEXT_ENTRY: FOREIGN_TEXT})
    refused(project, path, "not in the codebook")
