"""transcript text compressed with lz4 on PostgreSQL servers that have it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 20:00:00

A transcript's text (tens to hundreds of KB) is stored out of line and compressed (TOAST).
PostgreSQL's default method, pglz, took about 3.6 ms of server time per 240 KB file on an
import; lz4 takes about 0.9 ms (and reads back faster), for somewhat larger storage. Only
new values are compressed with lz4; stored texts stay as they are (PostgreSQL reads both).
Servers older than 14, or built without lz4, keep pglz: the method is a column setting,
offered only where ``default_toast_compression`` lists lz4. SQLite gets nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HAS_LZ4 = (
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def _postgres_with_lz4() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return bind.execute(sa.text(_HAS_LZ4)).first() is not None


def upgrade() -> None:
    if _postgres_with_lz4():
        op.execute("ALTER TABLE transcript ALTER COLUMN text SET COMPRESSION lz4")


def downgrade() -> None:
    if _postgres_with_lz4():
        op.execute("ALTER TABLE transcript ALTER COLUMN text SET COMPRESSION DEFAULT")
