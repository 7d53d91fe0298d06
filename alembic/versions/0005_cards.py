"""statement cards and card sections

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00

``card`` is the study's deck (``statement`` per language as JSON, ``concepts`` as a JSON
list); ``section`` is the stretch of a transcript each card opens, from the turn where it
is read (``first_segment_id``) to the turn before the next card (``last_segment_id``); the
opening section has no card. Sections are deleted with their transcript; a deleted card
leaves its sections without a card.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("concepts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card")),
        sa.UniqueConstraint("key", name=op.f("uq_card_key")),
    )
    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("first_segment_id", sa.Integer(), nullable=False),
        sa.Column("last_segment_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcript.id"],
            name=op.f("fk_section_transcript_id_transcript"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["card.id"], name=op.f("fk_section_card_id_card"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["first_segment_id"],
            ["segment.id"],
            name=op.f("fk_section_first_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_segment_id"],
            ["segment.id"],
            name=op.f("fk_section_last_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section")),
        sa.UniqueConstraint("first_segment_id", name=op.f("uq_section_first_segment_id")),
    )
    op.create_index(op.f("ix_section_transcript_id"), "section", ["transcript_id"])
    op.create_index(op.f("ix_section_card_id"), "section", ["card_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_section_card_id"), table_name="section")
    op.drop_index(op.f("ix_section_transcript_id"), table_name="section")
    op.drop_table("section")
    op.drop_table("card")
