"""coded-turn summary: a coding marks its turn and code, so a refresh recounts only those cells

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 17:00:00

A mark in ``coding_summary_stale`` may now name the turn (``segment_id``) and the code
(``code_id``) a coding write touched; ``qualcode.store.coding_summary.refresh`` then recounts
only the summary cells that turn's speaker and that code's lineage can change, instead of the
whole transcript. Marks without a turn (a new transcript, a changed or deleted turn, a changed
code key or consensus flag) still recount their transcript. A write of many codings at once
marks their transcripts: on SQLite the triggers run per row and a transcript holding 64 marks
gets a whole-transcript mark instead (so a bulk insert costs a bounded check per row); on
PostgreSQL a statement of more than 64 codings marks its transcripts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALE = "coding_summary_stale"
CAP = 64  # segment marks per transcript (SQLite) or codings per statement (PostgreSQL)

_SQLITE_MARK = (
    "INSERT INTO coding_summary_stale (transcript_id, segment_id, code_id) "
    "SELECT s.transcript_id, "
    "CASE WHEN (SELECT COUNT(*) FROM coding_summary_stale AS m "
    f"WHERE m.transcript_id = s.transcript_id) >= {CAP} THEN NULL ELSE {{row}}.segment_id END, "
    "CASE WHEN (SELECT COUNT(*) FROM coding_summary_stale AS m "
    f"WHERE m.transcript_id = s.transcript_id) >= {CAP} THEN NULL ELSE {{row}}.code_id END "
    "FROM segment AS s WHERE s.id = {row}.segment_id AND NOT EXISTS "
    "(SELECT 1 FROM coding_summary_stale AS m WHERE m.transcript_id = s.transcript_id "
    "AND (m.segment_id IS NULL OR (m.segment_id = {row}.segment_id "
    "AND m.code_id = {row}.code_id)))"
)
_SQLITE_TRANSCRIPT_MARK = (
    "INSERT INTO coding_summary_stale (transcript_id) SELECT s.transcript_id FROM segment AS s "
    "WHERE s.id = {row}.segment_id AND NOT EXISTS "
    "(SELECT 1 FROM coding_summary_stale WHERE transcript_id = s.transcript_id)"
)


# A turn's change marks its transcript unless a transcript-wide mark is already there (0004
# checked for any mark, which a turn-and-code mark would now satisfy).
_SQLITE_SEGMENT_MARK = (
    "INSERT INTO coding_summary_stale (transcript_id) SELECT {transcript} WHERE NOT EXISTS "
    "(SELECT 1 FROM coding_summary_stale WHERE transcript_id = {transcript}{whole})"
)


def _sqlite_triggers(mark: str, whole: str) -> dict[str, str]:
    update = _SQLITE_SEGMENT_MARK.format(transcript="new.transcript_id", whole=whole)
    delete = _SQLITE_SEGMENT_MARK.format(transcript="old.transcript_id", whole=whole)
    return {
        "segment_summary_update": "AFTER UPDATE OF speaker_id, word_count, start_char, end_char "
        f"ON segment BEGIN {update}; END",
        "segment_summary_delete": f"AFTER DELETE ON segment BEGIN {delete}; END",
        "coding_summary_insert": f"AFTER INSERT ON coding BEGIN {mark.format(row='new')}; END",
        "coding_summary_delete": f"AFTER DELETE ON coding BEGIN {mark.format(row='old')}; END",
        "coding_summary_update": "AFTER UPDATE OF coder_id, code_id, segment_id, start_char, "
        f"end_char ON coding BEGIN {mark.format(row='old')}; {mark.format(row='new')}; END",
    }


def _pg_marks(rows: str) -> str:
    return f"""
    IF (SELECT COUNT(*) FROM (SELECT 1 FROM {rows} LIMIT {CAP + 1}) AS few) <= {CAP} THEN
      INSERT INTO coding_summary_stale (transcript_id, segment_id, code_id)
      SELECT DISTINCT s.transcript_id, r.segment_id, r.code_id
      FROM {rows} AS r JOIN segment AS s ON s.id = r.segment_id;
    ELSE
      INSERT INTO coding_summary_stale (transcript_id)
      SELECT DISTINCT s.transcript_id FROM {rows} AS r JOIN segment AS s ON s.id = r.segment_id;
    END IF;"""


_PG_MARK = f"""
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN{_pg_marks("new_rows")}
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN{_pg_marks("old_rows")}
  END IF;
  RETURN NULL;
END"""
_PG_TRANSCRIPT_MARK = """
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO coding_summary_stale (transcript_id)
    SELECT DISTINCT s.transcript_id FROM new_rows AS n JOIN segment AS s ON s.id = n.segment_id;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO coding_summary_stale (transcript_id)
    SELECT DISTINCT s.transcript_id FROM old_rows AS o JOIN segment AS s ON s.id = o.segment_id;
  END IF;
  RETURN NULL;
END"""


def _set_triggers(*, segments: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        body = _PG_MARK if segments else _PG_TRANSCRIPT_MARK
        op.execute(
            f"CREATE OR REPLACE FUNCTION coding_summary_mark() RETURNS trigger "
            f"LANGUAGE plpgsql AS $${body}$$"
        )
        return
    mark = _SQLITE_MARK if segments else _SQLITE_TRANSCRIPT_MARK
    whole = " AND segment_id IS NULL" if segments else ""
    for name, definition in _sqlite_triggers(mark, whole).items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {definition}")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): a table copy would drop the index on the marks.
    op.add_column(STALE, sa.Column("segment_id", sa.Integer(), nullable=True))
    op.add_column(STALE, sa.Column("code_id", sa.Integer(), nullable=True))
    _set_triggers(segments=True)


def downgrade() -> None:
    _set_triggers(segments=False)
    op.execute(
        "INSERT INTO coding_summary_stale (transcript_id) "
        "SELECT DISTINCT transcript_id FROM coding_summary_stale WHERE segment_id IS NOT NULL"
    )
    op.execute("DELETE FROM coding_summary_stale WHERE segment_id IS NOT NULL")
    op.drop_column(STALE, "code_id")
    op.drop_column(STALE, "segment_id")
