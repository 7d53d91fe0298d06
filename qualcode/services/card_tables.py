"""Code frequencies by statement card (and department or group kind): `freq --by card`.

The unit is a participant turn inside a card's section. Scope (the analysis scope rule):
turns of speakers whose role is not one of the study's moderator roles (unless moderators
are included), in transcripts the coder layer has coded (at least one coding; every
transcript with coverage all), in a section of a card (the opening is left out). A row
code counts the turns coded with it or a code below it, once per turn however many coders
coded it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode import __version__
from qualcode.domain.scope import Coverage, is_moderator
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import QualcodeError
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.services.scope import study_moderator_roles
from qualcode.store import cards as store
from qualcode.store import codes as code_store
from qualcode.store.models import Coder, Coding, Segment

CARD_DIMENSIONS = ("card", "department", "group-kind")
ALL_CODERS = "all coders (a turn counts once per code however many coders coded it)"


@dataclass(frozen=True)
class CardFrequencyQuery:
    by: tuple[str, ...] = ("card",)
    cards: tuple[str, ...] = ()
    coder: str | None = None
    codes: tuple[str, ...] = ()
    depth: int | None = None
    coverage: Coverage = Coverage.CODED
    include_moderators: bool = False


def card_frequency(project: Project, query: CardFrequencyQuery) -> ResultSet:
    """Coded participant turns per code (rows) and card x department/group kind (columns)."""
    if "card" not in query.by:
        raise QualcodeError("Card tables need 'card' in --by, e.g. --by card,department.")
    unknown = [name for name in query.by if name not in CARD_DIMENSIONS]
    if unknown:
        raise QualcodeError(
            f"--by {unknown[0]} cannot be combined with card; choose from "
            f"{', '.join(CARD_DIMENSIONS)}."
        )

    def work(session: Session) -> ResultSet:
        book = active_codebook(session)
        codes = [
            code.key
            for code in code_store.codes_of(session, book.id)
            if (query.depth is None or code.key.count(".") < query.depth)
            and (
                not query.codes
                or any(code.key == k or code.key.startswith(f"{k}.") for k in query.codes)
            )
        ]
        coder_ids = _layer(session, query.coder)
        deck = [row for row in store.cards(session) if not query.cards or row.key in query.cards]
        missing = set(query.cards) - {row.key for row in deck}
        if missing:
            raise QualcodeError(f"No card '{sorted(missing)[0]}' in the deck; see `cards list`.")
        coded = _coded_transcripts(session, coder_ids, query.coverage)
        moderators = () if query.include_moderators else study_moderator_roles(session)
        columns: dict[tuple[str, ...], set[int]] = defaultdict(set)
        keys_of: dict[int, set[str]] = {}
        for card in deck:
            turns = [
                turn
                for turn in store.card_turns(session, card.id)
                if (coded is None or turn.transcript_id in coded)
                and not is_moderator(turn.role, moderators)
            ]
            for segment_id, key, coder_id in store.codings_on(
                session, [turn.segment_id for turn in turns]
            ):
                if coder_ids is None or coder_id in coder_ids:
                    keys_of.setdefault(segment_id, set()).add(key)
            for turn in turns:
                group = tuple(
                    card.key
                    if name == "card"
                    else (turn.department if name == "department" else turn.group_kind) or "-"
                    for name in query.by
                )
                columns[group].add(turn.segment_id)
        ordered = sorted(columns)
        rows: list[list[str | int | float | None]] = []
        for key in codes:
            counts = [
                sum(
                    any(k == key or k.startswith(f"{key}.") for k in keys_of.get(segment, ()))
                    for segment in columns[group]
                )
                for group in ordered
            ]
            rows.append([key, *counts, sum(counts)])
        totals = [len(columns[group]) for group in ordered]
        rows.append(["(participant turns in scope)", *totals, sum(totals)])
        table = ResultTable(
            title=f"Coded participant turns by {' x '.join(query.by)}",
            columns=["Code", *(" / ".join(group) for group in ordered), "Total"],
            rows=rows,
            notes=[
                "Unit: a participant turn (moderators left out) in a card's section, in "
                "transcripts the layer has coded; a turn counts once per code (or a code "
                "below it) however many coders coded it. The last row is the denominator.",
            ],
        )
        filters = {
            "by": ", ".join(query.by),
            "measure": "Coded turns",
            **({"cards": ", ".join(query.cards)} if query.cards else {}),
            **({"codes": ", ".join(query.codes)} if query.codes else {}),
            **({"depth": str(query.depth)} if query.depth else {}),
        }
        return ResultSet.describe(
            [table],
            codebook=book.name,
            codebook_version=str(book.version),
            coder_layer=f"coder {query.coder}" if query.coder else ALL_CODERS,
            qualcode_version=__version__,
            filters=filters,
        )

    return project.read(work)


def _layer(session: Session, coder: str | None) -> set[int] | None:
    if coder is None:
        return None
    found = code_store.coder_by_name(session, coder)
    if found is None:
        raise QualcodeError(f"No coder '{coder}'; see `qualcode coder list`.")
    return {found.id}


def _coded_transcripts(
    session: Session, coder_ids: Sequence[int] | set[int] | None, coverage: Coverage
) -> set[int] | None:
    """Transcripts the layer has coded (None: every transcript, with --scope all)."""
    if coverage is Coverage.ALL:
        return None
    statement = (
        select(Segment.transcript_id)
        .join(Coding, Coding.segment_id == Segment.id)
        .join(Coder, Coder.id == Coding.coder_id)
        .distinct()
    )
    if coder_ids is not None:
        statement = statement.where(Coding.coder_id.in_(list(coder_ids)))
    return set(session.scalars(statement))
