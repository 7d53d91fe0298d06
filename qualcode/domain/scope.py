"""The scope rule: which turns a figure counts.

Every count, share and unit of agreement looks at the turns *in scope*:

- **coded scope** (the default, ``Coverage.CODED``): a transcript is in a layer's scope when
  that layer has coded it: one of the layer's coders marked it done, or the layer holds a
  coding in it. Transcripts nobody in the layer has read would otherwise add turns to every
  denominator that could not have been coded. ``Coverage.ALL`` takes every transcript.
- **participant turns** (the default): turns of speakers whose role is a moderator role
  (the study's list, by default moderator, facilitator and interviewer) are left out;
  ``include_moderators`` keeps them. A turn without a speaker counts as a participant's.
- the filters a user chose: departments, focus-group kinds, speaker roles, transcripts, and
  statement cards (``cards``: only the turns in those cards' sections; the opening before
  the first card is in no card's section).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

DEFAULT_MODERATOR_ROLES = ("moderator", "facilitator", "interviewer")


class Coverage(StrEnum):
    CODED = "coded"
    ALL = "all"


def normal_role(role: str | None) -> str:
    """A role as the moderator rule compares it: stripped, lower case."""
    return (role or "").strip().lower()


# The project setting holding the study's moderator roles ({"roles": [...]}).
MODERATOR_ROLES_SETTING = "moderator_roles"


def moderator_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """A moderator role list in normal form, each once, in the given order."""
    return tuple(dict.fromkeys(normal_role(role) for role in roles if normal_role(role)))


def is_moderator(role: str | None, roles: Iterable[str] = DEFAULT_MODERATOR_ROLES) -> bool:
    """True when a speaker's role is one of the moderator roles (case and spaces ignored)."""
    return normal_role(role) in moderator_roles(roles)


@dataclass(frozen=True)
class TurnScope:
    """Which turns a query looks at; empty filter tuples mean no restriction."""

    departments: tuple[str, ...] = ()
    group_kinds: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    transcript_ids: tuple[int, ...] = ()
    cards: tuple[str, ...] = ()
    coverage: Coverage = Coverage.CODED
    include_moderators: bool = False
    moderator_roles: tuple[str, ...] = DEFAULT_MODERATOR_ROLES

    @property
    def coded_only(self) -> bool:
        return self.coverage is Coverage.CODED

    @property
    def excluded_roles(self) -> tuple[str, ...]:
        """Normal-form roles whose turns are out of scope (none with include_moderators)."""
        return () if self.include_moderators else moderator_roles(self.moderator_roles)

    def counts_speaker(self, role: str | None) -> bool:
        """True when a turn of a speaker in this role is in scope (the moderator rule)."""
        return normal_role(role) not in self.excluded_roles

    def counts_transcript(self, coded: bool) -> bool:
        """True when a transcript is in scope, given whether the layer has coded it."""
        return coded or not self.coded_only

    def with_moderator_roles(self, roles: Iterable[str]) -> TurnScope:
        """The same scope with the study's moderator role list."""
        return replace(self, moderator_roles=moderator_roles(roles))

    def describe(self, *, by_card: bool = False) -> str:
        """The scope in words, for a table's provenance line (`by_card`: the table counts
        only turns in a card's section)."""
        transcripts = "transcripts the layer has coded" if self.coded_only else "every transcript"
        excluded = self.excluded_roles
        if excluded:
            turns = f"participant turns (not {', '.join(excluded)})"
        else:
            turns = "all turns (moderators included)"
        cards = f" in the sections of card {', '.join(self.cards)}" if self.cards else ""
        if by_card and not self.cards:
            cards = " in a card's section"
        return f"{turns}{cards} of {transcripts}"
