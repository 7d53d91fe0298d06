"""Statement cards: the deck, finding where each card is read, and the sections they open.

Which readings open a section is the policy of `qualcode.suggest.card_sections`; the report
of a card is computed in `qualcode.analysis.card_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from qualcode.analysis.card_report import card_report as compute_report
from qualcode.domain.cards import (
    Card,
    CardInfo,
    CardReport,
    DetectionReport,
    SectionStart,
    SectionView,
)
from qualcode.domain.layer import Layer
from qualcode.domain.scope import is_moderator
from qualcode.errors import QualcodeError
from qualcode.services.corpus import find_transcript
from qualcode.services.project import Project
from qualcode.services.scope import study_moderator_roles
from qualcode.store import cards as store
from qualcode.store import codes as code_store
from qualcode.store.models import Card as CardRow
from qualcode.store.turn_rows import RowState

if TYPE_CHECKING:
    from qualcode.suggest.cards import Reading

Progress = Callable[[DetectionReport], None]
BATCH = 100


# -- the deck ------------------------------------------------------------------------------


def make_card(key: str, statement: dict[str, str], concepts: Sequence[str] = ()) -> Card:
    """A valid card, or a QualcodeError in one sentence naming what is wrong."""
    from pydantic import ValidationError

    try:
        return Card(key=key, statement=statement, concepts=list(concepts))
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise QualcodeError(f"Card '{key}': {message}.") from None


def load_deck(project: Project, cards: Sequence[Card]) -> tuple[int, int]:
    """Add the deck's new cards and update changed ones, by key; returns (added, updated)."""

    def work(session: Session) -> tuple[int, int]:
        added = updated = 0
        for card in cards:
            row = store.card_by_key(session, card.key)
            if row is None:
                store.add_card(session, card.key, card.statement, card.concepts)
                added += 1
            elif store.set_card(row, card.statement, card.concepts):
                updated += 1
        return added, updated

    return project.write(work)


def list_cards(project: Project) -> list[CardInfo]:
    """The deck in the order the cards were added, with the sections each opens."""

    def work(session: Session) -> list[CardInfo]:
        counts = store.section_counts(session)
        return [_info(row, counts.get(row.id, 0)) for row in store.cards(session)]

    return project.read(work)


def add_card(project: Project, card: Card) -> CardInfo:
    """Add one card; refuses a key already in the deck."""

    def work(session: Session) -> CardInfo:
        if store.card_by_key(session, card.key) is not None:
            raise QualcodeError(
                f"A card '{card.key}' is already in the deck; use `qualcode cards edit`."
            )
        return _info(store.add_card(session, card.key, card.statement, card.concepts), 0)

    return project.write(work)


def edit_card(
    project: Project,
    key: str,
    *,
    statements: dict[str, str] | None = None,
    concepts: list[str] | None = None,
) -> CardInfo:
    """Set a card's statement in the languages given (others kept) and/or its concepts."""

    def work(session: Session) -> CardInfo:
        row = _card(session, key)
        statement = {**row.statement, **(statements or {})}
        card = make_card(key, statement, row.concepts if concepts is None else concepts)
        store.set_card(row, card.statement, card.concepts)
        return _info(row, store.section_counts(session).get(row.id, 0))

    return project.write(work)


# -- detection -----------------------------------------------------------------------------


def detect(
    project: Project,
    transcripts: Iterable[int] | None = None,
    *,
    progress: Progress | None = None,
) -> list[DetectionReport]:
    """Find the card readings of the transcripts (all when None) and store their sections.

    Transcripts go in batches of `BATCH`, each batch read in one session and written in one
    transaction. Detected sections are replaced; manual ones stay.
    """
    from qualcode.suggest.cards import CardDetector
    from qualcode.suggest.pipelines import pipeline

    deck = project.read(lambda session: [_card_model(row) for row in store.cards(session)])
    ids = list(transcripts) if transcripts is not None else project.read(store.transcript_ids)
    detectors: dict[str, CardDetector] = {}
    reports: list[DetectionReport] = []
    for offset in range(0, len(ids), BATCH):
        batch = ids[offset : offset + BATCH]
        loaded = project.read(partial(store.transcript_turns, transcript_ids=batch))
        found = []
        for transcript in loaded:
            if deck and transcript.language not in detectors:
                detectors[transcript.language] = CardDetector(pipeline(transcript.language), deck)
            readings = (
                detectors[transcript.language].detect(transcript.text, transcript.turns)
                if deck
                else []
            )
            found.append((transcript, readings))
        done = project.write(partial(_store_batch, found=found))
        for report in done:
            reports.append(report)
            if progress:
                progress(report)
    return reports


