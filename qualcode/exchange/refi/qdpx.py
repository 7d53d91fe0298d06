"""REFI-QDA projects (.qdpx): a zip with project.qde and sources/<GUID>.txt; a bare .qde.

A TextSource's `plainTextPath` is read as `internal://NAME`, a bare relative `NAME` (as the
qc tool writes it) or `sources/NAME`, each looked up in the archive's sources folder and then
at its top level. File names are matched case-sensitively (the folder name `sources` in any
case); a path that leaves the archive is refused. A source whose text is not there is listed
in `RefiProject.missing` with its name and GUID.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from lxml import etree

from qualcode.archives import MAX_TOTAL_BYTES
from qualcode.errors import InputError
from qualcode.exchange.refi.model import (
    CREATED,
    SELECTION_STAMPS,
    MissingSource,
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
)
from qualcode.exchange.refi.qdc import ORIGIN, read_codes, write_codes
from qualcode.exchange.refi.safety import REFUSED, SafeZip, escapes, open_zip, parse_xml
from qualcode.exchange.refi.xmlutil import PROJECT_NS, Reader, serialise, sub, text_child

PROJECT_ENTRY = "project.qde"
SOURCES_FOLDER = "sources"
INTERNAL = "internal://"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so that the same project gives the same bytes
_VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)
_OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def write_project(project: RefiProject) -> bytes:
    """The .qdpx archive (as bytes) for `project`; sources are stored as UTF-8 text files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, PROJECT_ENTRY, project_xml(project))
        for source in project.sources:
            _add(archive, f"{SOURCES_FOLDER}/{source.guid}.txt", source.text.encode("utf-8"))
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def project_xml(project: RefiProject) -> bytes:
    """The project.qde document."""
    ns = PROJECT_NS
    root = etree.Element(f"{{{ns}}}Project", nsmap={None: ns})  # type: ignore[dict-item]  # lxml-stubs: default namespace
    root.set("name", project.name)
    root.set("origin", project.origin or ORIGIN)
    if project.users:
        users = sub(root, ns, "Users")
        for user in project.users:
            sub(users, ns, "User", guid=user.guid, name=user.name or None)
    if project.codes:
        write_codes(sub(sub(root, ns, "CodeBook"), ns, "Codes"), ns, project.codes)
    if project.variables:
        holder = sub(root, ns, "Variables")
        for variable in project.variables:
            sub(
                holder,
                ns,
                "Variable",
                guid=variable.guid,
                name=variable.name,
                typeOfVariable=variable.kind,
            )
    kinds = {variable.guid: variable.kind for variable in project.variables}
    if project.cases:
        holder = sub(root, ns, "Cases")
        for case in project.cases:
            element = sub(holder, ns, "Case", guid=case.guid, name=case.name)
            _write_values(element, case.variables, kinds)
            for guid in case.sources:
                sub(element, ns, "SourceRef", targetGUID=guid)
            for guid in case.selections:
                sub(element, ns, "SelectionRef", targetGUID=guid)
    if project.sources:
        holder = sub(root, ns, "Sources")
        for source in project.sources:
            _write_source(holder, source, kinds)
    if project.notes:
        holder = sub(root, ns, "Notes")
        for note in project.notes:
            element = sub(
                holder, ns, "Note", guid=note.guid, name=note.name, creatingUser=note.user
            )
            text_child(element, ns, "PlainTextContent", note.text)
    if project.sets:
        holder = sub(root, ns, "Sets")
        for group in project.sets:
            element = sub(holder, ns, "Set", guid=group.guid, name=group.name)
            text_child(element, ns, "Description", group.description)
            for guid in group.codes:
                sub(element, ns, "MemberCode", targetGUID=guid)
            for guid in group.sources:
                sub(element, ns, "MemberSource", targetGUID=guid)
            for guid in group.notes:
                sub(element, ns, "MemberNote", targetGUID=guid)
    text_child(root, ns, "Description", project.description)
    for guid in project.project_notes:
        sub(root, ns, "NoteRef", targetGUID=guid)
    return serialise(root)


def _write_source(holder: etree._Element, source: RefiSource, kinds: dict[str, str]) -> None:
    ns = PROJECT_NS
    element = sub(
        holder,
        ns,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=f"{INTERNAL}{source.guid}.txt",
    )
    text_child(element, ns, "Description", source.description)
    for selection in source.selections:
        chosen = sub(
            element,
            ns,
            "PlainTextSelection",
            guid=selection.guid,
            name=selection.name or None,
            startPosition=str(selection.start),
            endPosition=str(selection.end),
            creatingUser=selection.user,
            **selection.stamps,
        )
        text_child(chosen, ns, "Description", selection.description)
        _write_codings(chosen, selection.codings)
        for note in selection.notes:
            sub(chosen, ns, "NoteRef", targetGUID=note)
    _write_codings(element, source.codings)
    for note in source.notes:
        sub(element, ns, "NoteRef", targetGUID=note)
    _write_values(element, source.variables, kinds)


