"""Study manifests (YAML or CSV) naming many files with their metadata."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qualcode.domain.cards import Card
from qualcode.domain.imports import LANGUAGES, ImportSpec
from qualcode.errors import InputError

CSV_COLUMNS = ("file", "department", "group_kind", "date", "language", "title", "roles")


def read_manifest(path: Path) -> list[ImportSpec]:
    """Read a manifest; file paths in it are relative to the manifest's folder.

    YAML: `transcripts: [{file, department, group_kind, date, language, title, roles}]`
    and optionally `include: [other manifests]`. CSV: the same columns, roles written as
    `Label=role; Other=role`.
    """
    if not path.exists():
        raise InputError(str(path), "manifest not found.", hint="Check the path.")
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    return _read_yaml(path)


def read_moderator_roles(path: Path) -> tuple[str, ...] | None:
    """The study's moderator roles a YAML manifest declares (`moderator_roles: [...]`), or
    None when it declares none (CSV manifests cannot)."""
    if path.suffix.lower() == ".csv":
        return None
    document = _yaml_document(path)
    roles = document.get("moderator_roles")
    if roles is None:
        return None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InputError(
            str(path), "'moderator_roles' must be a list of roles, e.g. [moderator, facilitator]."
        )
    return tuple(roles)


def _yaml_document(path: Path) -> dict[str, Any]:
    """The YAML file's mapping, through libyaml's C loader when PyYAML has it (ten times
    faster than the pure-Python one on a 3,000-entry manifest)."""
    import yaml  # only when a YAML manifest is read, not whenever `import` is loaded

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(str(path), "is not valid YAML.", line=line) from error
    if not isinstance(document, dict):
        raise InputError(str(path), "must be a mapping with a 'transcripts' list.")
    return document


def _read_yaml(path: Path) -> list[ImportSpec]:
    document = _yaml_document(path)
    specs: list[ImportSpec] = []
    for included in document.get("include", []) or []:
        specs.extend(read_manifest(path.parent / included))
    for index, entry in enumerate(document.get("transcripts", []) or [], start=1):
        specs.append(_spec(path, entry, f"entry {index}"))
    if not specs:
        raise InputError(str(path), "names no transcripts.", hint="Add a 'transcripts' list.")
    return specs


def _read_csv(path: Path) -> list[ImportSpec]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise InputError(
                str(path), f"needs a header row with columns {', '.join(CSV_COLUMNS)}."
            )
        specs = []
        for row in reader:
            roles = dict(
                part.split("=", 1) for part in (row.get("roles") or "").split(";") if "=" in part
            )
            entry = {key: value for key, value in row.items() if value and key != "roles"}
            entry["roles"] = {label.strip(): role.strip() for label, role in roles.items()}
            specs.append(_spec(path, entry, f"line {reader.line_num}"))
    return specs


def _spec(manifest: Path, entry: Any, where: str) -> ImportSpec:
    if not isinstance(entry, dict) or "file" not in entry:
        raise InputError(str(manifest), f"{where} needs a 'file'.")
    language = entry.get("language", "en")
    if language not in LANGUAGES:
        raise InputError(
            str(manifest), f"{where}: language '{language}' is not one of {', '.join(LANGUAGES)}."
        )
    recorded = entry.get("date")
    try:
        return ImportSpec(
            path=manifest.parent / entry["file"],
            department=entry.get("department"),
            group_kind=entry.get("group_kind"),
            **({"language": language} if "language" in entry else {}),
            recorded_on=date.fromisoformat(str(recorded)) if recorded else None,
            title=entry.get("title"),
            roles={str(key): str(value) for key, value in (entry.get("roles") or {}).items()},
            encoding=entry.get("encoding"),
        )
    except (ValueError, ValidationError) as error:
        raise InputError(str(manifest), f"{where}: {error}") from error


def read_deck(path: Path) -> list[Card]:
    """The statement cards a YAML manifest (and those it includes) declares, in order.

    `cards: [{key, statement: {language: text}, concepts: [...]}]`; a key declared twice
    keeps its first declaration. A CSV manifest declares no cards.
    """
    if path.suffix.lower() == ".csv" or not path.exists():
        return []
    document = _yaml_document(path)
    deck: dict[str, Card] = {}
    for included in document.get("include", []) or []:
        for card in read_deck(path.parent / included):
            deck.setdefault(card.key, card)
    entries = document.get("cards", []) or []
    if not isinstance(entries, list):
        raise InputError(str(path), "'cards' must be a list of {key, statement, concepts}.")
    for index, entry in enumerate(entries, start=1):
        where = f"card {index}"
        if not isinstance(entry, dict) or "key" not in entry or "statement" not in entry:
            raise InputError(str(path), f"{where} needs a 'key' and a 'statement'.")
        statement = entry["statement"]
        if isinstance(statement, str):
            statement = {"en": statement}
        try:
            card = Card(
                key=str(entry["key"]),
                statement={str(k): str(v) for k, v in statement.items()},
                concepts=[str(concept) for concept in entry.get("concepts", []) or []],
            )
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            raise InputError(str(path), f"{where} ('{entry['key']}'): {message}.") from error
        deck.setdefault(card.key, card)
    return list(deck.values())