def _store_batch(session: Session, found: list) -> list[DetectionReport]:
    keys = {row.key: row.id for row in store.cards(session)}
    names = {card_id: key for key, card_id in keys.items()}
    manual = store.manual_starts(session, [transcript.id for transcript, _ in found])
    return [
        _store(session, transcript, readings, keys, names, manual.get(transcript.id, []))
        for transcript, readings in found
    ]


def _store(
    session: Session,
    transcript: store.TranscriptTurns,
    readings: list[Reading],
    keys: dict[str, int],
    names: dict[int, str],
    manual: list[SectionStart],
) -> DetectionReport:
    from qualcode.suggest.card_sections import plan_sections

    order = [turn.segment_id for turn in transcript.turns]
    plan = plan_sections(order, readings, manual, keys)
    written = store.write_sections(session, transcript.id, plan.starts, order=order)
    ordinal_of = {turn.segment_id: turn.ordinal for turn in transcript.turns}
    return DetectionReport(
        transcript_id=transcript.id,
        title=transcript.title,
        detections=plan.detections,
        sections=[
            SectionView(
                id=section_id,
                transcript_id=transcript.id,
                card_key=names.get(start.card_id) if start.card_id is not None else None,
                first_segment_id=start.segment_id,
                last_segment_id=last,
                first_ordinal=ordinal_of[start.segment_id],
                last_ordinal=ordinal_of[last],
                origin=start.origin,
                score=start.score,
            )
            for section_id, start, last in written
        ],
        skipped=plan.skipped,
    )


# -- sections ------------------------------------------------------------------------------


def sections(project: Project, transcript: str) -> list[SectionView]:
    """A transcript's sections in reading order (the opening first)."""

    def work(session: Session) -> list[SectionView]:
        return _sections(session, find_transcript(session, transcript).id)

    return project.read(work)


def set_section_start(
    project: Project, segment_id: int, card_key: str | None, *, actor: str | None = None
) -> tuple[RowState, RowState]:
    """By hand: the turn opens a section of `card_key` (None: the turn opens no section, it
    joins the section before). Returns the rows before and after, for undo. Once the project
    has a supervisor, only a supervisor (`actor`) sets sections."""
    from qualcode.services.card_sections import open_section

    edit = open_section(project, segment_id, card_key, actor=actor)
    return edit.before, edit.after


def _sections(session: Session, transcript_id: int) -> list[SectionView]:
    keys = {row.id: row.key for row in store.cards(session)}
    return [
        SectionView(
            id=section.id,
            transcript_id=transcript_id,
            card_key=keys.get(section.card_id) if section.card_id is not None else None,
            first_segment_id=section.first_segment_id,
            last_segment_id=section.last_segment_id,
            first_ordinal=first,
            last_ordinal=last,
            origin=section.origin,
            score=section.score,
        )
        for section, first, last in store.sections_of(session, transcript_id)
    ]


# -- helpers -------------------------------------------------------------------------------


def _card(session: Session, key: str) -> CardRow:
    row = store.card_by_key(session, key)
    if row is None:
        known = ", ".join(card.key for card in store.cards(session)) or "none yet"
        raise QualcodeError(f"No card '{key}' in the deck (cards: {known}).")
    return row


def _card_model(row: CardRow) -> Card:
    return Card(key=row.key, statement=row.statement, concepts=row.concepts)


def _info(row: CardRow, sections: int) -> CardInfo:
    return CardInfo(
        id=row.id, key=row.key, statement=row.statement, concepts=row.concepts, n_sections=sections
    )


# -- a card's report -------------------------------------------------------------------------


def card_report(
    project: Project,
    key: str,
    *,
    quotes: int = 3,
    department: str | None = None,
    layer: Layer | None = None,
    actor: str | None = None,
) -> CardReport:
    """What a card drew: participant turns and words per department and group kind, the codes
    applied (every coder's codings; a turn counts once per code; rolled up and own; shares of
    the participant turns of transcripts coded or marked done) and the most telling quotes
    (ranked by QUOTE_RANKING). Moderators' turns are left out; `department` keeps only its
    turns."""

    from qualcode.services.blind import visibility

    def work(session: Session) -> CardReport:
        counted = visibility(session, actor).layer(layer or Layer())
        row = _card(session, key)
        moderators = study_moderator_roles(session)
        turns = [
            turn
            for turn in store.card_turns(session, row.id)
            if not is_moderator(turn.role, moderators)
            and (department is None or turn.department == department)
        ]
        book = code_store.active_codebook(session)
        codings = store.codings_on(
            session, [turn.segment_id for turn in turns], book.id if book else None, counted
        )
        coded = store.coded_scope(session, [turn.transcript_id for turn in turns], counted)
        found = compute_report(
            _card_model(row), turns, codings, coded_transcripts=coded, quotes=quotes
        )
        return found.model_copy(update={"layer": counted.label})

    return project.read(work)
