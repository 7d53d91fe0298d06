"""A REFI-QDA file's variables, cases and sets, kept to be exported again, and the values
each transcript shows (its source's variables and those of the cases that include it)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from qualcode.domain.text import within_limit
from qualcode.exchange.refi import metadata
from qualcode.exchange.refi.model import RefiProject, RefiSelection, RefiSet
from qualcode.store import exchange as store
from qualcode.store.models import Transcript

DEPARTMENT = "Department"
GROUP_KIND = "Group kind"
ROLE = "Participant role"
DEPARTMENT_SET = "Department: "
SELECTION = "selection"  # the kind of a kept selection's row


def keep(
    session: Session, refi: RefiProject, sources: dict[str, Transcript], where: str = ""
) -> dict[str, int]:
    """Keep the file's variables, cases and sets, show the variables on each transcript (of
    `sources`, by source GUID); returns how many of each kind were kept. `where` (the
    file) prefixes a name too long to keep."""
    names = {variable.guid: variable.name for variable in refi.variables}
    objects: list[tuple[str, str, str, dict[str, object]]] = [
        (v.guid, "variable", v.name, {"type": v.kind}) for v in refi.variables
    ]
    objects += [
        (
            case.guid,
            "case",
            case.name,
            {
                "variables": case.variables,
                "sources": case.sources,
                "selections": case.selections,
            },
        )
        for case in refi.cases
    ]
    _check_names(objects, where)
    store.keep_refi_objects(session, objects)
    keep_sets(session, refi.sets, where)
    by_guid = {source.guid: source for source in refi.sources}
    for guid, transcript in sources.items():
        source = by_guid[guid]
        selections = {s.guid for s in source.selections}
        values = {names.get(v, v): value for v, value in source.variables.items()}
        for case in refi.cases:
            if guid in case.sources or selections & set(case.selections):
                values |= {names.get(k, k): v for k, v in case.variables.items()}
        shown = {k: v for k, v in values.items() if k not in (DEPARTMENT, GROUP_KIND, ROLE)}
        transcript.attributes = dict(transcript.attributes) | {
            "variables": shown,
            "refi_values": source.variables,
        }
        if metadata.extract(source.description)[0] is not None:
            continue  # qualcode's own source: its department came with its facts
        transcript.department = transcript.department or values.get(DEPARTMENT)
        transcript.group_kind = transcript.group_kind or values.get(GROUP_KIND)
        for group in refi.sets:
            if group.name.startswith(DEPARTMENT_SET) and guid in group.sources:
                transcript.department = transcript.department or group.name.removeprefix(
                    DEPARTMENT_SET
                )
    return {"variables": len(refi.variables), "cases": len(refi.cases), "sets": len(refi.sets)}


def keep_selections(session: Session, selections: Sequence[RefiSelection]) -> None:
    """Keep coded selections' names, creating users and stamps, which qualcode's codings have
    no place for,
    to be written again when the selections are exported."""
    store.keep_refi_objects(
        session,
        [(s.guid, SELECTION, "", {"name": s.name, "user": s.user, **s.stamps}) for s in selections],
    )


def kept_selections(session: Session) -> dict[str, dict[str, str]]:
    """The kept selections' names, creating users and stamps, by GUID."""
    return {row.guid: dict(row.payload) for row in store.refi_objects(session, SELECTION)}


def keep_sets(session: Session, sets: list[RefiSet], where: str = "") -> None:
    """Keep code and document sets with their members (by GUID)."""
    objects = [
        (
            group.guid,
            "set",
            group.name,
            {
                "description": group.description,
                "codes": group.codes,
                "sources": group.sources,
                "notes": group.notes,
            },
        )
        for group in sets
    ]
    _check_names(objects, where)
    store.keep_refi_objects(session, objects)


def _check_names(objects: Sequence[tuple[str, str, str, object]], where: str) -> None:
    """A name longer than its column, refused in one sentence naming the file and element
    (on both backends alike: SQLite would keep it, PostgreSQL fail mid-import)."""
    for guid, kind, name, _ in objects:
        element = f"the name of <{kind.capitalize()} guid={guid!r}>"
        within_limit("REFI-QDA name", name, f"{where}: {element}" if where else element)
