"""REFI-QDA identity: GUIDs that came in from a peer file, and its sets, cases and variables

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00

A code, coder or coding imported from a REFI-QDA file keeps the GUID it came with
(``refi_guid``), and a coding the GUID of the PlainTextSelection that held it
(``refi_selection_guid``), so that an export gives them back unchanged; objects made in
qualcode have none and are exported with their stable GUIDs. ``code.color_given`` is false
for a code whose file gave no colour (qualcode shows a grey and exports none).
``refi_object`` keeps the file's variables, cases and code and document sets as they were
(members by GUID), to be exported again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN (no batch copy): a table copy would drop the triggers and the
# expression index that 0004 and 0001 put on these tables.
COLUMNS = (
    ("code", sa.Column("refi_guid", sa.String(36), nullable=True)),
    ("code", sa.Column("color_given", sa.Boolean(), nullable=False, server_default=sa.true())),
    ("coder", sa.Column("refi_guid", sa.String(36), nullable=True)),
    ("coding", sa.Column("refi_guid", sa.String(36), nullable=True)),
    ("coding", sa.Column("refi_selection_guid", sa.String(36), nullable=True)),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, column)
    op.create_table(
        "refi_object",
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("guid", name=op.f("pk_refi_object")),
    )


def downgrade() -> None:
    op.drop_table("refi_object")
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column.name)
