"""team mode: the summary function applies a coding's change instead of recounting

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 08:10:00

No schema change. On a PostgreSQL project in team mode, `qualcode.store.migrate` sets team
mode up again after every upgrade, which replaces `qualcode_refresh_summary()` (the owner's
SECURITY DEFINER function every login refreshes the summary through) with the one of
`qualcode.store.team_summary_sql`: a coding's mark (revision 0011) is applied to the cells
its turn counts in, as `qualcode.store.coding_summary.refresh` does, and other marks recount
their transcripts. The downgrade puts back the whole recount (it reads no column of 0011, so
it survives a downgrade below 0011) where the function exists. SQLite gets nothing.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The function as revision 0012 left it; the lock key, the model role and the layer ids of
# "all" and "consensus" are qualcode's constants at that revision.
_RECOUNT = """
CREATE OR REPLACE FUNCTION {schema}.qualcode_refresh_summary() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  marked integer[];
BEGIN
  PERFORM pg_advisory_xact_lock(1363366741);
  WITH taken AS (DELETE FROM coding_summary_stale RETURNING transcript_id)
  SELECT array_agg(DISTINCT transcript_id) INTO marked FROM taken;
  IF marked IS NULL THEN
    RETURN 0;
  END IF;
  DELETE FROM coding_summary WHERE transcript_id = ANY (marked);
  DELETE FROM turn_summary WHERE transcript_id = ANY (marked);
  INSERT INTO turn_summary (transcript_id, speaker_id, turns, words)
  SELECT transcript_id, speaker_id, count(*), sum(word_count)
  FROM segment WHERE transcript_id = ANY (marked) GROUP BY transcript_id, speaker_id;
  INSERT INTO coding_summary (layer, code_id, transcript_id, speaker_id, turns, words)
  SELECT layer, code_id, transcript_id, speaker_id, count(*), sum(word_count)
  FROM (
    SELECT DISTINCT layers.layer, up.id AS code_id, s.id AS segment_id, s.transcript_id,
           s.speaker_id, s.word_count
    FROM coding AS c
    JOIN segment AS s ON s.id = c.segment_id
    JOIN coder AS k ON k.id = c.coder_id
    JOIN code AS own ON own.id = c.code_id
    JOIN code AS up ON up.codebook_id = own.codebook_id
      AND (up.id = own.id OR left(own.key, length(up.key) + 1) = up.key || '.')
    CROSS JOIN LATERAL (VALUES (c.coder_id),
      (CASE WHEN k.role = 'model' THEN NULL WHEN k.is_consensus THEN -1
            ELSE 0 END)) AS layers (layer)
    WHERE s.transcript_id = ANY (marked) AND layers.layer IS NOT NULL
  ) AS units
  GROUP BY layer, code_id, transcript_id, speaker_id;
  RETURN cardinality(marked);
END
$$"""


def upgrade() -> None:
    pass


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(
        text(
            "SELECT quote_ident(n.nspname) FROM pg_proc AS p "
            "JOIN pg_namespace AS n ON n.oid = p.pronamespace "
            "WHERE p.proname = 'qualcode_refresh_summary' AND n.nspname = current_schema()"
        )
    ).scalar()
    if schema is not None:
        bind.exec_driver_sql(_RECOUNT.format(schema=schema))
