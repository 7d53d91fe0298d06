"""The parts of a REFI-QDA project that qualcode reads and writes, independent of XML."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool = True
    color: str | None = None
    description: str = ""
    children: list[RefiCode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# A selection's attributes kept as written (qualcode's codings have no place for them).
CREATED = "creationDateTime"
SELECTION_STAMPS = (CREATED, "modifyingUser", "modifiedDateTime")


@dataclass
class RefiCoding:
    guid: str
    code: str
    user: str | None = None
    notes: list[str] = field(default_factory=list)
    created: str | None = None  # creationDateTime, as an xsd:dateTime


@dataclass
class RefiSelection:
    """A PlainTextSelection: [start, end) in code points of the source's plain text."""

    guid: str
    start: int
    end: int
    name: str = ""
    user: str | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    description: str = ""
    # creationDateTime, modifyingUser, modifiedDateTime as the file wrote them
    stamps: dict[str, str] = field(default_factory=dict)


@dataclass
class RefiSource:
    """A TextSource; `text` is the plain text as stored in the file (positions point into it)."""

    guid: str
    name: str
    text: str
    description: str = ""
    selections: list[RefiSelection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # variable guid -> value
    codings: list[RefiCoding] = field(default_factory=list)  # on the whole source


@dataclass
class RefiVariable:
    guid: str
    name: str
    kind: str = "Text"


@dataclass
class RefiCase:
    guid: str
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user: str | None = None


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str = ""
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class MissingSource:
    """A source the file names but whose text qualcode cannot read (not in the archive,
    external, another medium); `name` falls back to the file name or the GUID."""

    guid: str
    name: str
    reason: str
    codings: int = 0  # the codings the file holds on it, not imported with it


@dataclass
class RefiProject:
    name: str
    origin: str = ""
    description: str = ""
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    # What the reader met but qualcode cannot hold (links, graphs), for the summary.
    unsupported: list[str] = field(default_factory=list)
    missing: list[MissingSource] = field(default_factory=list)

    def all_codes(self) -> list[RefiCode]:
        """Every code, parents before children."""
        found: list[RefiCode] = []
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(code.children))
        return found
