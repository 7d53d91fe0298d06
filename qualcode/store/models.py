"""SQLAlchemy 2 typed models: the tables named in DESIGN.md (the names are a contract).

The tables of the everyday commands are Core tables in `qualcode.store.tables`, mapped here;
the others are declared here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from qualcode.store import tables
from qualcode.store.tables import now as _now


class Base(DeclarativeBase):
    metadata = tables.metadata
    type_annotation_map = {dict: JSON, list: JSON}  # noqa: RUF012 - SQLAlchemy API


class Transcript(Base):
    __table__ = tables.transcript

    id: Mapped[int]
    title: Mapped[str]
    source_name: Mapped[str]
    sha256: Mapped[str]
    text: Mapped[str]
    language: Mapped[str]
    department: Mapped[str | None]
    group_kind: Mapped[str | None]
    recorded_on: Mapped[date | None]
    attributes: Mapped[dict]
    imported_at: Mapped[datetime]

    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", passive_deletes=True
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Segment.ordinal",
    )


class Speaker(Base):
    __table__ = tables.speaker

    id: Mapped[int]
    transcript_id: Mapped[int]
    label: Mapped[str]
    role: Mapped[str | None]

    transcript: Mapped[Transcript] = relationship(back_populates="speakers")


class Segment(Base):
    __table__ = tables.segment

    id: Mapped[int]
    transcript_id: Mapped[int]
    speaker_id: Mapped[int | None]
    ordinal: Mapped[int]
    start_char: Mapped[int]
    end_char: Mapped[int]
    word_count: Mapped[int]
    start_time: Mapped[float | None]
    end_time: Mapped[float | None]

    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    speaker: Mapped[Speaker | None] = relationship()


class Codebook(Base):
    __table__ = tables.codebook

    id: Mapped[int]
    name: Mapped[str]
    title: Mapped[str]
    version: Mapped[int]
    content_hash: Mapped[str]
    source_path: Mapped[str | None]
    favourites: Mapped[list]
    loaded_at: Mapped[datetime]


class Code(Base):
    __table__ = tables.code

    id: Mapped[int]
    codebook_id: Mapped[int]
    key: Mapped[str]
    name: Mapped[str]
    parent_id: Mapped[int | None]
    definition: Mapped[str]
    include: Mapped[list]
    exclude: Mapped[list]
    examples: Mapped[list]
    terms: Mapped[dict]
    color: Mapped[str]
    is_open: Mapped[bool]
    retired: Mapped[bool]
    sort_order: Mapped[int]
    created_by: Mapped[int | None]
    refi_guid: Mapped[str | None]
    color_given: Mapped[bool]


class Coder(Base):
    __table__ = tables.coder

    id: Mapped[int]
    name: Mapped[str]
    role: Mapped[str]
    is_consensus: Mapped[bool]
    refi_guid: Mapped[str | None]


class Coding(Base):
    __table__ = tables.coding

    id: Mapped[int]
    coder_id: Mapped[int]
    code_id: Mapped[int]
    segment_id: Mapped[int]
    start_char: Mapped[int | None]
    end_char: Mapped[int | None]
    origin: Mapped[str]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    memo: Mapped[str | None]
    refi_guid: Mapped[str | None]
    refi_selection_guid: Mapped[str | None]


class TranscriptDone(Base):
    """A coder's mark that they finished coding a transcript (it is in their coded scope)."""

    __tablename__ = "transcript_done"

    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Suggestion(Base):
    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("segment_id", "code_id", "coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Memo(Base):
    __tablename__ = "memo"

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(20))  # project | transcript | segment | code
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


class Adjudication(Base):
    """A supervisor's decision on a disagreement, with what it replaced (for undo and audit)."""

    __tablename__ = "adjudication"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="SET NULL"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(40))
    applied: Mapped[list] = mapped_column(default=list)
    replaced: Mapped[list] = mapped_column(default=list)
    memo: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Setting(Base):
    """Project-wide settings such as blind mode and the active codebook."""

    __table__ = tables.setting

    key: Mapped[str]
    value: Mapped[dict]


class RefiObject(Base):
    """A variable, case, set or coded selection of a REFI-QDA file, kept to be exported again.

    `payload` holds what the kind needs: a variable's type; a case's variable values and
    source and selection GUIDs; a set's description and member code and source GUIDs; a
    selection's name and the stamps the file gave it (creationDateTime, ...).
    """

    __tablename__ = "refi_object"

    guid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # variable | case | set
    name: Mapped[str] = mapped_column(String(300))
    ordinal: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(default=dict)


class SuggestModel(Base):
    """A trained suggestion model, kept with its version and a summary of the data it saw."""

    __tablename__ = "suggest_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    layer: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8))
    n_examples: Mapped[int] = mapped_column(Integer)
    data_summary: Mapped[dict] = mapped_column(default=dict)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Card(Base):
    """A statement card of the study's deck: its statement per language, as JSON."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    statement: Mapped[dict] = mapped_column(default=dict)
    concepts: Mapped[list] = mapped_column(default=list)


class Section(Base):
    """The turns from a card's reading to the turn before the next card (card null: the
    opening). `origin` is detected or manual; `score` is the detection's."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    card_id: Mapped[int | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL"), index=True
    )
    first_segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), unique=True
    )
    last_segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(20), default="detected")
    score: Mapped[float | None] = mapped_column(Float)


class QuoteChoice(Base):
    """A supervisor's choice for the department reports: pin a turn to a code, or exclude it."""

    __tablename__ = "quote_choice"
    __table_args__ = (UniqueConstraint("code_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(10))  # pin | exclude
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class MatrixCell(Base):
    """A researcher-written summary in a framework matrix cell (Gale et al. 2013)."""

    __tablename__ = "matrix_cell"
    __table_args__ = (UniqueConstraint("row_kind", "row_key", "column_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    row_kind: Mapped[str] = mapped_column(String(20))  # transcript | speaker | department
    row_key: Mapped[str] = mapped_column(String(300))
    column_key: Mapped[str] = mapped_column(String(200))  # a code key
    summary: Mapped[str] = mapped_column(Text, default="")
    quotes: Mapped[list] = mapped_column(default=list)  # segment ids behind the summary
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
