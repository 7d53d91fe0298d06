"""Study manifests (YAML or CSV) naming many files with their metadata.

A manifest is input from anyone, so it is read defensively: at most 16 MB, UTF-8, no YAML
aliases (an alias bomb expands without bound) and no nesting deeper than any manifest needs
(libyaml's composer recurses in C), includes without cycles, and every file and include
inside the folder of the manifest the user named unless `allow_outside`.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from qualcode.domain.cards import Card
from qualcode.domain.imports import LANGUAGES, ImportSpec
from qualcode.errors import InputError, QualcodeError

CSV_COLUMNS = ("file", "department", "group_kind", "date", "language", "title", "roles")
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # some 300,000 entries; a study has tens
MAX_NESTING = 32  # a manifest nests four levels (transcripts, entry, roles, value)
MAX_INCLUDE_DEPTH = 16
CHUNK = 64 * 1024  # bytes read at a time
OUTSIDE_HINT = "Move it into that folder, or run the import with --allow-outside."


def read_manifest(path: Path, *, allow_outside: bool = False) -> list[ImportSpec]:
    """Read a manifest; file paths in it are relative to the manifest's folder.

    YAML: `transcripts: [{file, department, group_kind, date, language, title, roles}]`
    and optionally `include: [other manifests]`. CSV: the same columns, roles written as
    `Label=role; Other=role`. Files and includes must stay inside the folder of `path`
    unless `allow_outside`.
    """
    return list(check_study(path, allow_outside=allow_outside).specs())


def read_study(
    path: Path, *, allow_outside: bool = False
) -> tuple[list[ImportSpec], tuple[str, ...] | None, list[Card]]:
    """What `read_manifest`, `read_moderator_roles` and `read_deck` read, in that order."""
    study = check_study(path, allow_outside=allow_outside)
    return list(study.specs()), study.moderator_roles, study.deck


@dataclass
class Study:
    """A manifest checked whole, entry by entry as it was read (`check_study`): how many
    files it names, its moderator roles and cards, and the files outside its folder (the
    first few); `specs()` reads the entries again, one at a time."""

    path: Path
    allow_outside: bool
    count: int = 0
    moderator_roles: tuple[str, ...] | None = None
    deck: list[Card] = field(default_factory=list)
    outside_count: int = 0
    outside_first: list[Path] = field(default_factory=list)
    includes: dict[Path, list[Path]] = field(default_factory=dict)

    def specs(self) -> Iterator[ImportSpec]:
        """The entries again, in order (the included manifests' first), read as a stream.

        The manifest was checked whole; an entry that fails now means the file changed
        since, and is refused as before."""
        yield from self._specs(self.path)

    def _specs(self, manifest: Path) -> Iterator[ImportSpec]:
        for included in self.includes.get(_normal(manifest), []):
            yield from self._specs(included)
        for spec in _entries(manifest, self.path.parent, self.allow_outside, None):
            if isinstance(spec, InputError):
                raise spec
            yield spec


def check_study(path: Path, *, allow_outside: bool = False) -> Study:
    """Read the manifest at `path` and those it includes as streams, checking every entry
    as it comes, keeping none: one sentence names the first problem before anything is
    imported. Memory stays flat however many entries the manifest has."""
    study = Study(path=path, allow_outside=allow_outside)
    cards: list[Card] = []
    _check(path, study, cards, path.parent, ())
    if not study.count:
        raise InputError(str(path), "names no transcripts.", hint="Add a 'transcripts' list.")
    deck: dict[str, Card] = {}
    for card in cards:
        deck.setdefault(card.key, card)
    study.deck = list(deck.values())
    return study


def _check(
    path: Path, study: Study, cards: list[Card], root: Path, chain: tuple[Path, ...]
) -> None:
    """Check one manifest after those it includes (depth first), as `_manifests` orders
    them; the first bad entry is reported once the file has been read through, so that a
    YAML error anywhere in it (an alias, a syntax error) is named first, as before."""
    key = _normal(path)
    _check_chain(path, key, chain)
    top: dict[str, Any] = {}
    first_error: InputError | None = None
    for item in _entries(path, root, study.allow_outside, top):
        if isinstance(item, InputError):
            first_error = first_error or item
            continue
        study.count += 1
        if study.allow_outside and not _within(item.path, study.path.parent):
            study.outside_count += 1
            if len(study.outside_first) < 3:
                study.outside_first.append(item.path)
    included = _included(path, top.get("include", []), root, study.allow_outside)
    if included:
        study.includes[key] = included
    for target in included:
        _check(target, study, cards, root, (*chain, key))
    if first_error is not None:
        raise first_error
    if path.suffix.lower() != ".csv":
        if not chain and "moderator_roles" in top:
            study.moderator_roles = _moderator_roles(path, top)
        cards.extend(_cards(path, top))


def _check_chain(path: Path, key: Path, chain: tuple[Path, ...]) -> None:
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


def _included(path: Path, included: Any, root: Path, allow_outside: bool) -> list[Path]:
    if included is None:
        return []
    if isinstance(included, str):
        included = [included]
    if not isinstance(included, list):
        raise InputError(
            str(path),
            f"'include' must be a list of manifest files, not {_shown(included)}.",
            hint="Write include: [other/manifest.yaml].",
        )
    return [
        _inside(path, name, root, allow_outside, f"include {index}")
        for index, name in enumerate(included, start=1)
    ]


def _entries(
    path: Path, root: Path, allow_outside: bool, top: dict[str, Any] | None
) -> Iterator[ImportSpec | InputError]:
    """Each entry of one manifest as it is read: its spec, or the InputError that refuses
    it (a YAML error of the file itself is raised). With `top`, the manifest's other
    top-level values are put there (includes, moderator roles, cards)."""
    if path.suffix.lower() == ".csv":
        yield from _csv_entries(path, root, allow_outside)
        return
    for index, entry in _yaml_entries(path, top):
        try:
            yield _spec(path, entry, f"entry {index}", root, allow_outside)
        except InputError as error:
            yield error


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
    _check_chain(path, key, chain)
    if path.suffix.lower() == ".csv":
        yield path, None
        return
    document = _yaml_document(path)
    for target in _included(path, document.get("include", []), root, allow_outside):
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
    try:
        _check_events(yaml, text, base, str(path))
        document = yaml.load(text, Loader=_manifest_loader(yaml)) or {}
    except yaml.YAMLError as error:
        raise _yaml_error(path, error) from None
    except (ValueError, TypeError) as error:
        raise InputError(str(path), f"holds a value YAML cannot build ({error}).") from None
    if not isinstance(document, dict):
        raise InputError(str(path), "must be a mapping with a 'transcripts' list.")
    return document


def _manifest_loader(yaml: Any) -> Any:
    """libyaml's loader (`CSafeLoader`) when PyYAML has it, ten times faster than the
    pure-Python one; dates stay text (`_date` reads them and names a bad one)."""
    global _LOADER
    if _LOADER is None:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        _LOADER = type(
            "ManifestLoader",
            (base,),
            {
                "yaml_implicit_resolvers": {
                    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
                    for first, resolvers in base.yaml_implicit_resolvers.items()
                }
            },
        )
    return _LOADER


_LOADER: Any = None


def _check_events(yaml: Any, text: str, loader: Any, source: str) -> None:
    """Refuse aliases, nesting deeper than MAX_NESTING and a key written twice in one
    mapping, from the parser's events (which neither expand aliases nor recurse)."""
    opening = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closing = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    # per open collection: the keys of a mapping so far and whether a key comes next
    frames: list[tuple[set[str], list[bool]] | None] = []
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _alias_refused(source, event)
        if isinstance(event, (*opening, yaml.ScalarEvent)) and frames and frames[-1]:
            keys, next_is_key = frames[-1]
            if next_is_key[0] and isinstance(event, yaml.ScalarEvent):
                if event.value in keys:
                    raise _repeated_key(source, event.value, event)
                keys.add(event.value)
            next_is_key[0] = not next_is_key[0]
        if isinstance(event, opening):
            if len(frames) >= MAX_NESTING:
                raise _too_deep(source, event)
            mapping = isinstance(event, yaml.MappingStartEvent)
            frames.append((set(), [True]) if mapping else None)
        elif isinstance(event, closing):
            frames.pop()


def _csv_entries(path: Path, root: Path, allow_outside: bool) -> Iterator[ImportSpec | InputError]:
    reader = csv.DictReader(_Stream(path).lines())
    try:
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise InputError(
                str(path), f"needs a header row with columns {', '.join(CSV_COLUMNS)}."
            )
        for row in reader:
            where = f"line {reader.line_num}"
            pairs = [
                part.split("=", 1) for part in (row.get("roles") or "").split(";") if "=" in part
            ]
            roles = dict(pairs)
            if len(roles) < len(pairs):
                labels = [label for label, _ in pairs]
                twice = next(label for label in labels if labels.count(label) > 1)
                yield InputError(
                    str(path),
                    f"{where}: the speaker {twice.strip()!r} is given a role twice.",
                    hint="Keep one of them.",
                )
                continue
            entry = {
                key: value
                for key, value in row.items()
                if isinstance(key, str) and value and key != "roles"
            }
            entry["roles"] = {label.strip(): role.strip() for label, role in roles.items()}
            try:
                yield _spec(path, entry, where, root, allow_outside)
            except InputError as error:
                yield error
    except csv.Error as error:
        raise InputError(str(path), f"is not valid CSV ({error}).", line=reader.line_num) from None


class _Stream:
    """A manifest's text as it is read, 64 KB at a time: strict UTF-8 (a byte order mark is
    dropped), at most MAX_MANIFEST_BYTES; a bad byte is named as `_text` names it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_bytes = 0
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self.file: BinaryIO | None = None

    def read(self, size: int = CHUNK) -> str:
        if self.file is None:
            self.file = self._open()
        data = self.file.read(max(size, 1))
        self.read_bytes += len(data)
        if self.read_bytes > MAX_MANIFEST_BYTES:
            self.close()
            _read_bytes(self.path)  # raises: too large
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            self.close()
            _text(self.path)  # names the line and the byte
            raise
        if not data:
            self.close()
        return text

    def lines(self) -> Iterator[str]:
        """The text line by line (line ends kept), for the CSV reader."""
        pending = ""
        while chunk := self.read(CHUNK):
            pending += chunk
            *whole, pending = pending.split("\n")
            for line in whole:
                yield line + "\n"
        if pending:
            yield pending

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def _open(self) -> BinaryIO:
        try:
            return self.path.open("rb")
        except FileNotFoundError:
            raise InputError(
                str(self.path), "manifest not found.", hint="Check the path."
            ) from None
        except IsADirectoryError:
            raise InputError(str(self.path), "is a folder, not a manifest file.") from None
        except OSError as error:
            raise InputError(str(self.path), f"cannot be read ({error.strerror}).") from None


def _yaml_entries(path: Path, top: dict[str, Any] | None) -> Iterator[tuple[int, Any]]:
    """The entries of a YAML manifest's `transcripts` list, numbered from 1, each built
    from the parser's events as it is read (nothing else of the list is kept); the other
    top-level values go into `top` when given. Aliases and deep nesting are refused from
    the events, as `_check_events` does, and a YAML error is one sentence with its line."""
    import yaml

    stream = _Stream(path)
    parser = _manifest_loader(yaml)(stream)
    try:
        yield from _walk(yaml, parser, path, top)
    except yaml.YAMLError as error:
        raise _yaml_error(path, error) from None
    except (ValueError, TypeError) as error:
        raise InputError(str(path), f"holds a value YAML cannot build ({error}).") from None
    finally:
        stream.close()
        parser.dispose()


def _walk(
    yaml: Any, parser: Any, path: Path, top: dict[str, Any] | None
) -> Iterator[tuple[int, Any]]:
    source = str(path)
    parser.get_event()  # the stream's start
    if parser.check_event(yaml.StreamEndEvent):
        return
    parser.get_event()  # the document's start
    event = parser.get_event()
    if isinstance(event, yaml.MappingStartEvent):
        listed = False
        seen: set[Any] = set()
        while not parser.check_event(yaml.MappingEndEvent):
            key_event = parser.get_event()
            key = _build(yaml, parser, key_event, source, 1)
            event = parser.get_event()
            if key == "transcripts" and listed:  # read as a stream: the first would be imported
                raise InputError(
                    source,
                    "has two 'transcripts' lists.",
                    line=event.start_mark.line + 1,
                    hint="Merge them into one.",
                )
            if _hashable(key) and key in seen:
                raise _repeated_key(source, key, key_event)
            seen.add(key if _hashable(key) else None)
            listed = listed or key == "transcripts"
            if key == "transcripts" and isinstance(event, yaml.SequenceStartEvent):
                index = 0
                while not parser.check_event(yaml.SequenceEndEvent):
                    index += 1
                    yield index, _build(yaml, parser, parser.get_event(), source, 2)
                parser.get_event()
                continue
            value = _build(yaml, parser, event, source, 1)
            if key == "transcripts" and value:
                raise InputError(source, "'transcripts' must be a list of entries with a file.")
            if top is not None and key in ("include", "moderator_roles", "cards"):
                top[key] = value
        parser.get_event()
    else:
        value = _build(yaml, parser, event, source, 0)
        if value is not None:
            raise InputError(source, "must be a mapping with a 'transcripts' list.")
    parser.get_event()  # the document's end
    if not parser.check_event(yaml.StreamEndEvent):
        event = parser.get_event()
        raise InputError(
            source,
            "is not valid YAML (expected a single document in the stream).",
            line=event.start_mark.line + 1,
        )


_STR = "tag:yaml.org,2002:str"
_PLAIN: dict[tuple[str, bool], Any] = {}  # plain scalar -> its value (a study repeats them)


def _build(yaml: Any, parser: Any, event: Any, source: str, depth: int) -> Any:
    """The value `event` starts, built from the events up to its end as PyYAML's safe
    loader builds it: plain scalars resolved by the loader's rules, lists and mappings
    built directly; a value with an explicit tag goes through the loader's constructor."""
    if isinstance(event, yaml.ScalarEvent):
        if event.tag is None or event.tag == "!":
            if not event.implicit[0]:  # quoted: text
                return event.value
            known = (event.value, event.implicit[1])
            if known in _PLAIN:
                return _PLAIN[known]
            tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR:
                value = event.value
            else:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
                value = parser.construct_document(node)
            if len(_PLAIN) < 10_000 and isinstance(value, str | int | float | bool | None):
                _PLAIN[known] = value
            return value
        return parser.construct_document(_node(yaml, parser, event, source, depth))
    if isinstance(event, yaml.AliasEvent) or event.tag not in (None, "!"):
        return parser.construct_document(_node(yaml, parser, event, source, depth))
    depth += 1
    if depth > MAX_NESTING:
        _node(yaml, parser, event, source, MAX_NESTING)  # raises
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        while not parser.check_event(yaml.SequenceEndEvent):
            items.append(_build(yaml, parser, parser.get_event(), source, depth))
        parser.get_event()
        return items
    mapping: dict[Any, Any] = {}
    merged: list[Any] = []
    while not parser.check_event(yaml.MappingEndEvent):
        key_event = parser.get_event()
        merge = isinstance(key_event, yaml.ScalarEvent) and key_event.implicit[0]
        merge = merge and key_event.value == "<<" and key_event.tag is None
        key = _build(yaml, parser, key_event, source, depth)
        value = _build(yaml, parser, parser.get_event(), source, depth)
        if merge:
            merged.extend(value if isinstance(value, list) else [value])
            continue
        try:
            if key in mapping:
                raise _repeated_key(source, key, key_event)
            mapping[key] = value
        except TypeError:
            raise InputError(
                source,
                "is not valid YAML (found unhashable key).",
                line=key_event.start_mark.line + 1,
            ) from None
    parser.get_event()
    for extra in merged:
        if not isinstance(extra, dict):
            raise InputError(source, "is not valid YAML (expected a mapping for merging).")
        for key, value in extra.items():
            mapping.setdefault(key, value)
    return mapping


def _too_deep(source: str, event: Any) -> InputError:
    return InputError(
        source,
        f"nests lists and mappings more than {MAX_NESTING} levels deep.",
        line=event.start_mark.line + 1,
        hint="A manifest needs four; check the file.",
    )


def _repeated_key(source: str, key: Any, event: Any) -> InputError:
    """PyYAML keeps the last of two equal keys silently; a manifest (like a codebook) may
    not, since one of the two values would be dropped unseen."""
    return InputError(
        source,
        f"the field {_shown(key)} appears twice in one mapping.",
        line=event.start_mark.line + 1,
        hint="Keep one of them.",
    )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _alias_refused(source: str, event: Any) -> InputError:
    return InputError(
        source,
        f"uses the YAML alias *{event.anchor}; manifests may not (an alias can expand "
        "without bound).",
        line=event.start_mark.line + 1,
        hint="Write the values out in full.",
    )


def _node(yaml: Any, parser: Any, event: Any, source: str, depth: int) -> Any:
    """The node `event` starts, from the events up to its end; aliases and nesting deeper
    than MAX_NESTING refused."""
    if isinstance(event, yaml.AliasEvent):
        raise _alias_refused(source, event)
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    depth += 1
    if depth > MAX_NESTING:
        raise _too_deep(source, event)
    if isinstance(event, yaml.SequenceStartEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = parser.resolve(yaml.SequenceNode, None, event.implicit)
        items = []
        while not parser.check_event(yaml.SequenceEndEvent):
            items.append(_node(yaml, parser, parser.get_event(), source, depth))
        end = parser.get_event()
        return yaml.SequenceNode(tag, items, event.start_mark, end.end_mark, event.flow_style)
    tag = event.tag
    if tag is None or tag == "!":
        tag = parser.resolve(yaml.MappingNode, None, event.implicit)
    pairs = []
    while not parser.check_event(yaml.MappingEndEvent):
        key = _node(yaml, parser, parser.get_event(), source, depth)
        pairs.append((key, _node(yaml, parser, parser.get_event(), source, depth)))
    end = parser.get_event()
    return yaml.MappingNode(tag, pairs, event.start_mark, end.end_mark, event.flow_style)


def _yaml_error(path: Path, error: Any) -> InputError:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None)
    said = f" ({problem})" if problem else ""
    return InputError(str(path), f"is not valid YAML{said}.", line=line)


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
