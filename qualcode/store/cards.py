"""Card and section persistence: the deck, and the sections that tile a transcript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Subquery, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from qualcode.domain.cards import Bounds, CardTurn, SectionStart
from qualcode.domain.layer import Layer
from qualcode.store.models import Card, Section, Segment


def cards(session: Session) -> list[Card]:
    return list(session.scalars(select(Card).order_by(Card.id)))


def card_by_key(session: Session, key: str) -> Card | None:
    return session.scalar(select(Card).where(Card.key == key))


def add_card(session: Session, key: str, statement: dict[str, str], concepts: list[str]) -> Card:
    """A new card row, flushed so that it has its id."""
    row = Card(key=key, statement=statement, concepts=concepts)
    session.add(row)
    session.flush()
    return row


def set_card(row: Card, statement: dict[str, str], concepts: list[str]) -> bool:
    """Give the card this statement and these concepts; whether anything changed."""
    if row.statement == statement and row.concepts == concepts:
        return False
    row.statement, row.concepts = dict(statement), list(concepts)
    return True


def transcript_ids(session: Session) -> list[int]:
    """Every transcript's id, in order."""
    from qualcode.store.models import Transcript

    return list(session.scalars(select(Transcript.id).order_by(Transcript.id)))


def section_ids(session: Session, transcript_id: int) -> list[int]:
    """The ids of the transcript's sections."""
    return list(session.scalars(select(Section.id).where(Section.transcript_id == transcript_id)))


def section_counts(session: Session) -> dict[int, int]:
    """Sections per card id."""
    rows = session.execute(
        select(Section.card_id, func.count())
        .where(Section.card_id.is_not(None))
        .group_by(Section.card_id)
    )
    return {card_id: count for card_id, count in rows.all() if card_id is not None}


def sections_of(session: Session, transcript_id: int) -> list[tuple[Section, int, int]]:
    """A transcript's sections in reading order, with their first and last ordinals."""
    first = select(Segment.ordinal).where(Segment.id == Section.first_segment_id)
    last = select(Segment.ordinal).where(Segment.id == Section.last_segment_id)
    rows = session.execute(
        select(Section, first.scalar_subquery(), last.scalar_subquery())
        .where(Section.transcript_id == transcript_id)
        .order_by(first.scalar_subquery())
    )
    return [(section, first_ordinal, last_ordinal) for section, first_ordinal, last_ordinal in rows]


def section_turns(keys: Sequence[str] = ()) -> Subquery:
    """(segment_id, card) of every turn in a section of a card (of `keys`, if given): the
    turns a card table counts. The opening, before the first card, is in no card's section."""
    first, last = aliased(Segment), aliased(Segment)
    query = (
        select(Segment.id.label("segment_id"), Card.key.label("card"))
        .select_from(Section)
        .join(Card, Card.id == Section.card_id)
        .join(first, first.id == Section.first_segment_id)
        .join(last, last.id == Section.last_segment_id)
        .join(
            Segment,
            (Segment.transcript_id == Section.transcript_id)
            & (Segment.ordinal >= first.ordinal)
            & (Segment.ordinal <= last.ordinal),
        )
    )
    if keys:
        query = query.where(Card.key.in_(list(keys)))
    return query.subquery("card_turns")


def card_of_turns(session: Session, keys: Sequence[str] = ()) -> dict[int, str]:
    """Segment id -> card key of every turn in a section of a card (of `keys`, if given), in
    deck order."""
    turns = section_turns(keys)
    rows = session.execute(
        select(turns.c.segment_id, turns.c.card)
        .join(Card, Card.key == turns.c.card)
        .order_by(Card.id, turns.c.segment_id)
    )
    return {segment_id: card for segment_id, card in rows.all()}


def section_starts(session: Session, transcript_id: int, language: str) -> dict[int, dict]:
    """First segment id -> the section it opens (card key, statement in `language`, origin,
    score), as plain values; empty when no card section was found in the transcript."""
    rows = session.execute(
        select(Section.first_segment_id, Section.card_id, Section.origin, Section.score).where(
            Section.transcript_id == transcript_id
        )
    ).all()
    if not any(card_id is not None for _, card_id, _, _ in rows):
        return {}
    deck = {card.id: card for card in cards(session)}
    found = {}
    for segment_id, card_id, origin, score in rows:
        card = deck.get(card_id) if card_id is not None else None
        statement = card.statement if card is not None else {}
        text = statement.get(language) or statement.get("en") or next(iter(statement.values()), "")
        found[segment_id] = {
            "card_key": card.key if card is not None else None,
            "statement": text,
            "origin": origin,
            "score": score,
        }
    return found


