"""An import manifest read for the UIs: the files to import, the study's moderator roles and
its statement cards (the format is `qualcode.ingest.manifest`'s)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qualcode.domain.cards import Card
from qualcode.domain.imports import ImportSpec
from qualcode.ingest.manifest import Study, check_study


class Specs:
    """The files a checked manifest names: their number, and the entries read again as a
    stream each time they are iterated (a 3,000-entry manifest is never held whole)."""

    def __init__(self, study: Study) -> None:
        self._study = study

    def __len__(self) -> int:
        return self._study.count

    def __iter__(self) -> Iterator[ImportSpec]:
        return self._study.specs()


@dataclass(frozen=True)
class Manifest:
    """What a manifest declares; `outside` names the first files outside its folder (of
    `outside_count`) when they are allowed."""

    specs: Specs
    moderator_roles: tuple[str, ...] | None
    deck: list[Card]
    outside: list[Path]
    outside_count: int


def read_import_manifest(path: Path, *, allow_outside: bool = False) -> Manifest:
    """Check the manifest at `path` whole, entry by entry as it is read (files, moderator
    roles, then cards, in that order); nothing of a bad manifest is imported."""
    study = check_study(path, allow_outside=allow_outside)
    return Manifest(
        specs=Specs(study),
        moderator_roles=study.moderator_roles,
        deck=study.deck,
        outside=study.outside_first,
        outside_count=study.outside_count,
    )
