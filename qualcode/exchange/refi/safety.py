"""Refuse hostile files: XML with DTDs or entities, zip entries escaping, zip bombs."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from qualcode.errors import InputError

MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024  # small entries compress wildly without being bombs
MAX_ENTRIES = 100_000
REFUSED = "Refused for safety; nothing was imported."


def parse_xml(data: bytes, source: str) -> Element:
    """Parse XML, refusing any DTD (so no external entities and no entity expansion bombs).

    REFI-QDA documents never need a DTD; defusedxml forbids it before any entity is expanded.
    """
    try:
        return safe_et.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise InputError(
            source, f"the XML declares a DTD or entities ({type(error).__name__}).", hint=REFUSED
        ) from None
    except ParseError as error:
        raise InputError(source, f"is not well-formed XML ({error}).") from None


@dataclass
class SafeZip:
    """A zip archive whose entries were checked."""

    path: Path
    archive: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]

    def find(self, name: str) -> str | None:
        """The stored name of the entry `name` (any case, `/` or `\\`), or None."""
        info = self.entries.get(_entry_key(name))
        return info.filename if info else None

    def find_exact(self, name: str) -> str | None:
        """The stored name of the entry `name`, matched case-sensitively except for the
        case of a leading `sources/` folder (tools write `Sources/`), or None."""
        info = self._exact.get(_exact_key(name))
        return info.filename if info else None

    @cached_property
    def _exact(self) -> dict[str, zipfile.ZipInfo]:
        return {_exact_key(info.filename): info for info in self.entries.values()}

    def read(self, name: str) -> bytes:
        info = self.entries.get(_entry_key(name))
        if info is None:
            raise InputError(str(self.path), f"has no entry {name!r}.")
        # zipfile stops at the declared size, so the size checks in open_zip bound this read.
        return self.archive.read(info)

    def close(self) -> None:
        self.archive.close()


def open_zip(
    path: Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO
) -> SafeZip:
    """Open a zip after checking every entry's name, the total size and compression ratios."""
    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(source, "does not exist.", hint="Check the path.") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(source, f"is not a zip archive ({error}).") from None
    try:
        entries = _checked_entries(archive, source, max_total, max_ratio)
    except InputError:
        archive.close()
        raise
    return SafeZip(path, archive, entries)


def _checked_entries(
    archive: zipfile.ZipFile, source: str, max_total: int, max_ratio: int
) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputError(source, f"holds more than {MAX_ENTRIES} entries.", hint=REFUSED)
    total = 0
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if escapes(info.filename):
            raise InputError(
                source, f"the entry {info.filename!r} points outside the archive.", hint=REFUSED
            )
        total += info.file_size
        if total > max_total:
            raise InputError(
                source, f"unpacks to more than {max_total // (1024 * 1024)} MB.", hint=REFUSED
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > max_ratio:
            raise InputError(
                source,
                f"the entry {info.filename!r} is compressed {ratio:.0f}:1, like a zip bomb.",
                hint=REFUSED,
            )
        if not info.is_dir():
            entries[_entry_key(info.filename)] = info
    return entries


def escapes(name: str) -> bool:
    """Whether a path inside an archive points outside it."""
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    return (
        posix.startswith("/")
        or ".." in parts
        or (len(posix) > 1 and posix[1] == ":")  # a Windows drive such as C:
    )


def _exact_key(name: str) -> str:
    posix = name.replace("\\", "/").removeprefix("./")
    folder, _, rest = posix.partition("/")
    return f"sources/{rest}" if rest and folder.casefold() == "sources" else posix


def _entry_key(name: str) -> str:
    return name.replace("\\", "/").removeprefix("./").casefold()
