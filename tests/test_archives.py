"""Damaged and hostile zips (.docx transcripts, .qdpx projects): one sentence naming the
file and entry, nothing stored, a batch goes on with the other files, and a header that
lies about an entry's size cannot make qualcode unpack more than it claims (issue 16)."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from qualcode.errors import InputError
from qualcode.ingest.docx_reader import read_docx
from qualcode.services.corpus import list_transcripts
from qualcode.services.exchange import import_qdpx
from qualcode.services.project import Project, open_project

QDE = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="Study" origin="test">'
    '<Sources><TextSource guid="{dddddddd-1111-2222-3333-444444444444}" name="fg1" '
    'plainTextPath="internal://dddddddd-1111-2222-3333-444444444444.txt"/></Sources></Project>'
)
TEXT_ENTRY = "sources/dddddddd-1111-2222-3333-444444444444.txt"
TEXT = "Anne: We skip lunch.\nBo: Same here.\n"


def word_file() -> bytes:
    document = docx.Document()
    document.add_paragraph("Anne: We skip lunch every day.")
    document.add_paragraph("Bo: Same here.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zipped(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def _central(data: bytes, name: str) -> int:
    """The offset of `name`'s central directory header."""
    at = struct.unpack_from("<I", data, data.rindex(b"PK\x05\x06") + 16)[0]
    while True:
        length = struct.unpack_from("<H", data, at + 28)[0]
        extra, comment = struct.unpack_from("<HH", data, at + 30)
        if data[at + 46 : at + 46 + length].decode() == name:
            return at
        at += 46 + length + extra + comment


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """`data` whose central directory claims `size` bytes for `name`."""
    at = _central(data, name)
    return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]


def with_bad_crc(data: bytes, name: str) -> bytes:
    at = _central(data, name)
    crc = struct.unpack_from("<I", data, at + 16)[0] ^ 0xFFFF
    return data[: at + 16] + struct.pack("<I", crc) + data[at + 20 :]


def with_corrupt_deflate(data: bytes, name: str) -> bytes:
    """`data` with garbage in the middle of `name`'s compressed bytes."""
    at = _central(data, name)
    size = struct.unpack_from("<I", data, at + 20)[0]
    local = struct.unpack_from("<I", data, at + 42)[0]
    length, extra = struct.unpack_from("<HH", data, local + 26)
    start = local + 30 + length + extra + size // 3
    return data[:start] + b"\xff" * 8 + data[start + 8 :]


# ---------------------------------------------------------------- Word files


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: with_bad_crc(d, "word/document.xml"), r"'word/document.xml' cannot be unpacked"),
        (lambda d: with_corrupt_deflate(d, "word/document.xml"), r"'word/document.xml' cannot"),
        (lambda d: d[: len(d) // 2], r"not a Word \(\.docx\) file, or a damaged one"),
    ],
    ids=["bad CRC", "corrupt deflate data", "truncated"],
)
def test_a_damaged_word_file_is_named(damage, message) -> None:
    with pytest.raises(InputError, match=rf"^fg\.docx: .*{message}") as caught:
        read_docx(damage(word_file()), "fg.docx")
    assert "\n" not in str(caught.value)


def test_a_word_entry_claiming_fewer_bytes_is_not_unpacked_whole() -> None:
    big = zipped({"word/document.xml": b"<" + b" " * (48 * 2**20)})
    data = with_declared_size(big, "word/document.xml", 200)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"fg\.docx: the entry 'word/document.xml' cannot"):
            read_docx(data, "fg.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20  # the entry holds 48 MB; a chunk is 64 KB


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"WORD/document.xml": "<x/>"}, r"holds two entries named 'word/document.xml' and 'WORD/"),
        ({"../evil.xml": "<x/>"}, r"the entry '../evil.xml' points outside the archive"),
    ],
    ids=["names differing in case", "parent folder"],
)
def test_hostile_word_entries_are_refused(extra: dict[str, str], message: str) -> None:
    with zipfile.ZipFile(io.BytesIO(word_file())) as archive:
        entries: dict[str, bytes | str] = {n: archive.read(n) for n in archive.namelist()}
    with pytest.raises(InputError, match=rf"fg\.docx: {message}"):
        read_docx(zipped({**entries, **extra}), "fg.docx")


def test_a_batch_goes_on_past_a_damaged_word_file(run, write_file, database_url) -> None:
    good = [write_file(f"fg{n}.txt", TEXT.replace("Bo", f"Bo{n}")) for n in range(3)]
    bad = write_file("broken.docx", with_corrupt_deflate(word_file(), "word/document.xml"))
    # Four files: parsed in a second process, as a real batch is.
    result = run("import", good[0], bad, good[1], good[2], "--keep-going")
    assert result.exit_code == 1
    assert "3 imported, 0 already there, 1 failed." in result.output
    assert "broken.docx: the entry 'word/document.xml' cannot be unpacked" in result.output
    assert "Traceback" not in result.output
    project = open_project(database_url)
    assert sorted(info.source_name for info in list_transcripts(project)) == [
        "fg0.txt",
        "fg1.txt",
        "fg2.txt",
    ]
    project.close()


# ---------------------------------------------------------------- REFI-QDA projects


def refused(project: Project, path: Path, match: str) -> None:
    with pytest.raises(InputError, match=match) as caught:
        import_qdpx(project, path)
    assert str(caught.value).startswith(str(path))
    assert list_transcripts(project, None) == []


def test_a_damaged_project_is_named(project: Project, tmp_path: Path) -> None:
    data = zipped({"project.qde": QDE, TEXT_ENTRY: TEXT * 50})
    for damage, match in (
        (with_bad_crc(data, TEXT_ENTRY), rf"the entry '{TEXT_ENTRY}' cannot be unpacked"),
        (with_corrupt_deflate(data, "project.qde"), r"the entry 'project.qde' cannot be unpacked"),
        (data[: len(data) // 2], r"is not a zip archive, or a damaged one"),
    ):
        path = tmp_path / "study.qdpx"
        path.write_bytes(damage)
        refused(project, path, match)


def test_a_project_entry_claiming_fewer_bytes_is_not_unpacked_whole(
    project: Project, tmp_path: Path
) -> None:
    data = zipped({"project.qde": QDE, TEXT_ENTRY: b"x" * (48 * 2**20)})
    path = tmp_path / "liar.qdpx"
    path.write_bytes(with_declared_size(data, TEXT_ENTRY, 200))
    tracemalloc.start()
    try:
        refused(project, path, rf"the entry '{TEXT_ENTRY}' cannot be unpacked")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20


def test_project_entries_differing_only_in_case_are_refused(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "twins.qdpx"
    upper = TEXT_ENTRY.replace("sources/", "Sources/")
    path.write_bytes(zipped({"project.qde": QDE, TEXT_ENTRY: TEXT, upper: "Eve: other text.\n"}))
    refused(project, path, rf"two entries named '{TEXT_ENTRY}' and '{upper}'")
