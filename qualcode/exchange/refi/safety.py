"""Refuse hostile files: XML with DTDs or entities; zips through `qualcode.archives`
(entries escaping, duplicate names, zip bombs, sizes as read)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from qualcode.archives import REFUSED, SafeZip, escapes, open_zip
from qualcode.domain.text import without_controls
from qualcode.errors import InputError

__all__ = ["REFUSED", "SafeZip", "escapes", "open_zip", "parse_xml"]


def parse_xml(data: bytes, source: str) -> Element:
    """Parse XML, refusing any DTD (so no external entities and no entity expansion bombs).

    REFI-QDA documents never need a DTD; defusedxml forbids it before any entity is expanded.
    """
    try:
        root = safe_et.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise InputError(
            source, f"the XML declares a DTD or entities ({type(error).__name__}).", hint=REFUSED
        ) from None
    except ParseError as error:
        raise InputError(source, f"is not well-formed XML ({error}).") from None
    _without_controls(root)
    return root


def _without_controls(root: Element) -> None:
    """Remove control and direction-override characters from every attribute (names, which
    the terminal would otherwise be made to obey) and from descriptions. Other element text
    is left alone: a source's text carries positions and is cleaned with its position map."""
    for element in root.iter():
        for name, value in element.attrib.items():
            if (clean := without_controls(value)) != value:
                element.set(name, clean)
        if element.tag.endswith("Description") and element.text:
            element.text = without_controls(element.text)
