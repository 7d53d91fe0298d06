"""the coded-turn summary's refresh function on every PostgreSQL project

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 11:40:00

No schema change. `qualcode_refresh_summary()`, the function team mode installed for its
logins (revisions 0012 and 0013), is now the refresh of every PostgreSQL project:
`qualcode.store.coding_summary.refresh` calls it, and every table calls it first (it returns
at once when nothing is marked), so the check, the lock, the marks taken and the changes
written are one round trip instead of eight (issue 17 item 6). It also returns before the
advisory lock when nothing is marked, and commits its refresh without waiting for the disk
(the summary is a cache whose marks go in the same transaction). Team mode sets itself up
again after the upgrade (`qualcode.store.migrate`) and makes the function the owner's. The
text is `qualcode.store.team_summary_sql.refresh_function` at this revision with
qualcode's constants (a test keeps them equal). The downgrade drops the function outside
team mode, and leaves team mode's. SQLite gets nothing.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# `{schema}` is replaced by the quoted current schema.
FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.qualcode_refresh_summary() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  marked integer;
  whole integer[];
  broken integer[];
  d_transcript integer[];
  d_layer integer[];
  d_code integer[];
  d_speaker integer[];
  d_turns integer[];
  d_words integer[];
BEGIN
  IF NOT EXISTS (SELECT FROM coding_summary_stale) THEN
    RETURN 0;  -- nothing marked: no lock, one read (every table calls this first)
  END IF;
  PERFORM pg_advisory_xact_lock(1363366741);
  -- A cache whose marks are taken in the same transaction: a commit lost in a crash brings
  -- the marks back with the old counts, so the commit need not wait for the disk.
  PERFORM set_config('synchronous_commit', 'off', true);

  WITH taken AS (
    DELETE FROM coding_summary_stale
    RETURNING transcript_id, segment_id, code_id, coder_id, change
  ), few AS (
    SELECT transcript_id FROM taken GROUP BY transcript_id
    HAVING count(*) <= 64 AND bool_and(segment_id IS NOT NULL AND code_id IS NOT NULL
      AND coder_id IS NOT NULL AND change IS NOT NULL)
  ), undo AS (
    SELECT t.transcript_id, t.segment_id, t.coder_id, t.code_id, -sum(t.change) AS undo
    FROM taken AS t JOIN few USING (transcript_id)
    GROUP BY t.transcript_id, t.segment_id, t.coder_id, t.code_id
  ), turns AS (
    SELECT DISTINCT u.transcript_id AS marked_in, u.segment_id, s.transcript_id,
           s.speaker_id, s.word_count
    FROM undo AS u LEFT JOIN segment AS s ON s.id = u.segment_id
  ), kept AS (
    SELECT u.segment_id, u.coder_id, u.code_id, u.undo
    FROM undo AS u JOIN turns AS t ON t.segment_id = u.segment_id
      AND t.marked_in = u.transcript_id AND t.transcript_id = u.transcript_id
  ), now AS (
    SELECT c.segment_id, c.coder_id, c.code_id, count(*) AS n
    FROM coding AS c WHERE c.segment_id IN (SELECT segment_id FROM kept)
    GROUP BY c.segment_id, c.coder_id, c.code_id
  ), pairs AS (
    SELECT coalesce(n.segment_id, u.segment_id) AS segment_id,
           coalesce(n.coder_id, u.coder_id) AS coder_id,
           coalesce(n.code_id, u.code_id) AS code_id,
           coalesce(n.n, 0) AS now_n, coalesce(n.n, 0) + coalesce(u.undo, 0) AS before_n
    FROM now AS n FULL JOIN kept AS u ON u.segment_id = n.segment_id
      AND u.coder_id = n.coder_id AND u.code_id = n.code_id
  ), broken AS (
    SELECT marked_in AS transcript_id FROM turns WHERE transcript_id IS DISTINCT FROM marked_in
    UNION
    SELECT t.marked_in FROM pairs AS p
    JOIN turns AS t ON t.segment_id = p.segment_id AND t.transcript_id = t.marked_in
    WHERE p.before_n < 0 OR NOT EXISTS (SELECT 1 FROM coder AS k WHERE k.id = p.coder_id)
       OR NOT EXISTS (SELECT 1 FROM code AS o WHERE o.id = p.code_id)
  ), units AS (
    SELECT p.segment_id, layers.layer, up.id AS code_id,
           bool_or(p.now_n > 0) AS counted, bool_or(p.before_n > 0) AS was_counted
    FROM pairs AS p
    JOIN coder AS k ON k.id = p.coder_id
    JOIN code AS own ON own.id = p.code_id
    JOIN code AS up ON up.codebook_id = own.codebook_id
      AND (up.id = own.id OR left(own.key, length(up.key) + 1) = up.key || '.')
    CROSS JOIN LATERAL (VALUES (p.coder_id),
      (CASE WHEN k.role = 'model' THEN NULL
            WHEN k.is_consensus THEN -1 ELSE 0 END))
      AS layers (layer)
    WHERE layers.layer IS NOT NULL AND (p.now_n > 0 OR p.before_n > 0)
    GROUP BY p.segment_id, layers.layer, up.id
  ), deltas AS (
    SELECT t.transcript_id, u.layer, u.code_id, t.speaker_id,
           sum(CASE WHEN u.counted THEN 1 ELSE -1 END) AS turns,
           sum(CASE WHEN u.counted THEN t.word_count ELSE -t.word_count END) AS words
    FROM units AS u JOIN turns AS t ON t.segment_id = u.segment_id
    WHERE u.counted <> u.was_counted AND t.transcript_id = t.marked_in
      AND t.marked_in NOT IN (SELECT transcript_id FROM broken)
    GROUP BY t.transcript_id, u.layer, u.code_id, t.speaker_id
    HAVING sum(CASE WHEN u.counted THEN 1 ELSE -1 END) <> 0
        OR sum(CASE WHEN u.counted THEN t.word_count ELSE -t.word_count END) <> 0
  )
  SELECT (SELECT count(DISTINCT transcript_id) FROM taken),
         (SELECT array_agg(DISTINCT transcript_id) FROM taken
          WHERE transcript_id NOT IN (SELECT transcript_id FROM few)
             OR transcript_id IN (SELECT transcript_id FROM broken)),
         array_agg(transcript_id), array_agg(layer), array_agg(code_id),
         array_agg(speaker_id), array_agg(turns), array_agg(words)
  INTO marked, whole, d_transcript, d_layer, d_code, d_speaker, d_turns, d_words
  FROM deltas;
  IF marked = 0 THEN
    RETURN 0;
  END IF;

  IF d_transcript IS NOT NULL THEN
    WITH change AS (
      SELECT * FROM unnest(d_transcript, d_layer, d_code, d_speaker, d_turns, d_words)
        AS d (transcript_id, layer, code_id, speaker_id, turns, words)
    ), old AS (
      DELETE FROM coding_summary AS cs USING change AS d
      WHERE cs.transcript_id = d.transcript_id AND cs.layer = d.layer
        AND cs.code_id = d.code_id AND cs.speaker_id IS NOT DISTINCT FROM d.speaker_id
      RETURNING cs.transcript_id, cs.layer, cs.code_id, cs.speaker_id, cs.turns, cs.words
    ), counts AS (
      SELECT d.transcript_id, d.layer, d.code_id, d.speaker_id,
             coalesce(o.turns, 0) + d.turns AS turns, coalesce(o.words, 0) + d.words AS words
      FROM change AS d LEFT JOIN old AS o ON o.transcript_id = d.transcript_id
        AND o.layer = d.layer AND o.code_id = d.code_id
        AND o.speaker_id IS NOT DISTINCT FROM d.speaker_id
    ), written AS (
      INSERT INTO coding_summary (layer, code_id, transcript_id, speaker_id, turns, words)
      SELECT layer, code_id, transcript_id, speaker_id, turns, words FROM counts
      WHERE turns > 0 AND words >= 0
    )
    SELECT array_agg(DISTINCT transcript_id) INTO broken FROM counts
    WHERE turns < 0 OR words < 0 OR (turns = 0 AND words <> 0);
    whole := whole || broken;
  END IF;
  IF whole IS NOT NULL THEN

  DELETE FROM coding_summary WHERE transcript_id = ANY (whole);
  DELETE FROM turn_summary WHERE transcript_id = ANY (whole);
  INSERT INTO turn_summary (transcript_id, speaker_id, turns, words)
  SELECT transcript_id, speaker_id, count(*), sum(word_count)
  FROM segment WHERE transcript_id = ANY (whole) GROUP BY transcript_id, speaker_id;
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
      (CASE WHEN k.role = 'model' THEN NULL
            WHEN k.is_consensus THEN -1 ELSE 0 END))
      AS layers (layer)
    WHERE s.transcript_id = ANY (whole) AND layers.layer IS NOT NULL
  ) AS units
  GROUP BY layer, code_id, transcript_id, speaker_id;
  END IF;
  RETURN marked;
END
$$
"""


def _schema() -> str | None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    return str(bind.execute(text("SELECT quote_ident(current_schema())")).scalar())


def upgrade() -> None:
    schema = _schema()
    if schema is not None:
        op.get_bind().exec_driver_sql(FUNCTION.replace("{schema}", schema))


def downgrade() -> None:
    schema = _schema()
    if schema is None:
        return
    team = op.get_bind().execute(text("SELECT 1 FROM setting WHERE key = 'team'")).first()
    if team is None:
        op.get_bind().exec_driver_sql(
            f"DROP FUNCTION IF EXISTS {schema}.qualcode_refresh_summary()"
        )
