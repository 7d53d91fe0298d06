"""The tables that the everyday commands read and write, as SQLAlchemy Core tables.

`qualcode code`, `uncode` and the other short commands run on Core alone: importing the
ORM and mapping every model costs more than the command's own work. `qualcode.store.models`
maps its classes onto these tables (the ORM paths see the same schema); the other tables
are declared there. The names are a contract (see DESIGN.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    true,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def now() -> datetime:
    return datetime.now().astimezone()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _required(name: str, type_: object, **options: object) -> Column:
    return Column(name, type_, nullable=False, **options)  # type: ignore[arg-type]


def _stamp(name: str, **options: object) -> Column[datetime]:
    return Column(name, DateTime(timezone=True), nullable=False, default=now, **options)  # type: ignore[arg-type]


transcript = Table(
    "transcript",
    metadata,
    _id(),
    _required("title", String(300)),
    _required("source_name", String(500)),
    _required("sha256", String(64), unique=True),
    _required("text", Text),
    _required("language", String(8), default="en"),
    Column("department", String(200), index=True),
    Column("group_kind", String(100)),
    Column("recorded_on", Date),
    _required("attributes", JSON, default=dict),
    _stamp("imported_at"),
)

speaker = Table(
    "speaker",
    metadata,
    _id(),
    _required("transcript_id", ForeignKey("transcript.id", ondelete="CASCADE"), index=True),
    _required("label", String(200)),
    Column("role", String(200)),
    UniqueConstraint("transcript_id", "label"),
)

segment = Table(
    "segment",
    metadata,
    _id(),
    _required("transcript_id", ForeignKey("transcript.id", ondelete="CASCADE")),
    Column("speaker_id", ForeignKey("speaker.id", ondelete="SET NULL"), index=True),
    _required("ordinal", Integer),
    _required("start_char", Integer),
    _required("end_char", Integer),
    _required("word_count", Integer, default=0),
    Column("start_time", Float),
    Column("end_time", Float),
    Index("ix_segment_transcript_ordinal", "transcript_id", "ordinal"),
)

codebook = Table(
    "codebook",
    metadata,
    _id(),
    _required("name", String(200), unique=True),
    _required("title", String(300), default=""),
    _required("version", Integer, default=1),
    _required("content_hash", String(64)),
    Column("source_path", String(1000)),
    _required("favourites", JSON, default=list),
    _stamp("loaded_at"),
)

code = Table(
    "code",
    metadata,
    _id(),
    _required("codebook_id", ForeignKey("codebook.id", ondelete="CASCADE")),
    _required("key", String(200)),
    _required("name", String(200)),
    Column("parent_id", ForeignKey("code.id", ondelete="SET NULL")),
    _required("definition", Text, default=""),
    _required("include", JSON, default=list),
    _required("exclude", JSON, default=list),
    _required("examples", JSON, default=list),
    _required("terms", JSON, default=dict),
    _required("color", String(16), default="#888888"),
    _required("is_open", Boolean, default=False),
    _required("retired", Boolean, default=False),
    _required("sort_order", Integer, default=0),
    Column("created_by", ForeignKey("coder.id", ondelete="SET NULL")),
    # From a REFI-QDA file: its GUID there, and whether the file gave a colour.
    Column("refi_guid", String(36)),
    _required("color_given", Boolean, default=True, server_default=true()),
    UniqueConstraint("codebook_id", "key"),
)

coder = Table(
    "coder",
    metadata,
    _id(),
    _required("name", String(100), unique=True),
    _required("role", String(20), default="coder"),
    _required("is_consensus", Boolean, default=False),
    Column("refi_guid", String(36)),
)

coding = Table(
    "coding",
    metadata,
    _id(),
    _required("coder_id", ForeignKey("coder.id", ondelete="CASCADE"), index=True),
    _required("code_id", ForeignKey("code.id", ondelete="CASCADE"), index=True),
    _required("segment_id", ForeignKey("segment.id", ondelete="CASCADE"), index=True),
    Column("start_char", Integer),
    Column("end_char", Integer),
    _required("origin", String(20), default="manual"),
    _stamp("created_at"),
    _stamp("updated_at", onupdate=now),
    Column("memo", Text),
    # From a REFI-QDA file: the Coding's GUID and its PlainTextSelection's.
    Column("refi_guid", String(36)),
    Column("refi_selection_guid", String(36)),
)

# A whole-turn coding has NULL span columns; NULLs never collide in a unique index, so the
# index coalesces them to -1 (portable: SQLite and PostgreSQL both index expressions).
Index(
    "uq_coding_layer_unit",
    coding.c.coder_id,
    coding.c.code_id,
    coding.c.segment_id,
    func.coalesce(coding.c.start_char, -1),
    func.coalesce(coding.c.end_char, -1),
    unique=True,
)

# Project-wide settings such as blind mode and the active codebook.
setting = Table(
    "setting",
    metadata,
    Column("key", String(100), primary_key=True),
    _required("value", JSON, default=dict),
)
