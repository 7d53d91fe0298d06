"""A code's definition, rules, examples, terms and key packed into one Description text.

Other tools show the Description as it is, so the parts go under labelled headings::

    Definition:
    Breaks taken or missed during the shift.

    Include:
    - talk about lunch breaks

    Exclude:
    - ...

    Examples:
    - ...

    Terms (en):
    - break

    Key: temporality.breaks

and `unpack_description` splits them back. Within a part, a line that would read as a heading
(or begins with a backslash) is written with a leading backslash, so every definition and
item reads back as it was. A Description without these headings (written by another tool)
becomes the definition as it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"(Definition|Include|Exclude|Examples|Terms \(([a-z]{2,3})\)):[ \t]*$")
_KEY = re.compile(r"Key:[ \t]*(\S+)[ \t]*$")
_ITEM = "- "


@dataclass
class CodeText:
    """The parts of a code that travel in its Description."""

    definition: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    terms: dict[str, list[str]] = field(default_factory=dict)
    key: str | None = None


def pack_description(parts: CodeText) -> str:
    """The Description text for a code; empty parts are left out."""
    blocks: list[str] = []
    if parts.definition:
        blocks.append(f"Definition:\n{_escape(parts.definition)}")
    lists = [("Include", parts.include), ("Exclude", parts.exclude), ("Examples", parts.examples)]
    lists += [(f"Terms ({language})", terms) for language, terms in sorted(parts.terms.items())]
    for heading, items in lists:
        if items:
            lines = "\n".join(_ITEM + _escape(item).replace("\n", "\n  ") for item in items)
            blocks.append(f"{heading}:\n{lines}")
    if parts.key:
        blocks.append(f"Key: {parts.key}")
    return "\n\n".join(blocks)


def unpack_description(text: str | None) -> CodeText:
    """Split a Description written by `pack_description`; other text becomes the definition."""
    parts = CodeText()
    if not text or not text.strip():
        return parts
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(_HEADING.fullmatch(line.strip()) or _KEY.fullmatch(line.strip()) for line in lines):
        parts.definition = text  # another tool's text, kept as written
        return parts
    heading: str | None = None
    definition: list[str] = []
    items: list[str] | None = None
    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if (match := _HEADING.fullmatch(stripped)) is not None:
            heading, items = match.group(1), _list_for(parts, match.group(1), match.group(2))
        elif (key := _KEY.fullmatch(stripped)) is not None:
            parts.key, heading, items = key.group(1), None, None
        elif heading == "Definition" or heading is None:
            definition.append(_unescape(line))
        elif items is not None and line.startswith(_ITEM):
            items.append(_unescape(line[len(_ITEM) :].strip()))
        elif items is not None and items and raw.startswith("  "):
            items[-1] += "\n" + _unescape(line[2:])
        elif stripped and items is not None:
            items.append(_unescape(stripped))
    parts.definition = "\n".join(definition).strip()
    return parts


def _escape(text: str) -> str:
    return "\n".join("\\" + line if _needs_escape(line) else line for line in text.split("\n"))


def _unescape(line: str) -> str:
    return line[1:] if line.startswith("\\") else line


def _needs_escape(line: str) -> bool:
    stripped = line.strip()
    return (
        line.startswith("\\")
        or _HEADING.fullmatch(stripped) is not None
        or _KEY.fullmatch(stripped) is not None
    )


def _list_for(parts: CodeText, heading: str, language: str | None) -> list[str] | None:
    if language is not None:
        return parts.terms.setdefault(language, [])
    return {"Include": parts.include, "Exclude": parts.exclude, "Examples": parts.examples}.get(
        heading
    )
