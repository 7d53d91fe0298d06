"""report choices: pinned or excluded quotes, and framework-matrix summaries

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:10:00

``quote_choice`` keeps a supervisor's pins and exclusions of quotes per code for the
department reports; ``matrix_cell`` keeps the researcher-written summaries of framework
matrix cells (row kind and key, a code key as column) with the quotes behind them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quote_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["code.id"], name=op.f("fk_quote_choice_code_id_code"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_quote_choice_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_quote_choice_coder_id_coder"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_choice")),
        sa.UniqueConstraint(
            "code_id", "segment_id", name=op.f("uq_quote_choice_code_id_segment_id")
        ),
    )
    op.create_index(op.f("ix_quote_choice_code_id"), "quote_choice", ["code_id"])
    op.create_table(
        "matrix_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_kind", sa.String(length=20), nullable=False),
        sa.Column("row_key", sa.String(length=300), nullable=False),
        sa.Column("column_key", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_matrix_cell_coder_id_coder"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matrix_cell")),
        sa.UniqueConstraint(
            "row_kind",
            "row_key",
            "column_key",
            name=op.f("uq_matrix_cell_row_kind_row_key_column_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("matrix_cell")
    op.drop_index(op.f("ix_quote_choice_code_id"), table_name="quote_choice")
    op.drop_table("quote_choice")
