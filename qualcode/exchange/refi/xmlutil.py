"""Shared XML helpers: namespaced element building (lxml) and reading (ElementTree)."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from lxml import etree

from qualcode.errors import InputError
from qualcode.exchange.refi.guids import normalise_guid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def sub(parent: etree._Element, ns: str, tag: str, **attributes: str | None) -> etree._Element:
    """A child element with the attributes that are not None."""
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for name, value in attributes.items():
        if value is not None:
            element.set(name, value)
    return element


def text_child(parent: etree._Element, ns: str, tag: str, text: str) -> None:
    if text:
        sub(parent, ns, tag).text = text


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


class Reader:
    """Namespace-aware reading of one document; GUIDs come back normalised."""

    def __init__(self, ns: str, source: str):
        self.ns = ns
        self.source = source

    def children(self, element: Element, tag: str) -> list[Element]:
        return element.findall(f"{{{self.ns}}}{tag}")

    def child(self, element: Element, tag: str) -> Element | None:
        return element.find(f"{{{self.ns}}}{tag}")

    def grandchildren(self, element: Element, tag: str, item: str) -> list[Element]:
        holder = self.child(element, tag)
        return [] if holder is None else self.children(holder, item)

    def text(self, element: Element, tag: str) -> str:
        found = self.child(element, tag)
        return (found.text or "") if found is not None else ""

    def guid(self, element: Element, attribute: str = "guid") -> str:
        value = element.get(attribute)
        if value is None:
            tag = str(element.tag).rpartition("}")[2]
            raise InputError(
                self.source,
                f"a {tag} element has no {attribute}.",
                hint="The file is damaged; export it again.",
            )
        return normalise_guid(value, self.source)

    def optional_guid(self, element: Element, attribute: str) -> str | None:
        value = element.get(attribute)
        return None if value is None else normalise_guid(value, self.source)

    def refs(self, element: Element, tag: str) -> list[str]:
        return [self.guid(ref, "targetGUID") for ref in self.children(element, tag)]

    def members(self, element: Element, tag: str) -> list[str]:
        """A Set's members: the project schema names them by `targetGUID`, the codebook
        schema by `guid`; tools mix the two up, so either is read."""
        return [
            self.guid(ref, "targetGUID" if ref.get("targetGUID") is not None else "guid")
            for ref in self.children(element, tag)
        ]
