"""Study manifests (YAML or CSV) naming many files with their metadata.

A manifest is input from anyone, so it is read defensively: at most 16 MB, UTF-8, no YAML
aliases (an alias bomb expands without bound) and no nesting deeper than any manifest needs
(libyaml's composer recurses in C), includes without cycles, and every file and include
inside the folder of the manifest the user named unless `allow_outside`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qualcode.domain.cards import Card
from qualcode.domain.imports import LANGUAGES, ImportSpec
from qualcode.errors import InputError, QualcodeError

CSV_COLUMNS = ("file", "department", "group_kind", "date", "language", "title", "roles")
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # some 300,000 entries; a study has tens
MAX_NESTING = 32  # a manifest nests four levels (transcripts, entry, roles, value)
MAX_INCLUDE_DEPTH = 16
OUTSIDE_HINT = "Move it into that folder, or run the import with --allow-outside."


def read_manifest(path: Path, *, allow_outside: bool = False) -> list[ImportSpec]:
    """Read a manifest; file paths in it are relative to the manifest's folder.

    YAML: `transcripts: [{file, department, group_kind, date, language, title, roles}]`
    and optionally `include: [other manifests]`. CSV: the same columns, roles written as
    `Label=role; Other=role`. Files and includes must stay inside the folder of `path`
    unless `allow_outside`.
    """
    return _specs(path, list(_manifests(path, allow_outside)), allow_outside)


def read_study(
    path: Path, *, allow_outside: bool = False
) -> tuple[list[ImportSpec], tuple[str, ...] | None, list[Card]]:
    """What `read_manifest`, `read_moderator_roles` and `read_deck` read, in that order,
    with each YAML file parsed once instead of three times."""
    documents = list(_manifests(path, allow_outside))
    specs = _specs(path, documents, allow_outside)
    # _manifests yields the manifest at `path` last, after those it includes.
    top = documents[-1][1]
    roles = None if top is None else _moderator_roles(path, top)
    return specs, roles, _deck(documents)


def outside(path: Path, specs: list[ImportSpec]) -> list[ImportSpec]:
    """The specs whose file lies outside the folder of the manifest at `path`."""
    return [spec for spec in specs if not _within(spec.path, path.parent)]


def read_moderator_roles(path: Path) -> tuple[str, ...] | None:
    """The study's moderator roles a YAML manifest declares (`moderator_roles: [...]`), or
    None when it declares none (CSV manifests cannot)."""
    if path.suffix.lower() == ".csv":
        return None
    return _moderator_roles(path, _yaml_document(path))


def read_deck(path: Path, *, allow_outside: bool = False) -> list[Card]:
    """The statement cards a YAML manifest (and those it includes) declares, in order.

    `cards: [{key, statement: {language: text}, concepts: [...]}]`; a key declared twice
    keeps its first declaration. A CSV manifest declares no cards.
    """
    if path.suffix.lower() == ".csv" or not path.exists():
        return []
    return _deck(list(_manifests(path, allow_outside)))


Documents = list[tuple[Path, dict[str, Any] | None]]


def _specs(path: Path, documents: Documents, allow_outside: bool) -> list[ImportSpec]:
    specs: list[ImportSpec] = []
    for manifest, document in documents:
        if document is None:
            specs.extend(_read_csv(manifest, path.parent, allow_outside))
            continue
        entries = document.get("transcripts", []) or []
        if not isinstance(entries, list):
            raise InputError(str(manifest), "'transcripts' must be a list of entries with a file.")
        for index, entry in enumerate(entries, start=1):
            specs.append(_spec(manifest, entry, f"entry {index}", path.parent, allow_outside))
    if not specs:
        raise InputError(str(path), "names no transcripts.", hint="Add a 'transcripts' list.")
    return specs


def _moderator_roles(path: Path, document: dict[str, Any]) -> tuple[str, ...] | None:
    roles = document.get("moderator_roles")
    if roles is None:
        return None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InputError(
            str(path), "'moderator_roles' must be a list of roles, e.g. [moderator, facilitator]."
        )
    return tuple(roles)


def _deck(documents: Documents) -> list[Card]:
    deck: dict[str, Card] = {}
    for manifest, document in documents:
        for card in _cards(manifest, document or {}):
            deck.setdefault(card.key, card)
    return list(deck.values())


# ---------------------------------------------------------------- reading the documents


def _manifests(
    path: Path, allow_outside: bool, root: Path | None = None, chain: tuple[Path, ...] = ()
) -> Iterator[tuple[Path, dict[str, Any] | None]]:
    """The manifest at `path` after the manifests it includes (depth first), each with its
    YAML mapping (None for a CSV manifest)."""
    root = path.parent if root is None else root
    key = _normal(path)
    if key in chain:
        loop = " -> ".join(step.name for step in (*chain[chain.index(key) :], key))
        raise InputError(
            str(path), f"includes itself ({loop}).", hint="Remove the include that leads back."
        )
    if len(chain) >= MAX_INCLUDE_DEPTH:
        raise InputError(
            str(path),
            f"is included {len(chain)} levels deep; qualcode follows at most {MAX_INCLUDE_DEPTH}.",
            hint="Include the manifests from one top manifest.",
        )
    if path.suffix.lower() == ".csv":
        yield path, None
        return
    document = _yaml_document(path)
    included = document.get("include", []) or []
    if isinstance(included, str):
        included = [included]
    if not isinstance(included, list):
        raise InputError(
            str(path),
            f"'include' must be a list of manifest files, not {_shown(included)}.",
            hint="Write include: [other/manifest.yaml].",
        )
    for index, name in enumerate(included, start=1):
        target = _inside(path, name, root, allow_outside, f"include {index}")
        yield from _manifests(target, allow_outside, root, (*chain, key))
    yield path, document


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:
        raise InputError(str(path), "manifest not found.", hint="Check the path.") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder, not a manifest file.") from None
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror}).") from None
    if len(data) > MAX_MANIFEST_BYTES:
        raise InputError(
            str(path),
            f"is larger than {MAX_MANIFEST_BYTES // 2**20} MB, far more than a manifest.",
            hint="Check that you chose the right file.",
        )
    return data


def _text(path: Path) -> str:
    """The manifest's text: strict UTF-8 (a byte order mark is dropped)."""
    data = _read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            str(path),
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start:,}).",
            line=line,
            hint="Save the manifest as UTF-8.",
        ) from None