def turn_ids(session: Session, transcript_id: int) -> list[int]:
    """A transcript's segment ids in reading order."""
    return list(
        session.scalars(
            select(Segment.id)
            .where(Segment.transcript_id == transcript_id)
            .order_by(Segment.ordinal)
        )
    )


def write_sections(
    session: Session,
    transcript_id: int,
    starts: Sequence[SectionStart],
    *,
    order: Sequence[int] | None = None,
) -> list[tuple[int, SectionStart, int]]:
    """Replace a transcript's sections with those opened by `starts` (any order); returns
    (section id, start, last segment id) of each, in reading order.

    The sections tile the transcript: each runs to the turn before the next start, the last
    to the final turn; turns before the first start form the opening (no card). `order` is
    the transcript's segment ids in reading order, when the caller has them.
    """
    order = list(order) if order is not None else turn_ids(session, transcript_id)
    session.execute(delete(Section).where(Section.transcript_id == transcript_id))
    if not order:
        return []
    position = {segment_id: index for index, segment_id in enumerate(order)}
    chosen = sorted(
        (start for start in starts if start.segment_id in position),
        key=lambda start: position[start.segment_id],
    )
    if not chosen or position[chosen[0].segment_id] > 0:
        chosen.insert(0, SectionStart(order[0], None, "detected"))
    lasts = [order[position[following.segment_id] - 1] for following in chosen[1:]] + [order[-1]]
    rows = [
        {
            "transcript_id": transcript_id,
            "card_id": start.card_id,
            "first_segment_id": start.segment_id,
            "last_segment_id": last,
            "origin": start.origin,
            "score": start.score,
        }
        for start, last in zip(chosen, lasts, strict=True)
    ]
    ids = session.scalars(
        insert(Section).returning(Section.id, sort_by_parameter_order=True), rows
    ).all()
    return list(zip(ids, chosen, lasts, strict=True))


@dataclass(frozen=True)
class TranscriptTurns:
    """A transcript's text and language with its turns' bounds, in reading order."""

    id: int
    title: str
    language: str
    text: str
    turns: list[Bounds]


def transcript_turns(session: Session, transcript_ids: Sequence[int]) -> list[TranscriptTurns]:
    """Each transcript (in the order given) with its turns' bounds, in two statements."""
    from qualcode.store.models import Transcript

    ids = list(transcript_ids)
    bounds: dict[int, list[Bounds]] = {transcript_id: [] for transcript_id in ids}
    rows = session.execute(
        select(
            Segment.transcript_id, Segment.id, Segment.ordinal, Segment.start_char, Segment.end_char
        )
        .where(Segment.transcript_id.in_(ids))
        .order_by(Segment.transcript_id, Segment.ordinal)
    )
    for transcript_id, segment_id, ordinal, start, end in rows:
        bounds[transcript_id].append(Bounds(segment_id, ordinal, start, end))
    texts = {
        row.id: row
        for row in session.execute(
            select(Transcript.id, Transcript.title, Transcript.language, Transcript.text).where(
                Transcript.id.in_(ids)
            )
        )
    }
    return [
        TranscriptTurns(i, texts[i].title, texts[i].language, texts[i].text, bounds[i])
        for i in ids
        if i in texts
    ]


def manual_starts(session: Session, transcript_ids: Sequence[int]) -> dict[int, list[SectionStart]]:
    """Section starts set by hand, per transcript."""
    found: dict[int, list[SectionStart]] = {}
    rows = session.scalars(
        select(Section).where(
            Section.transcript_id.in_(list(transcript_ids)), Section.origin == "manual"
        )
    )
    for section in rows:
        found.setdefault(section.transcript_id, []).append(
            SectionStart(section.first_segment_id, section.card_id, section.origin, section.score)
        )
    return found


def starts_of(session: Session, transcript_id: int) -> list[SectionStart]:
    """The stored section starts of a transcript."""
    return [
        SectionStart(section.first_segment_id, section.card_id, section.origin, section.score)
        for section, _, _ in sections_of(session, transcript_id)
    ]


def section_of_turns(session: Session, segment_ids: Sequence[int]) -> list[Section]:
    """Sections that begin or end at any of the segments."""
    if not segment_ids:
        return []
    return list(
        session.scalars(
            select(Section).where(
                Section.first_segment_id.in_(segment_ids) | Section.last_segment_id.in_(segment_ids)
            )
        )
    )


