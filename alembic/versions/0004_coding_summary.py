"""coded-turn summary: counts per code, layer, transcript and speaker, kept fresh lazily

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00

``coding_summary`` holds, for every code (rolled up: a code also counts the turns its
descendants coded) and coder layer, the distinct coded turns and their words per transcript
and speaker. Layer is a coder id, 0 for "any coder" and -1 for "any consensus coder".
``turn_summary`` holds every transcript's turns and words per speaker, the denominators. The
frequency and comparison queries read these instead of grouping a million codings (and a
hundred thousand turns) per query.

Triggers keep a list of the transcripts whose counts may be out of date,
``coding_summary_stale``: a write to ``coding``, a new transcript, a segment change
(speaker, words, offsets) or a deleted segment marks the transcript; a change to a code's
key or a coder's consensus flag marks them all. New segments mark nothing themselves (a
trigger per inserted segment made SQLite imports 10-15 % slower): an import inserts its
transcript first, and the other ways a turn appears in a transcript, a split and the undo
of a join, also shorten a neighbouring turn, whose update marks it.
``qualcode.store.coding_summary.refresh`` recounts the marked transcripts before a query
and removes the marks it saw. The list is a log (one row per mark, with a growing id)
rather than a set, so that a coding committed while a refresh runs keeps its own mark on
PostgreSQL's READ COMMITTED: the refresh removes only the marks it could see. On SQLite,
writes are serialised, so a mark is added only when the transcript has none.

The tables are caches outside the models (``qualcode transfer`` copies the models' tables;
the triggers mark the copied transcripts on the other side). Upgrading marks every existing
transcript, so the first query after it builds the summary.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUMMARY = "coding_summary"
TURNS = "turn_summary"
STALE = "coding_summary_stale"

_MARK_SQLITE = (
    "INSERT INTO coding_summary_stale (transcript_id) SELECT {transcript} WHERE NOT EXISTS "
    "(SELECT 1 FROM coding_summary_stale WHERE transcript_id = {transcript})"
)
_MARK_CODING_SQLITE = (
    "INSERT INTO coding_summary_stale (transcript_id) SELECT s.transcript_id FROM segment AS s "
    "WHERE s.id = {row}.segment_id AND NOT EXISTS "
    "(SELECT 1 FROM coding_summary_stale WHERE transcript_id = s.transcript_id)"
)
_MARK_ALL = "INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM transcript"
SQLITE_TRIGGERS = {
    "coding_summary_insert": "AFTER INSERT ON coding BEGIN "
    f"{_MARK_CODING_SQLITE.format(row='new')}; END",
    "coding_summary_delete": "AFTER DELETE ON coding BEGIN "
    f"{_MARK_CODING_SQLITE.format(row='old')}; END",
    "coding_summary_update": "AFTER UPDATE OF coder_id, code_id, segment_id, start_char, "
    f"end_char ON coding BEGIN {_MARK_CODING_SQLITE.format(row='old')}; "
    f"{_MARK_CODING_SQLITE.format(row='new')}; END",
    "transcript_summary_insert": "AFTER INSERT ON transcript BEGIN "
    "INSERT INTO coding_summary_stale (transcript_id) VALUES (new.id); END",
    "segment_summary_update": "AFTER UPDATE OF speaker_id, word_count, start_char, end_char "
    f"ON segment BEGIN {_MARK_SQLITE.format(transcript='new.transcript_id')}; END",
    "segment_summary_delete": "AFTER DELETE ON segment BEGIN "
    f"{_MARK_SQLITE.format(transcript='old.transcript_id')}; END",
    "code_summary_key": "AFTER UPDATE OF key, codebook_id ON code "
    f"WHEN old.key IS NOT new.key OR old.codebook_id IS NOT new.codebook_id BEGIN {_MARK_ALL}; "
    "END",
    "coder_summary_consensus": "AFTER UPDATE OF is_consensus ON coder "
    f"WHEN old.is_consensus IS NOT new.is_consensus BEGIN {_MARK_ALL}; END",
}

# PostgreSQL: statement-level triggers with transition tables, one mark per transcript
# touched by the statement (a per-row trigger would add a row per coding to bulk writes).
_PG_FUNCTIONS = {
    "coding_summary_mark": """
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
END""",
    "segment_summary_mark": """
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO coding_summary_stale (transcript_id)
    SELECT DISTINCT n.transcript_id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
    WHERE n.speaker_id IS DISTINCT FROM o.speaker_id OR n.word_count <> o.word_count
       OR n.start_char <> o.start_char OR n.end_char <> o.end_char;
  ELSE
    INSERT INTO coding_summary_stale (transcript_id) SELECT DISTINCT transcript_id FROM old_rows;
  END IF;
  RETURN NULL;
END""",
    "transcript_summary_mark": """
BEGIN
  INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM new_rows;
  RETURN NULL;
END""",
    "summary_mark_all": f"""
BEGIN
  {_MARK_ALL};
  RETURN NULL;
END""",
}
PG_TRIGGERS = {
    "coding_summary_insert": "AFTER INSERT ON coding REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION coding_summary_mark()",
    "coding_summary_delete": "AFTER DELETE ON coding REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION coding_summary_mark()",
    "coding_summary_update": "AFTER UPDATE ON coding "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION coding_summary_mark()",
    "transcript_summary_insert": "AFTER INSERT ON transcript REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION transcript_summary_mark()",
    "segment_summary_update": "AFTER UPDATE ON segment "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION segment_summary_mark()",
    "segment_summary_delete": "AFTER DELETE ON segment REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION segment_summary_mark()",
    "code_summary_key": "AFTER UPDATE OF key, codebook_id ON code "
    "FOR EACH STATEMENT EXECUTE FUNCTION summary_mark_all()",
    "coder_summary_consensus": "AFTER UPDATE OF is_consensus ON coder "
    "FOR EACH STATEMENT EXECUTE FUNCTION summary_mark_all()",
}
_TRIGGER_TABLES = {
    "coding_summary_insert": "coding",
    "coding_summary_delete": "coding",
    "coding_summary_update": "coding",
    "transcript_summary_insert": "transcript",
    "segment_summary_update": "segment",
    "segment_summary_delete": "segment",
    "code_summary_key": "code",
    "coder_summary_consensus": "coder",
}


def _counts_per_speaker() -> list[sa.Column]:
    """The columns both summaries share: where (transcript, speaker) and how much."""
    return [
        sa.Column(
            "transcript_id",
            sa.Integer(),
            sa.ForeignKey("transcript.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        SUMMARY,
        sa.Column("layer", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        *_counts_per_speaker(),
    )
    op.create_index("ix_coding_summary_layer_code", SUMMARY, ["layer", "code_id"])
    op.create_index("ix_coding_summary_transcript", SUMMARY, ["transcript_id"])
    op.create_table(
        TURNS,
        *_counts_per_speaker(),
    )
    op.create_index("ix_turn_summary_transcript", TURNS, ["transcript_id"])
    op.create_table(
        STALE,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_coding_summary_stale_transcript", STALE, ["transcript_id"])
    if op.get_bind().dialect.name == "postgresql":
        for name, body in _PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")
        for name, definition in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    op.execute(_MARK_ALL)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table in _TRIGGER_TABLES.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
    if postgres:
        for name in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table(STALE)
    op.drop_table(TURNS)
    op.drop_table(SUMMARY)
