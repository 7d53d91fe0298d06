"""REFI-QDA codebooks (.qdc): nested Code elements, written and read."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from lxml import etree

from qualcode.errors import InputError
from qualcode.exchange.refi.model import RefiCode, RefiSet
from qualcode.exchange.refi.safety import parse_xml
from qualcode.exchange.refi.xmlutil import CODEBOOK_NS, Reader, serialise, sub, text_child

ORIGIN = "qualcode"
MAX_CODE_DEPTH = 32  # a dotted key holds at most 200 characters


def write_codes(parent: etree._Element, ns: str, codes: list[RefiCode]) -> None:
    """Append `codes` (with their children, nested) under `parent` in namespace `ns`."""
    for code in codes:
        element = sub(
            parent,
            ns,
            "Code",
            guid=code.guid,
            name=code.name,
            isCodable="true" if code.codable else "false",
            color=code.color,
        )
        text_child(element, ns, "Description", code.description)
        for note in code.notes:
            sub(element, ns, "NoteRef", targetGUID=note)
        write_codes(element, ns, code.children)


def read_codes(reader: Reader, parent: Element) -> list[RefiCode]:
    """The Code elements under `parent`, with their children nested, read without recursion;
    codes nested deeper than MAX_CODE_DEPTH are refused (their dotted keys would not fit)."""
    roots: list[RefiCode] = []
    pending: list[tuple[Element, list[RefiCode], int]] = [(parent, roots, 1)]
    while pending:
        holder, siblings, depth = pending.pop()
        for element in reader.children(holder, "Code"):
            name = element.get("name")
            if not name:
                raise InputError(
                    reader.source, "a Code has no name.", hint="Give every code a name."
                )
            if depth > MAX_CODE_DEPTH:
                raise InputError(
                    reader.source,
                    f"codes nest more than {MAX_CODE_DEPTH} levels deep (the code {name[:60]!r} "
                    f"is at level {depth}).",
                    hint="qualcode keeps at most that many; flatten the hierarchy and export "
                    "it again.",
                )
            code = RefiCode(
                guid=reader.guid(element),
                name=name,
                codable=element.get("isCodable", "true").strip().lower() in ("true", "1"),
                color=element.get("color"),
                description=reader.text(element, "Description"),
                notes=reader.refs(element, "NoteRef"),
            )
            siblings.append(code)
            pending.append((element, code.children, depth + 1))
    return roots


def write_codebook(codes: list[RefiCode], sets: Sequence[RefiSet] = ()) -> bytes:
    """A .qdc document holding `codes` and the code sets among `sets`."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})  # type: ignore[dict-item]  # lxml-stubs: default namespace
    root.set("origin", ORIGIN)
    write_codes(sub(root, CODEBOOK_NS, "Codes"), CODEBOOK_NS, codes)
    code_sets = [group for group in sets if group.codes]
    if code_sets:
        holder = sub(root, CODEBOOK_NS, "Sets")
        for group in code_sets:
            element = sub(holder, CODEBOOK_NS, "Set", guid=group.guid, name=group.name)
            text_child(element, CODEBOOK_NS, "Description", group.description)
            for guid in group.codes:
                sub(element, CODEBOOK_NS, "MemberCode", guid=guid)
    return serialise(root)


def read_codebook(data: bytes, source: str) -> tuple[list[RefiCode], list[RefiSet]]:
    """The codes and code sets of a .qdc document."""
    root = parse_xml(data, source)
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise InputError(
            source,
            f"is not a REFI-QDA codebook (its root is {root.tag}).",
            hint="Choose a .qdc file exported by a QDA tool.",
        )
    reader = Reader(CODEBOOK_NS, source)
    codes_element = reader.child(root, "Codes")
    codes = read_codes(reader, codes_element) if codes_element is not None else []
    sets = [
        RefiSet(
            guid=reader.guid(element),
            name=element.get("name") or "",
            description=reader.text(element, "Description"),
            codes=reader.members(element, "MemberCode"),
        )
        for element in reader.grandchildren(root, "Sets", "Set")
    ]
    return codes, sets
