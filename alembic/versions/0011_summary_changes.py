"""coded-turn summary: a coding's mark says which coder's coding came or went

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 05:15:00

A mark of a coding write (``segment_id``, ``code_id``, revision 0009) now also names the coder
(``coder_id``) and whether the coding came (``change`` = 1) or went (-1), one mark per coding
written (0009 kept one per turn and code). ``qualcode.store.coding_summary.refresh`` then
applies each marked turn's change to the summary cells (the turn's codings now, against the
same codings less what the marks say came and plus what went) instead of recounting the
cells over every turn of that speaker. A mark without a change (written before this
revision) recounts its transcript. Bulk writes still mark their transcripts whole (more
than 64 marks of a transcript on SQLite, more than 64 codings in a statement on
PostgreSQL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALE = "coding_summary_stale"
CAP = 64  # marks per transcript (SQLite) or codings per statement (PostgreSQL)


def _sqlite_mark(row: str, change: int | None) -> str:
    """One mark per coding row; a transcript with CAP marks gets a whole-transcript mark,
    after which its coding writes add none."""
    if change is None:  # 0009's mark: one per turn and code
        return (
            "INSERT INTO coding_summary_stale (transcript_id, segment_id, code_id) "
            "SELECT s.transcript_id, "
            "CASE WHEN (SELECT COUNT(*) FROM coding_summary_stale AS m "
            f"WHERE m.transcript_id = s.transcript_id) >= {CAP} THEN NULL ELSE {row}.segment_id "
            "END, CASE WHEN (SELECT COUNT(*) FROM coding_summary_stale AS m "
            f"WHERE m.transcript_id = s.transcript_id) >= {CAP} THEN NULL ELSE {row}.code_id END "
            f"FROM segment AS s WHERE s.id = {row}.segment_id AND NOT EXISTS "
            "(SELECT 1 FROM coding_summary_stale AS m WHERE m.transcript_id = s.transcript_id "
            f"AND (m.segment_id IS NULL OR (m.segment_id = {row}.segment_id "
            f"AND m.code_id = {row}.code_id)))"
        )
    full = (
        "(SELECT COUNT(*) FROM coding_summary_stale AS m "
        f"WHERE m.transcript_id = s.transcript_id) >= {CAP}"
    )
    return (
        "INSERT INTO coding_summary_stale (transcript_id, segment_id, code_id, coder_id, change) "
        f"SELECT s.transcript_id, CASE WHEN {full} THEN NULL ELSE {row}.segment_id END, "
        f"CASE WHEN {full} THEN NULL ELSE {row}.code_id END, "
        f"CASE WHEN {full} THEN NULL ELSE {row}.coder_id END, "
        f"CASE WHEN {full} THEN NULL ELSE {change} END "
        f"FROM segment AS s WHERE s.id = {row}.segment_id AND NOT EXISTS "
        "(SELECT 1 FROM coding_summary_stale AS m WHERE m.transcript_id = s.transcript_id "
        "AND m.segment_id IS NULL)"
    )


def _sqlite_triggers(changes: bool) -> dict[str, str]:
    new = _sqlite_mark("new", 1 if changes else None)
    old = _sqlite_mark("old", -1 if changes else None)
    return {
        "coding_summary_insert": f"AFTER INSERT ON coding BEGIN {new}; END",
        "coding_summary_delete": f"AFTER DELETE ON coding BEGIN {old}; END",
        "coding_summary_update": "AFTER UPDATE OF coder_id, code_id, segment_id, start_char, "
        f"end_char ON coding BEGIN {old}; {new}; END",
    }


def _pg_marks(rows: str, change: int | None) -> str:
    if change is None:
        columns, values = "", ""
        distinct = "DISTINCT "
    else:
        columns, values, distinct = ", coder_id, change", f", r.coder_id, {change}", ""
    return f"""
    IF (SELECT COUNT(*) FROM (SELECT 1 FROM {rows} LIMIT {CAP + 1}) AS few) <= {CAP} THEN
      INSERT INTO coding_summary_stale (transcript_id, segment_id, code_id{columns})
      SELECT {distinct}s.transcript_id, r.segment_id, r.code_id{values}
      FROM {rows} AS r JOIN segment AS s ON s.id = r.segment_id;
    ELSE
      INSERT INTO coding_summary_stale (transcript_id)
      SELECT DISTINCT s.transcript_id FROM {rows} AS r JOIN segment AS s ON s.id = r.segment_id;
    END IF;"""


def _pg_mark(changes: bool) -> str:
    came = _pg_marks("new_rows", 1 if changes else None)
    went = _pg_marks("old_rows", -1 if changes else None)
    return f"""
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN{came}
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN{went}
  END IF;
  RETURN NULL;
END"""


def _set_triggers(*, changes: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION coding_summary_mark() RETURNS trigger "
            f"LANGUAGE plpgsql AS $${_pg_mark(changes)}$$"
        )
        return
    for name, definition in _sqlite_triggers(changes).items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {definition}")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): a table copy would drop the index on the marks.
    op.add_column(STALE, sa.Column("coder_id", sa.Integer(), nullable=True))
    op.add_column(STALE, sa.Column("change", sa.SmallInteger(), nullable=True))
    _set_triggers(changes=True)


def downgrade() -> None:
    _set_triggers(changes=False)
    op.execute(
        "INSERT INTO coding_summary_stale (transcript_id) "
        "SELECT DISTINCT transcript_id FROM coding_summary_stale WHERE change IS NOT NULL"
    )
    op.execute("DELETE FROM coding_summary_stale WHERE change IS NOT NULL")
    op.drop_column(STALE, "change")
    op.drop_column(STALE, "coder_id")