def _write_codings(parent: etree._Element, codings: list[RefiCoding]) -> None:
    for coding in codings:
        element = sub(
            parent,
            PROJECT_NS,
            "Coding",
            guid=coding.guid,
            creatingUser=coding.user,
            creationDateTime=coding.created,
        )
        sub(element, PROJECT_NS, "CodeRef", targetGUID=coding.code)
        for note in coding.notes:
            sub(element, PROJECT_NS, "NoteRef", targetGUID=note)


def _write_values(parent: etree._Element, values: dict[str, str], kinds: dict[str, str]) -> None:
    """Each value in the element of its variable's type (an IntegerValue for an Integer
    variable), as the file it came from held it; TextValue when it does not read as one."""
    for guid, value in values.items():
        element = sub(parent, PROJECT_NS, "VariableValue")
        sub(element, PROJECT_NS, "VariableRef", targetGUID=guid)
        sub(element, PROJECT_NS, _value_tag(kinds.get(guid, "Text"), value)).text = value


def _value_tag(kind: str, value: str) -> str:
    """The schema's element for a value of a variable of `kind` (Text, Boolean, Integer,
    Float, Date, DateTime), or TextValue when the value is not of that type."""
    checks = {
        "Boolean": lambda v: v in ("true", "false", "1", "0"),
        "Integer": lambda v: re.fullmatch(r"[+-]?\d+", v) is not None,
        "Float": lambda v: re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v) is not None,
        "Date": lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
        "DateTime": lambda v: (
            re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\S*", v) is not None
        ),
    }
    check = checks.get(kind)
    return f"{kind}Value" if check is not None and check(value.strip()) else "TextValue"


def read_project(path: Path, *, max_total: int = MAX_TOTAL_BYTES) -> RefiProject:
    """Read a .qdpx archive or a bare .qde document safely (see `safety`); source texts are
    returned as stored."""
    if path.is_file() and not zipfile.is_zipfile(path):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(str(path), f"cannot be read ({error.strerror}).") from error
        if not data.startswith(b"PK"):
            return parse_project(data, str(path))
        # A zip without its directory (truncated, damaged): open_zip names it.
    archive = open_zip(path, max_total=max_total)
    try:
        name = archive.find(PROJECT_ENTRY)
        if name is None:
            raise InputError(
                str(path), "has no project.qde inside.", hint="Choose a .qdpx project export."
            )
        return parse_project(archive.read(name), f"{path}:{name}", archive)
    finally:
        archive.close()


def parse_project(data: bytes, source: str, archive: SafeZip | None = None) -> RefiProject:
    """The project in a project.qde document; source files are read from `archive`."""
    root = parse_xml(data, source)
    if root.tag != f"{{{PROJECT_NS}}}Project":
        raise InputError(source, f"is not a REFI-QDA project (its root is {root.tag}).")
    r = Reader(PROJECT_NS, source)
    codebook = r.child(root, "CodeBook")
    codes_holder = r.child(codebook, "Codes") if codebook is not None else None
    project = RefiProject(
        name=root.get("name") or "",
        origin=root.get("origin") or "",
        description=r.text(root, "Description"),
        users=[
            RefiUser(r.guid(user), user.get("name") or user.get("id") or "")
            for user in r.grandchildren(root, "Users", "User")
        ],
        codes=read_codes(r, codes_holder) if codes_holder is not None else [],
        variables=[
            RefiVariable(r.guid(v), v.get("name") or "", v.get("typeOfVariable") or "Text")
            for v in r.grandchildren(root, "Variables", "Variable")
        ],
        cases=[
            RefiCase(
                guid=r.guid(case),
                name=case.get("name") or "",
                variables=_read_values(r, case),
                sources=r.refs(case, "SourceRef"),
                selections=r.refs(case, "SelectionRef"),
            )
            for case in r.grandchildren(root, "Cases", "Case")
        ],
        notes=[
            RefiNote(
                r.guid(note),
                note.get("name") or "",
                r.text(note, "PlainTextContent") or _note_text(note, archive, r),
                r.optional_guid(note, "creatingUser"),
            )
            for note in r.grandchildren(root, "Notes", "Note")
        ],
        sets=[
            RefiSet(
                guid=r.guid(group),
                name=group.get("name") or "",
                description=r.text(group, "Description"),
                codes=r.members(group, "MemberCode"),
                sources=r.members(group, "MemberSource"),
                notes=r.members(group, "MemberNote"),
            )
            for group in _set_elements(r, root, codebook)
        ],
        project_notes=r.refs(root, "NoteRef"),
    )
    sources = r.child(root, "Sources")
    for element in list(sources) if sources is not None else []:
        kind = element.tag.rpartition("}")[2]
        guid = r.guid(element)
        name = _source_name(element, guid)
        if kind == "TextSource":
            text, reason = _source_text(element, archive, r)
            if text is not None:
                project.sources.append(_read_source(element, name, text, r))
            else:
                project.missing.append(MissingSource(guid, name, reason, _codings_in(element)))
        elif kind in _OTHER_SOURCES:
            project.missing.append(
                MissingSource(
                    guid, name, f"a {kind}: qualcode holds text only", _codings_in(element)
                )
            )
    if r.child(root, "Links") is not None or r.child(root, "Graphs") is not None:
        project.unsupported.append("links and graphs: qualcode has no place for them")
    return project


