"""The coded-turn summary's refresh on PostgreSQL: `qualcode_refresh_summary()`, installed
on every project by revision 0015 and called before every table (`coding_summary.refresh`,
`services.analysis_context.counting`); in team mode the owner's `SECURITY DEFINER` function
every login calls (no login may write the summary itself).

It does what `qualcode.store.coding_summary.refresh` does (revision 0011, see
`qualcode.store.summary_changes`), in SQL: a transcript whose marks are at most `{cap}`
codings' changes gets each change applied to the cells its turn counts in; any other
marked transcript (a changed turn, a bulk write, a mark from before 0011, or changes that do
not add up: a turn or code gone, an unknown coder, a count below zero) is recounted whole.
The whole recount is the repair path and the tests' oracle (`tests/teams`).

With nothing marked it returns after one read, before the lock (every table calls it
first). Otherwise three statements after the advisory lock, with `synchronous_commit` off
for the transaction (the summary is a cache whose marks are taken in the same transaction):

1. take the marks and, in the same statement (one snapshot, so the codings read are exactly
   those the marks account for), work out each marked turn's (layer, code) cells now and
   before (its codings less what came plus what went) and so each cell's change;
2. replace the changed cells' rows with their count plus the change, naming the
   transcripts where a count would fall below zero;
3. recount the other marked transcripts whole.

The function runs with custom plans (a generic plan of the cell delete scanned the whole
summary in the app's refresh). `{schema}`, `{lock}`, `{cap}`, `{model_role}`,
`{consensus}` and `{any_coder}` are filled in by `refresh_function`. Revision 0015 holds a
copy for projects outside team mode (a test keeps them equal): a change here needs a
migration of its own.
"""

from __future__ import annotations

# The layers a coding counts in: its coder's own, and "all" (or "consensus") unless the
# coder is a model. `{coder}` is the coder row, `{coder_id}` its id.
_LAYERS = """CROSS JOIN LATERAL (VALUES ({coder_id}),
      (CASE WHEN {coder}.role = {{model_role}} THEN NULL
            WHEN {coder}.is_consensus THEN {{consensus}} ELSE {{any_coder}} END))
      AS layers (layer)"""

# Each code with the codes it rolls up into (itself and its ancestors): `up`.
_ROLL_UP = """JOIN code AS up ON up.codebook_id = own.codebook_id
      AND (up.id = own.id OR left(own.key, length(up.key) + 1) = up.key || '.')"""

# Statement 1: the marks taken; the transcripts to recount whole; the cells' changes.
_TAKE = f"""
  WITH taken AS (
    DELETE FROM coding_summary_stale
    RETURNING transcript_id, segment_id, code_id, coder_id, change
  ), few AS (
    SELECT transcript_id FROM taken GROUP BY transcript_id
    HAVING count(*) <= {{cap}} AND bool_and(segment_id IS NOT NULL AND code_id IS NOT NULL
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
    {_ROLL_UP}
    {_LAYERS.format(coder="k", coder_id="p.coder_id")}
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
  FROM deltas;"""

# Statement 2: the changed cells' rows replaced by their count plus the change.
_APPLY = """
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
  END IF;"""

# Statement 3 (and the whole function before revision 0013): recount transcripts whole.
RECOUNT = f"""
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
    {_ROLL_UP}
    {_LAYERS.format(coder="k", coder_id="c.coder_id")}
    WHERE s.transcript_id = ANY (whole) AND layers.layer IS NOT NULL
  ) AS units
  GROUP BY layer, code_id, transcript_id, speaker_id;"""

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {{schema}}.qualcode_refresh_summary() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp
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
  PERFORM pg_advisory_xact_lock({{lock}});
  -- A cache whose marks are taken in the same transaction: a commit lost in a crash brings
  -- the marks back with the old counts, so the commit need not wait for the disk.
  PERFORM set_config('synchronous_commit', 'off', true);
{_TAKE}
  IF marked = 0 THEN
    RETURN 0;
  END IF;
{_APPLY}
  IF whole IS NOT NULL THEN
{RECOUNT}
  END IF;
  RETURN marked;
END
$$"""


def refresh_function(
    *, schema: str, lock: int, cap: int, model_role: str, consensus: int, any_coder: int
) -> str:
    """The `CREATE OR REPLACE FUNCTION` statement; `schema` quoted, `model_role` a literal."""
    return _FUNCTION.format(
        schema=schema,
        lock=lock,
        cap=cap,
        model_role=model_role,
        consensus=consensus,
        any_coder=any_coder,
    )
