"""full-text search over segment text (PostgreSQL tsvector)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00

On PostgreSQL, ``segment_search`` holds one ``tsvector`` per segment with a GIN index on it.
A GIN expression index on ``segment`` cannot reach ``transcript.text`` (another table), so the
vectors live in their own table, filled lazily by ``qualcode.store.search.catch_up`` before
each search (Python slices the turn out of the transcript text; imports stay as fast as
before), and dropped with their segment by ``ON DELETE CASCADE``.

Each row is stamped with the ``start_char``/``end_char`` it was built from. A segment's text is
a function of its offsets (the transcript text never changes and a segment never moves to
another transcript), so a row whose stamp differs from its segment's offsets (after a split or
a join) is stale: searches ignore it and the next catch-up rebuilds it. This replaces a
trigger: nothing runs on segment writes, and a catch-up racing a split in another transaction
(PostgreSQL's READ COMMITTED) can never leave a stale vector that looks current.

Vectors use the ``simple`` configuration (lower-cased words, no stemming, no stop words): the
matching of SQLite's FTS5 ``unicode61`` tokenizer, so a search finds the same turns on both
backends and after ``qualcode transfer`` (except accents: FTS5 folds them, ``simple`` keeps
them, and folding would need the ``unaccent`` extension). Per-language configurations
(english, danish, norwegian, from ``transcript.language``) would stem, but they also drop
stop words: measured on PostgreSQL 15, ``phraseto_tsquery`` turns ``"ikke tid"`` (danish,
"no time") into just ``'tid'`` and ``"no time"`` (english) into ``'time'``, so the phrases a
study of time at work searches for would find every turn about time. Results would also
differ from SQLite's; a trailing ``*`` asks for inflected forms explicitly instead.

SQLite gets nothing (it has FTS5 from revision 0002).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "segment_search"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        TABLE,
        sa.Column(
            "segment_id",
            sa.Integer(),
            sa.ForeignKey("segment.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index("ix_segment_search_document", TABLE, ["document"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table(TABLE)
