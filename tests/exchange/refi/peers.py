"""Project files the way peer tools write them, built from literal strings in the tests.

`qc_project` follows the `refi_qda` writer of qc (qualitative-coding on PyPI,
cproctor/qualitative-coding, qualitative_coding/refi_qda/writer.py): a root with a plain
`xmlns` attribute and origin "qc <version>", GUIDs from an MD5 digest, TextSources with no
name and `plainTextPath` set to the corpus file name, the corpus copied to `sources/`, one
PlainTextSelection per coded line (start and end of the line, its newline included) named
"line:N", and a Coding per code and coder with `creatingUser`. With
`text_path="internal://{guid}.txt"` it follows the newer writer: sources named by their
corpus path and stored as sources/<GUID>.txt.
"""

from __future__ import annotations

import zipfile
from hashlib import md5
from pathlib import Path
from uuid import UUID
from xml.sax.saxutils import quoteattr


def qc_guid(text: str) -> str:
    """qc's GUIDs: the first 16 hex digits of an MD5 digest, as the UUID's 16 bytes."""
    return str(UUID(bytes=md5(text.encode("utf8")).hexdigest()[:16].encode("utf8")))


def line_bounds(text: str) -> list[tuple[int, int]]:
    bounds, index = [], 0
    for line in text.splitlines(keepends=True):
        bounds.append((index, index + len(line)))
        index += len(line)
    return bounds


def qc_project(
    path: Path,
    documents: dict[str, str],
    codes: dict[str, list[str]],
    codings: list[tuple[str, int, str, str]],
    *,
    text_path: str = "{name}",
    folder: str = "sources",
) -> Path:
    """A .qdpx as qc writes it. `codes` maps a top-level code to its children's names;
    `codings` are (document, line number from 0, code, coder)."""
    coders = sorted({coder for *_, coder in codings})
    users = "".join(f"<User name={quoteattr(c)} guid={quoteattr(qc_guid(c))}/>" for c in coders)
    tree = "".join(
        f'<Code name={quoteattr(code)} guid="{qc_guid(code)}" isCodable="true">'
        + "".join(
            f'<Code name={quoteattr(child)} guid="{qc_guid(code + ":" + child)}" isCodable="true"/>'
            for child in children
        )
        + "</Code>"
        for code, children in codes.items()
    )
    guid_of = {code: qc_guid(code) for code in codes} | {
        child: qc_guid(code + ":" + child) for code, children in codes.items() for child in children
    }
    sources = ""
    for name, text in documents.items():
        bounds = line_bounds(text)
        selections = ""
        for line in sorted({line for doc, line, _, _ in codings if doc == name}):
            start, end = bounds[line]
            selections += (
                f'<PlainTextSelection guid="{qc_guid(f"{name}:{line}")}" name="line:{line}" '
                f'startPosition="{start}" endPosition="{end}">'
            )
            for doc, at, code, coder in codings:
                if (doc, at) == (name, line):
                    selections += (
                        f'<Coding guid="{qc_guid(":".join([name, str(line), coder, code]))}" '
                        f'creatingUser="{qc_guid(coder)}">'
                        f'<CodeRef targetGUID="{guid_of[code]}"/></Coding>'
                    )
            selections += "</PlainTextSelection>"
        plain = text_path.format(name=name, guid=qc_guid(name))
        # The newer writer (internal://GUID paths) names each source by its corpus path.
        named = f" name={quoteattr(name)}" if "{guid}" in text_path else ""
        sources += (
            f"<TextSource plainTextPath={quoteattr(plain)} guid={quoteattr(qc_guid(name))}"
            f"{named}>"
            f"{selections}</TextSource>"
        )
    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" origin="qc 2.1.0" '
        f'name="qc project"><Users>{users}</Users><CodeBook><Codes>{tree}</Codes></CodeBook>'
        f"<Sources>{sources}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, text in documents.items():
            stored = name if "{guid}" not in text_path else f"{qc_guid(name)}.txt"
            archive.writestr(f"{folder}/{stored}" if folder else stored, text)
    return path


def project_qde(body: str, *, origin: str = "OtherTool 1", name: str = "Peer study") -> str:
    """A project.qde around `body` (Users, CodeBook, Variables, Cases, Sources, Sets...)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="{name}" origin="{origin}">'
        f"{body}</Project>"
    )


def guid(n: int, kind: int = 0) -> str:
    """A readable GUID: `guid(3, 2)` is 00000002-0000-0000-0000-000000000003."""
    return f"{kind:08x}-0000-0000-0000-{n:012x}"


def zipped(path: Path, entries: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path
