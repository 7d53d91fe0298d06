"""Zip archives read safely (.qdpx projects, .docx transcripts): entries checked before any
is unpacked, and each unpacked in bounded chunks up to its declared size.

Refused with one sentence naming the file: entries that leave the archive (`..`, absolute,
a drive), two entries whose names differ only in case (one would silently replace the
other), more entries or more unpacked bytes than the limits, zip bombs, and damaged data (a
bad CRC, corrupt deflate data, a truncated archive). A header that claims fewer bytes than
an entry holds cannot make a read allocate more: reads stop at the declared size, chunk by
chunk, and the CRC check then fails.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from qualcode.errors import InputError

MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024  # small entries compress wildly without being bombs
MAX_ENTRIES = 100_000
CHUNK_BYTES = 64 * 1024
REFUSED = "Refused for safety; nothing was imported."
DAMAGED_HINT = "The file is damaged or truncated; export or copy it again."
# What unpacking a damaged entry raises: a bad CRC or header (BadZipFile), corrupt deflate
# data (zlib.error), a stream that ends early (EOFError), bzip2/lzma data (OSError, ValueError),
# a compression method zipfile cannot unpack (NotImplementedError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


@dataclass
class SafeZip:
    """A zip archive whose entries were checked."""

    source: str
    archive: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]
    max_total: int = MAX_TOTAL_BYTES
    unpacked: int = field(default=0)

    @property
    def path(self) -> Path:
        return Path(self.source)

    def find(self, name: str) -> str | None:
        """The stored name of the entry `name` (any case, `/` or `\\`), or None."""
        info = self.entries.get(entry_key(name))
        return info.filename if info else None

    def find_exact(self, name: str) -> str | None:
        """The stored name of the entry `name`, matched case-sensitively except for the
        case of a leading `sources/` folder (tools write `Sources/`), or None."""
        info = self._exact.get(_exact_key(name))
        return info.filename if info else None

    @cached_property
    def _exact(self) -> dict[str, zipfile.ZipInfo]:
        return {_exact_key(info.filename): info for info in self.entries.values()}

    def names(self) -> list[str]:
        return [info.filename for info in self.entries.values()]

    def read(self, name: str) -> bytes:
        """The entry's bytes, unpacked in chunks and never more than its declared size
        (nor, over all reads, than the archive's limit)."""
        info = self.entries.get(entry_key(name))
        if info is None:
            raise InputError(self.source, f"has no entry {name!r}.")
        parts: list[bytes] = []
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    self.unpacked += len(chunk)
                    if self.unpacked > self.max_total:
                        raise InputError(
                            self.source,
                            f"unpacks to more than {self.max_total // 2**20} MB.",
                            hint=REFUSED,
                        )
                    parts.append(chunk)
        except _DAMAGE as error:
            raise InputError(
                self.source,
                f"the entry {info.filename!r} cannot be unpacked ({_reason(error)}).",
                hint=DAMAGED_HINT,
            ) from None
        return b"".join(parts)

    def close(self) -> None:
        self.archive.close()


def open_zip(
    file: Path | bytes,
    source: str | None = None,
    *,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: int = MAX_RATIO,
) -> SafeZip:
    """Open a zip (a path, or the bytes of one) after checking every entry's name, the
    total size and compression ratios."""
    source = source or str(file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(file) if isinstance(file, bytes) else file)
    except FileNotFoundError:
        raise InputError(source, "does not exist.", hint="Check the path.") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise InputError(
            source,
            f"is not a zip archive, or a damaged one ({_reason(error)}).",
            hint=DAMAGED_HINT,
        ) from None
    try:
        entries = _checked_entries(archive, source, max_total, max_ratio)
    except InputError:
        archive.close()
        raise
    return SafeZip(source, archive, entries, max_total)


def repacked(data: bytes, source: str, *, max_total: int = MAX_TOTAL_BYTES) -> bytes:
    """The zip `data` checked, each entry unpacked safely, and written again uncompressed:
    a library that reads the result (python-docx) unpacks nothing itself."""
    checked = open_zip(data, source, max_total=max_total)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for info in checked.entries.values():
                out.writestr(info.filename, checked.read(info.filename))
    finally:
        checked.close()
    return buffer.getvalue()


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
        if info.is_dir():
            continue
        key = entry_key(info.filename)
        if key in entries:
            raise InputError(
                source,
                f"holds two entries named {entries[key].filename!r} and {info.filename!r}; "
                "one would silently replace the other.",
                hint=REFUSED,
            )
        entries[key] = info
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


def entry_key(name: str) -> str:
    """An entry's name as entries are told apart: `/` for `\\`, no `./`, any case."""
    return name.replace("\\", "/").removeprefix("./").casefold()


def _exact_key(name: str) -> str:
    posix = name.replace("\\", "/").removeprefix("./")
    folder, _, rest = posix.partition("/")
    return f"sources/{rest}" if rest and folder.casefold() == "sources" else posix


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__