def follow_split(session: Session, segment_id: int, second_id: int) -> None:
    """A turn was split: a section that ended at it now ends at its second half."""
    for section in session.scalars(select(Section).where(Section.last_segment_id == segment_id)):
        section.last_segment_id = second_id
    session.flush()


def follow_join(session: Session, first: Segment, second_id: int) -> None:
    """`second_id` is about to be joined into `first` (and deleted).

    A section read in the second turn now starts at the joined turn (the reading is in it),
    so the section that held the first turn ends one turn earlier; if the first turn was all
    it held, it goes (undoing the join brings it back). A section that ended at the second
    turn now ends at the joined one.
    """
    opened = session.scalar(select(Section).where(Section.first_segment_id == second_id))
    if opened is not None:
        earlier = session.scalar(select(Section).where(Section.last_segment_id == first.id))
        if earlier is not None and earlier.first_segment_id == first.id:
            session.delete(earlier)
            session.flush()
        elif earlier is not None:
            before = session.scalar(
                select(Segment.id).where(
                    Segment.transcript_id == first.transcript_id,
                    Segment.ordinal == first.ordinal - 1,
                )
            )
            if before is not None:
                earlier.last_segment_id = before
        opened.first_segment_id = first.id
    for section in session.scalars(select(Section).where(Section.last_segment_id == second_id)):
        section.last_segment_id = first.id
    session.flush()


def card_turns(session: Session, card_id: int) -> list[CardTurn]:
    """Every turn in the sections of the card, in transcript and turn order."""
    from qualcode.store.models import Speaker, Transcript

    first, last = aliased(Segment), aliased(Segment)
    rows = session.execute(
        select(
            Segment.id,
            Transcript.id,
            Transcript.title,
            Transcript.department,
            Transcript.group_kind,
            Speaker.label,
            Speaker.role,
            Segment.word_count,
            func.substr(
                Transcript.text, Segment.start_char + 1, Segment.end_char - Segment.start_char
            ),
        )
        .select_from(Section)
        .join(first, first.id == Section.first_segment_id)
        .join(last, last.id == Section.last_segment_id)
        .join(
            Segment,
            (Segment.transcript_id == Section.transcript_id)
            & (Segment.ordinal >= first.ordinal)
            & (Segment.ordinal <= last.ordinal),
        )
        .join(Transcript, Transcript.id == Section.transcript_id)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Section.card_id == card_id)
        .order_by(Transcript.id, Segment.ordinal)
    )
    return [CardTurn(*row) for row in rows.all()]


def codings_on(
    session: Session, segment_ids: Sequence[int], codebook_id: int | None, layer: Layer
) -> list[tuple[int, str, int]]:
    """(segment id, code key, coder id) of the layer's codings on the segments (all coders:
    not the consensus layer nor a model's, as in every table), of the codebook's codes."""
    from qualcode.store.layers import layer_coders
    from qualcode.store.models import Code, Coding

    found: list[tuple[int, str, int]] = []
    ids = list(segment_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Coding.segment_id, Code.key, Coding.coder_id)
            .join(Code, Code.id == Coding.code_id)
            .where(
                Coding.segment_id.in_(ids[start : start + 500]),
                Coding.coder_id.in_(layer_coders(layer)),
                Code.codebook_id == codebook_id,
            )
        )
        found += [(segment_id, key, coder_id) for segment_id, key, coder_id in rows.all()]
    return found


def coded_scope(session: Session, transcript_ids: Sequence[int], layer: Layer) -> set[int]:
    """The transcripts among `transcript_ids` in the layer's coded scope: one of its coders
    coded there, or marked the transcript done (as `coded_transcripts` of the coded-turn
    summary, read here from the codings themselves)."""
    from qualcode.store.layers import layer_coders
    from qualcode.store.models import Coding, TranscriptDone

    ids = sorted(set(transcript_ids))
    found: set[int] = set()
    coders = layer_coders(layer)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            session.scalars(
                select(Segment.transcript_id)
                .join(Coding, Coding.segment_id == Segment.id)
                .where(Segment.transcript_id.in_(chunk), Coding.coder_id.in_(coders))
                .distinct()
            )
        )
        found.update(
            session.scalars(
                select(TranscriptDone.transcript_id).where(
                    TranscriptDone.transcript_id.in_(chunk), TranscriptDone.coder_id.in_(coders)
                )
            )
        )
    return found
