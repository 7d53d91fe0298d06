"""Statement cards and their sections in a REFI-QDA project, as a code set.

Why a code set and not bare selections: REFI-QDA gives a selection no meaning of its own
(a `Set` holds codes and sources, never selections), so another tool shows a selection only
through its codings. So the deck goes out as a top-level code "Statement cards" (not
codable) with one child code per card, named by its key, its statements and concepts in the
description; a `Set` of the same name groups the card codes. Each card section is a
`PlainTextSelection` from the start of its first turn to the end of its last, coded with
its card's code and named `card KEY`; its description says how the section was found
(`origin detected; score 0.93` or `origin manual`). NVivo, ATLAS.ti, MAXQDA and QualCoder
then see every section as text coded with its card, ready for their queries. The opening
(before the first card) is no card's and does not go out.

The import recognises the tree by the marker in the root code's description, makes the
cards (a key already in the deck keeps its statements) and the sections, and imports none
of it as codes or codings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualcode.exchange.refi.guids import stable_guid
from qualcode.exchange.refi.model import RefiCode, RefiCoding, RefiSelection, RefiSet

CARDS = "Statement cards"
MARKER = "qualcode: statement cards"
SECTION = "qualcode card section:"
_ORIGIN = re.compile(r"origin (detected|manual)(?:; score ([0-9.]+))?")


@dataclass(frozen=True)
class DeckCard:
    key: str
    statement: dict[str, str]
    concepts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SectionOut:
    """One card section of a transcript, in transcript offsets."""

    key: str
    start: int
    end: int
    origin: str
    score: float | None


@dataclass(frozen=True)
class SectionIn:
    """A card section read from a file: the card's key, where it starts (in the source's
    positions, mapped by the caller), how it was found."""

    key: str
    selection: RefiSelection
    origin: str
    score: float | None


def card_guid(key: str) -> str:
    return stable_guid("card", key)


def deck_code(deck: list[DeckCard]) -> RefiCode | None:
    """The code tree of the deck (None: no cards)."""
    if not deck:
        return None
    children = [
        RefiCode(guid=card_guid(card.key), name=card.key, description=_describe(card))
        for card in deck
    ]
    return RefiCode(
        guid=stable_guid("cards"),
        name=CARDS,
        codable=False,
        description=f"{MARKER}. The study's statement cards; each card's code marks the "
        "sections of talk the card opened.",
        children=children,
    )


def deck_set(root: RefiCode) -> RefiSet:
    return RefiSet(
        stable_guid("set", "cards"),
        CARDS,
        "The codes of the statement cards.",
        codes=[child.guid for child in root.children],
    )


def section_selections(sha: str, sections: list[SectionOut]) -> list[RefiSelection]:
    """One selection, coded with its card, per card section of a transcript."""
    found = []
    for section in sections:
        how = f"origin {section.origin}"
        if section.score is not None:
            how += f"; score {section.score:.2f}"
        guid = stable_guid("section", sha, section.start, section.end, section.key)
        coding = RefiCoding(stable_guid("section-coding", guid), card_guid(section.key))
        found.append(
            RefiSelection(
                guid,
                section.start,
                section.end,
                name=f"card {section.key}",
                codings=[coding],
                description=f"{SECTION} {how}",
            )
        )
    return found


def is_deck(code: RefiCode) -> bool:
    """True for the root code of the deck's tree."""
    return code.description.startswith(MARKER)


def split_deck(codes: list[RefiCode]) -> tuple[list[RefiCode], dict[str, DeckCard]]:
    """The file's codes without the deck's tree, and the cards by code GUID."""
    rest, cards = [], {}
    for code in codes:
        if is_deck(code):
            for child in code.children:
                cards[child.guid] = _card(child)
        else:
            rest.append(code)
    return rest, cards


def section_of(selection: RefiSelection, cards: dict[str, DeckCard]) -> SectionIn | None:
    """The card section a selection is, when it is coded with a card's code."""
    for coding in selection.codings:
        card = cards.get(coding.code)
        if card is not None:
            found = _ORIGIN.search(selection.description)
            origin = found.group(1) if found else "manual"
            score = float(found.group(2)) if found and found.group(2) else None
            return SectionIn(card.key, selection, origin, score)
    return None


def _describe(card: DeckCard) -> str:
    lines = [f"{language}: {text}" for language, text in card.statement.items()]
    if card.concepts:
        lines.append(f"concepts: {', '.join(card.concepts)}")
    return "\n".join(lines)


def _card(code: RefiCode) -> DeckCard:
    statement: dict[str, str] = {}
    concepts: list[str] = []
    for line in code.description.splitlines():
        name, _, value = line.partition(": ")
        if name == "concepts":
            concepts = [part.strip() for part in value.split(",") if part.strip()]
        elif value and len(name) == 2:
            statement[name] = value
    return DeckCard(code.name, statement or {"en": code.name}, concepts)
