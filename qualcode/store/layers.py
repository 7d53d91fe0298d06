"""SQL for the layer and scope vocabulary of `qualcode.domain`: whose codings, which turns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    column,
    func,
    or_,
    select,
    table,
)

from qualcode.domain.layer import MODEL_ROLE, Layer, LayerKind
from qualcode.domain.scope import TurnScope
from qualcode.store.tables import coder, coding, speaker

if TYPE_CHECKING:  # Core tables: `qualcode freq` counts without the ORM
    from sqlalchemy.orm import InstrumentedAttribute, Session

# A coder's done marks put a transcript in that coder's coded scope (docs/analysis.md).
transcript_done = table(
    "transcript_done",
    column("transcript_id", Integer),
    column("coder_id", Integer),
)


def layer_coders(layer: Layer) -> Select[int]:
    """The ids of the coders whose codings make up a coder layer (all: every coder but the
    consensus layer and the models' layers; a model: its coder row `model:<version>`)."""
    query = select(coder.c.id)
    if layer.kind is LayerKind.CODER:
        return query.where(coder.c.name == layer.name)
    if layer.kind is LayerKind.CONSENSUS:
        return query.where(coder.c.is_consensus.is_(True))
    if layer.kind is LayerKind.MODEL:
        return query.where(coder.c.name == layer.text, coder.c.role == MODEL_ROLE)
    return query.where(coder.c.is_consensus.is_(False), coder.c.role != MODEL_ROLE)


def layer_coder_ids(session: Connection | Session, layer: Layer) -> list[int]:
    return list(session.scalars(layer_coders(layer).order_by(coder.c.id)))


def coding_layer_filter(layer: Layer) -> list[ColumnElement[bool]]:
    """Keep the codings of the layer."""
    return [coding.c.coder_id.in_(layer_coders(layer))]


def moderator_speakers(scope: TurnScope) -> Select[int]:
    """Ids of the speakers whose turns the scope leaves out (moderator roles)."""
    role = func.lower(func.trim(speaker.c.role))
    return select(speaker.c.id).where(role.in_(scope.excluded_roles))


def participant_turns(
    speaker_id: InstrumentedAttribute[int | None] | ColumnElement[int], scope: TurnScope
) -> list[ColumnElement[bool]]:
    """Keep the turns the moderator rule keeps (a turn without a speaker is kept)."""
    if not scope.excluded_roles:
        return []
    return [or_(speaker_id.is_(None), speaker_id.not_in(moderator_speakers(scope)))]