def _yaml_document(path: Path) -> dict[str, Any]:
    """The YAML file's mapping, through libyaml's C loader when PyYAML has it (ten times
    faster than the pure-Python one on a 3,000-entry manifest). Dates stay text (read by
    `_date`, which names a bad one); aliases and deep nesting are refused first."""
    import yaml  # only when a YAML manifest is read, not whenever `import` is loaded

    text = _text(path)
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = type(
        "ManifestLoader",
        (base,),
        {
            "yaml_implicit_resolvers": {
                first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
                for first, resolvers in base.yaml_implicit_resolvers.items()
            }
        },
    )
    try:
        _check_events(yaml, text, base, str(path))
        document = yaml.load(text, Loader=loader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None)
        said = f" ({problem})" if problem else ""
        raise InputError(str(path), f"is not valid YAML{said}.", line=line) from None
    except (ValueError, TypeError) as error:
        raise InputError(str(path), f"holds a value YAML cannot build ({error}).") from None
    if not isinstance(document, dict):
        raise InputError(str(path), "must be a mapping with a 'transcripts' list.")
    return document


def _check_events(yaml: Any, text: str, loader: Any, source: str) -> None:
    """Refuse aliases and nesting deeper than MAX_NESTING, from the parser's events (which
    neither expand aliases nor recurse)."""
    depth = 0
    opening = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closing = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, opening):
            depth += 1
            if depth > MAX_NESTING:
                raise InputError(
                    source,
                    f"nests lists and mappings more than {MAX_NESTING} levels deep.",
                    line=event.start_mark.line + 1,
                    hint="A manifest needs four; check the file.",
                )
        elif isinstance(event, closing):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise InputError(
                source,
                f"uses the YAML alias *{event.anchor}; manifests may not (an alias can "
                "expand without bound).",
                line=event.start_mark.line + 1,
                hint="Write the values out in full.",
            )


def _read_csv(path: Path, root: Path, allow_outside: bool) -> list[ImportSpec]:
    text = _text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    specs = []
    try:
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise InputError(
                str(path), f"needs a header row with columns {', '.join(CSV_COLUMNS)}."
            )
        for row in reader:
            where = f"line {reader.line_num}"
            roles = dict(
                part.split("=", 1) for part in (row.get("roles") or "").split(";") if "=" in part
            )
            entry = {
                key: value
                for key, value in row.items()
                if isinstance(key, str) and value and key != "roles"
            }
            entry["roles"] = {label.strip(): role.strip() for label, role in roles.items()}
            specs.append(_spec(path, entry, where, root, allow_outside))
    except csv.Error as error:
        raise InputError(str(path), f"is not valid CSV ({error}).", line=reader.line_num) from None
    return specs


