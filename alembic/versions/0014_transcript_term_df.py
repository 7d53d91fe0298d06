"""kept document frequencies of the suggester's IDF, per transcript

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:00:00

``transcript_term_df`` holds, per transcript, its number of turns and in how many of them
each codebook pattern norm is found (JSON), with the fingerprint of what they were counted
from (the matcher's patterns and pipeline, the language, the turns' offsets). The IDF of a
language is their sum, so only transcripts whose row is missing or stale are matched again
(`qualcode.services.corpus_idf`). A cache: it starts empty and is filled on first use.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "transcript_term_df",
        sa.Column(
            "transcript_id",
            sa.Integer(),
            sa.ForeignKey(
                "transcript.id",
                ondelete="CASCADE",
                name="fk_transcript_term_df_transcript_id_transcript",
            ),
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("df", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("transcript_id", name="pk_transcript_term_df"),
    )


def downgrade() -> None:
    op.drop_table("transcript_term_df")
