"""full-text search over segment text (SQLite FTS5)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00

On SQLite with FTS5 compiled in, ``segment_fts`` holds each segment's text under the
segment's id (its rowid). A segment's text is always ``transcript.text[start_char:end_char]``
and the transcript text never changes, so triggers on ``segment`` drop the entry of a deleted
segment and re-index one whose offsets change (split, join). New segments are indexed lazily
by ``qualcode.store.search.catch_up`` before each search: an insert trigger would cut each
segment out of the whole transcript text in SQL (substr scans the UTF-8 from the start) and
made imports twice as slow. PostgreSQL (and SQLite without FTS5) get nothing: search there
falls back to a portable substring query.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's substr counts characters from 1, as Python's str offsets count code points from 0.
_TEXT = (
    "SELECT new.id, substr(t.text, new.start_char + 1, new.end_char - new.start_char) "
    "FROM transcript AS t WHERE t.id = new.transcript_id"
)
STATEMENTS = (
    "CREATE VIRTUAL TABLE segment_fts USING fts5(text)",
    "INSERT INTO segment_fts(rowid, text) "
    "SELECT s.id, substr(t.text, s.start_char + 1, s.end_char - s.start_char) "
    "FROM segment AS s JOIN transcript AS t ON t.id = s.transcript_id",
    "CREATE TRIGGER segment_fts_delete AFTER DELETE ON segment BEGIN "
    "DELETE FROM segment_fts WHERE rowid = old.id; END",
    f"CREATE TRIGGER segment_fts_update AFTER UPDATE OF start_char, end_char, transcript_id "
    f"ON segment BEGIN DELETE FROM segment_fts WHERE rowid = old.id; "
    f"INSERT INTO segment_fts(rowid, text) {_TEXT}; END",
)
DROPS = (
    "DROP TRIGGER IF EXISTS segment_fts_update",
    "DROP TRIGGER IF EXISTS segment_fts_delete",
    "DROP TABLE IF EXISTS segment_fts",
)


def _has_fts5() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    return bool(bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar())


def upgrade() -> None:
    if _has_fts5():
        for statement in STATEMENTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROPS:
            op.execute(statement)