# ---------------------------------------------------------------- one entry


def _spec(manifest: Path, entry: Any, where: str, root: Path, allow_outside: bool) -> ImportSpec:
    if not isinstance(entry, dict) or "file" not in entry:
        raise InputError(str(manifest), f"{where} needs a 'file'.")
    language = entry.get("language", "en")
    if not isinstance(language, str) or language not in LANGUAGES:
        raise InputError(
            str(manifest),
            f"{where}: language {_shown(language)} is not one of {', '.join(LANGUAGES)}.",
        )
    try:
        return ImportSpec(
            path=_inside(manifest, entry["file"], root, allow_outside, where),
            department=_field(manifest, entry, "department", where),
            group_kind=_field(manifest, entry, "group_kind", where),
            **({"language": language} if "language" in entry else {}),
            recorded_on=_date(manifest, entry.get("date"), where),
            title=_field(manifest, entry, "title", where),
            roles=_roles(manifest, entry.get("roles"), where),
            encoding=_field(manifest, entry, "encoding", where),
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(str(manifest), f"{where}: {field}: {message}.") from None
    except InputError:
        raise
    except QualcodeError as error:  # a value longer than its column
        raise InputError(str(manifest), f"{where}: {error}") from None


def _inside(manifest: Path, value: Any, root: Path, allow_outside: bool, where: str) -> Path:
    """The path `value` names, relative to `manifest`'s folder; refused when it is not a
    file name, or leaves `root` without `allow_outside`."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            str(manifest),
            f"{where}: the file must be a file name, not {_shown(value)}.",
            hint="Write it as file: name.txt, relative to the manifest.",
        )
    target = manifest.parent / value
    if not allow_outside and not _within(target, root):
        raise InputError(
            str(manifest),
            f"{where}: '{value}' is outside the manifest's folder {root}.",
            hint=OUTSIDE_HINT,
        )
    return target


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def _within(path: Path, folder: Path) -> bool:
    """Whether `path` lies inside `folder`, judged on the names as written (`..` and
    absolute paths leave it; a link the study's owner made inside it does not)."""
    return _normal(path).is_relative_to(_normal(folder))


def _field(manifest: Path, entry: dict[Any, Any], key: str, where: str) -> str | None:
    """A text field: text or a number written as text; a list or mapping is refused."""
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise InputError(str(manifest), f"{where}: '{key}' must be text, not {_shown(value)}.")


def _date(manifest: Path, value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            str(manifest),
            f"{where}: the date {_shown(value)} is not a date.",
            hint="Write it as YYYY-MM-DD, e.g. 2025-03-11.",
        ) from None


def _roles(manifest: Path, value: Any, where: str) -> dict[str, str]:
    """`roles: {Label: role}`; a list, or a label without a role, is refused."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(
            str(manifest),
            f"{where}: 'roles' must map speaker labels to roles, not {_shown(value)}.",
            hint="Write roles: {Helle: nurse, Moderator: moderator}.",
        )
    roles = {}
    for label, role in value.items():
        if not isinstance(role, str | int | float) or isinstance(role, bool) or label is None:
            raise InputError(
                str(manifest),
                f"{where}: the role of {_shown(label)} must be text, not {_shown(role)}.",
                hint="Write roles: {Helle: nurse, Moderator: moderator}.",
            )
        roles[str(label)] = str(role)
    return roles


def _shown(value: Any) -> str:
    """A value as a message shows it: its type for containers, else its text (shortened)."""
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------- statement cards


def _cards(path: Path, document: dict[str, Any]) -> Iterator[Card]:
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
        concepts = entry.get("concepts", []) or []
        if not isinstance(statement, dict) or not isinstance(concepts, list):
            raise InputError(
                str(path),
                f"{where}: the statement must be text or {{language: text}} and the concepts "
                "a list.",
            )
        try:
            yield Card(
                key=str(entry["key"]),
                statement={str(k): str(v) for k, v in statement.items()},
                concepts=[str(concept) for concept in concepts],
            )
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            raise InputError(str(path), f"{where} ('{entry['key']}'): {message}.") from error
