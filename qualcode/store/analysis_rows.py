"""What every analysis reads before it counts, in SQLAlchemy Core: the active codebook and its
codes, the coders, the transcripts' and speakers' facts, a setting, the deck's card keys.

`qualcode freq` reads these and the coded-turn summary on Core, without importing the ORM or
mapping the models. Each function takes a Core connection or an ORM session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, Integer, String, column, select, table

from qualcode.domain.counts import TranscriptFacts
from qualcode.store.coding_rows import ACTIVE_CODEBOOK_ID
from qualcode.store.tables import code, codebook, coder, setting, speaker, transcript

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

card = table("card", column("id", Integer), column("key", String))


class CodebookRow(NamedTuple):
    id: int
    name: str
    version: int


def active_codebook(session: Connection | Session) -> CodebookRow | None:
    """The codebook named in the settings, else the most recently loaded one."""
    query = select(codebook.c.id, codebook.c.name, codebook.c.version).where(
        codebook.c.id == ACTIVE_CODEBOOK_ID
    )
    row = session.execute(query).first()
    return None if row is None else CodebookRow(*row)


def get_setting(session: Connection | Session, key: str) -> dict[str, Any] | None:
    """The value of a project setting, or None."""
    return session.scalar(select(setting.c.value).where(setting.c.key == key))


def card_keys(session: Connection | Session) -> list[str]:
    """The keys of the deck's cards, in deck order."""
    return list(session.scalars(select(card.c.key).order_by(card.c.id)))


def codes_in_order(session: Connection | Session, codebook_id: int) -> list[tuple[int, str, str]]:
    """(id, key, name) of the codebook's codes in codebook order."""
    query = (
        select(code.c.id, code.c.key, code.c.name)
        .where(code.c.codebook_id == codebook_id)
        .order_by(code.c.sort_order, code.c.key)
    )
    return [(code_id, key, name) for code_id, key, name in session.execute(query)]


def coders(session: Connection | Session) -> list[tuple[int, str, bool]]:
    """(id, name, is_consensus) of every coder, by name."""
    query = select(coder.c.id, coder.c.name, coder.c.is_consensus).order_by(coder.c.name)
    return [(coder_id, name, bool(flag)) for coder_id, name, flag in session.execute(query)]


def transcript_facts(session: Connection | Session) -> dict[int, TranscriptFacts]:
    query = select(
        transcript.c.id, transcript.c.title, transcript.c.department, transcript.c.group_kind
    )
    return {row[0]: TranscriptFacts(*row) for row in session.execute(query)}


def speaker_labels(session: Connection | Session) -> dict[int, str]:
    return {
        speaker_id: label
        for speaker_id, label in session.execute(select(speaker.c.id, speaker.c.label))
    }


def speaker_roles(session: Connection | Session) -> dict[int, str | None]:
    return {
        speaker_id: role
        for speaker_id, role in session.execute(select(speaker.c.id, speaker.c.role))
    }
