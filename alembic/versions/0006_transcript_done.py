"""done marks: a coder marks a transcript done; the all-coders summary layer leaves out consensus

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00

``transcript_done`` holds one row per (transcript, coder) that the coder marked done: the
transcript is then in that coder's coded scope (`qualcode.domain.scope`) even with no
coding in it. The all-coders layer of ``coding_summary`` (layer 0) no longer counts the
consensus coders' codings (they have their own layer, -1), so every transcript is marked
for a recount.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARK_ALL = "INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM transcript"


def upgrade() -> None:
    op.create_table(
        "transcript_done",
        sa.Column(
            "transcript_id",
            sa.Integer(),
            sa.ForeignKey(
                "transcript.id",
                ondelete="CASCADE",
                name="fk_transcript_done_transcript_id_transcript",
            ),
            nullable=False,
        ),
        sa.Column(
            "coder_id",
            sa.Integer(),
            sa.ForeignKey("coder.id", ondelete="CASCADE", name="fk_transcript_done_coder_id_coder"),
            nullable=False,
        ),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("transcript_id", "coder_id", name="pk_transcript_done"),
    )
    op.create_index("ix_transcript_done_coder_id", "transcript_done", ["coder_id"])
    op.execute(_MARK_ALL)


def downgrade() -> None:
    op.drop_index("ix_transcript_done_coder_id", table_name="transcript_done")
    op.drop_table("transcript_done")
    op.execute(_MARK_ALL)