def _set_elements(r: Reader, root: Element, codebook: Element | None) -> list[Element]:
    """The project's Sets, then code sets written inside its CodeBook as a .qdc holds them
    (not where the project schema puts them, but kept rather than dropped); a GUID once."""
    found = r.grandchildren(root, "Sets", "Set")
    seen = {group.get("guid") for group in found}
    extra = r.grandchildren(codebook, "Sets", "Set") if codebook is not None else []
    return found + [group for group in extra if group.get("guid") not in seen]


def _codings_in(element: Element) -> int:
    """How many Coding elements a source holds, in its selections at any depth."""
    return sum(1 for found in element.iter() if str(found.tag).endswith("}Coding"))


def _source_name(element: Element, guid: str) -> str:
    """The source's name; without one, its file name (qc writes none), else its GUID."""
    path = (element.get("plainTextPath") or element.get("path") or "").replace("\\", "/")
    return element.get("name") or PurePosixPath(path).name or guid


def _read_source(element: Element, name: str, text: str, r: Reader) -> RefiSource:
    source = RefiSource(
        guid=r.guid(element),
        name=name,
        text=text,
        description=r.text(element, "Description"),
        notes=r.refs(element, "NoteRef"),
        variables=_read_values(r, element),
        codings=_read_codings(r, element),
    )
    for chosen in r.children(element, "PlainTextSelection"):
        try:
            start, end = int(chosen.get("startPosition", "")), int(chosen.get("endPosition", ""))
        except ValueError:
            raise InputError(
                r.source,
                f"the selection {chosen.get('guid')} in {source.name!r} has no valid positions.",
            ) from None
        source.selections.append(
            RefiSelection(
                guid=r.guid(chosen),
                start=start,
                end=end,
                name=chosen.get("name") or "",
                user=r.optional_guid(chosen, "creatingUser"),
                codings=_read_codings(r, chosen),
                notes=r.refs(chosen, "NoteRef"),
                description=r.text(chosen, "Description"),
                stamps={name: value for name in SELECTION_STAMPS if (value := chosen.get(name))},
            )
        )
    return source


def _read_codings(r: Reader, parent: Element) -> list[RefiCoding]:
    codings = []
    for element in r.children(parent, "Coding"):
        ref = r.child(element, "CodeRef")
        if ref is None:
            raise InputError(r.source, "a Coding has no CodeRef.", hint="The file is damaged.")
        codings.append(
            RefiCoding(
                guid=r.guid(element),
                code=r.guid(ref, "targetGUID"),
                user=r.optional_guid(element, "creatingUser"),
                notes=r.refs(element, "NoteRef"),
                created=element.get(CREATED) or None,
            )
        )
    return codings


def _read_values(r: Reader, parent: Element) -> dict[str, str]:
    values = {}
    for element in r.children(parent, "VariableValue"):
        ref = r.child(element, "VariableRef")
        if ref is None:
            continue
        found = next(
            (r.child(element, tag) for tag in _VALUE_TAGS if r.child(element, tag) is not None),
            None,
        )
        values[r.guid(ref, "targetGUID")] = (found.text or "") if found is not None else ""
    return values


def _source_text(element: Element, archive: SafeZip | None, r: Reader) -> tuple[str | None, str]:
    """The source's text, or None and why it cannot be read."""
    inline = r.child(element, "PlainTextContent")
    if inline is not None:
        return inline.text or "", ""
    path = element.get("plainTextPath")
    if not path:
        return None, "it names no plain text file"
    if archive is None:
        return None, f"its text {path} is not inside the file (a bare project.qde)"
    return _internal_text(path, archive, r.source)


def _note_text(element: Element, archive: SafeZip | None, r: Reader) -> str:
    path = element.get("plainTextPath")
    if archive is None or not path:
        return ""
    return _internal_text(path, archive, r.source)[0] or ""


def _internal_text(path: str, archive: SafeZip, source: str) -> tuple[str | None, str]:
    """The text of the archive file `path` points at, or None and why not."""
    name = path[len(INTERNAL) :] if path.lower().startswith(INTERNAL) else path
    if "://" in name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return None, f"its text {path} is outside the file"
    if escapes(name):
        raise InputError(source, f"the path {path!r} points outside the archive.", hint=REFUSED)
    relative = name.replace("\\", "/").removeprefix("./")
    inside = relative.split("/", 1)[1] if relative.casefold().startswith("sources/") else relative
    found = archive.find_exact(f"{SOURCES_FOLDER}/{inside}") or archive.find_exact(relative)
    if found is None:
        return None, f"its text {path} is not in the archive"
    try:
        return archive.read(found).decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        return None, f"{found} is not UTF-8 text ({error.reason} at byte {error.start})"
