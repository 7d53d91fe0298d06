"""SQLAlchemy 2 typed models: the tables named in DESIGN.md (the names are a contract)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict: JSON, list: JSON}  # noqa: RUF012 - SQLAlchemy API


def _now() -> datetime:
    return datetime.now().astimezone()


class Transcript(Base):
    __tablename__ = "transcript"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    source_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    group_kind: Mapped[str | None] = mapped_column(String(100))
    recorded_on: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

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
    __tablename__ = "speaker"
    __table_args__ = (UniqueConstraint("transcript_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))

    transcript: Mapped[Transcript] = relationship(back_populates="speakers")


class Segment(Base):
    __tablename__ = "segment"
    __table_args__ = (Index("ix_segment_transcript_ordinal", "transcript_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("speaker.id", ondelete="SET NULL"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    start_time: Mapped[float | None] = mapped_column(Float)
    end_time: Mapped[float | None] = mapped_column(Float)

    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    speaker: Mapped[Speaker | None] = relationship()


class Codebook(Base):
    __tablename__ = "codebook"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(String(1000))
    favourites: Mapped[list] = mapped_column(default=list)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Code(Base):
    __tablename__ = "code"
    __table_args__ = (UniqueConstraint("codebook_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebook.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="SET NULL"))
    definition: Mapped[str] = mapped_column(Text, default="")
    include: Mapped[list] = mapped_column(default=list)
    exclude: Mapped[list] = mapped_column(default=list)
    examples: Mapped[list] = mapped_column(default=list)
    terms: Mapped[dict] = mapped_column(default=dict)
    color: Mapped[str] = mapped_column(String(16), default="#888888")
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"))
    # From a REFI-QDA file: its GUID there, and whether the file gave a colour.
    refi_guid: Mapped[str | None] = mapped_column(String(36))
    color_given: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Coder(Base):
    __tablename__ = "coder"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="coder")
    is_consensus: Mapped[bool] = mapped_column(Boolean, default=False)
    refi_guid: Mapped[str | None] = mapped_column(String(36))


class Coding(Base):
    __tablename__ = "coding"

    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    start_char: Mapped[int | None] = mapped_column(Integer)
    end_char: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    memo: Mapped[str | None] = mapped_column(Text)
    # From a REFI-QDA file: the Coding's GUID and its PlainTextSelection's.
    refi_guid: Mapped[str | None] = mapped_column(String(36))
    refi_selection_guid: Mapped[str | None] = mapped_column(String(36))


# A whole-turn coding has NULL span columns; NULLs never collide in a unique index, so the
# index coalesces them to -1 (portable: SQLite and PostgreSQL both index expressions).
Index(
    "uq_coding_layer_unit",
    Coding.coder_id,
    Coding.code_id,
    Coding.segment_id,
    func.coalesce(Coding.start_char, -1),
    func.coalesce(Coding.end_char, -1),
    unique=True,
)


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

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(default=dict)


class RefiObject(Base):
    """A variable, case or set of a REFI-QDA file, kept to be exported again.

    `payload` holds what the kind needs: a variable's type; a case's variable values and
    source and selection GUIDs; a set's description and member code and source GUIDs.
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
