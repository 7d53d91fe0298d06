"""An import manifest read for the UIs: the files to import, the study's moderator roles and
its statement cards (the format is `qualcode.ingest.manifest`'s)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.domain.cards import Card
from qualcode.domain.imports import ImportSpec
from qualcode.ingest.manifest import outside, read_study


@dataclass(frozen=True)
class Manifest:
    """What a manifest declares; `outside` lists the files outside its folder when allowed."""

    specs: list[ImportSpec]
    moderator_roles: tuple[str, ...] | None
    deck: list[Card]
    outside: list[ImportSpec]


def read_import_manifest(path: Path, *, allow_outside: bool = False) -> Manifest:
    """Read the manifest at `path` (files, moderator roles, then cards, in that order; each
    file parsed once)."""
    specs, moderators, deck = read_study(path, allow_outside=allow_outside)
    elsewhere = outside(path, specs) if allow_outside else []
    return Manifest(specs=specs, moderator_roles=moderators, deck=deck, outside=elsewhere)
