"""PostgreSQL: a transcript with its speakers and segments in one statement.

One round trip instead of four (the transcript, its speakers, and COPY's two): data-modifying
CTEs insert the transcript, then its speakers, then its segments, joined to the new speaker
ids by label. Each segment column is one array parameter, written as an array literal, so
the statement text never changes. Speakers and segments are inserted in the order given
(their ids follow first appearance and ordinal, as with row-by-row inserts), and the foreign
keys are checked as for any insert.

Those checks look up each segment's transcript and speaker with a query the server plans
once per connection and keeps until the table's statistics change: planned while a new
project's tables are small, it scans them whole, and an import into a new project then
slows with every file (on 300 files, two thirds of the 75,000 transcript checks were
sequential scans reading 10 M rows). The statement turns sequential scans off for its own
transaction (`set_config(..., true)`, before the checks run at its end), so the checks it
plans use the primary keys' indexes; it scans no table itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

_STATEMENT = """
WITH planning AS (
  SELECT set_config('enable_seqscan', 'off', true)
), t AS (
  INSERT INTO transcript (title, source_name, sha256, text, language, department,
                          group_kind, recorded_on, attributes, imported_at)
  VALUES (%(title)s, %(source_name)s, %(sha256)s, %(text)s, %(language)s, %(department)s,
          %(group_kind)s, %(recorded_on)s, %(attributes)s::json, %(imported_at)s)
  RETURNING id
), s AS (
  INSERT INTO speaker (transcript_id, label, role)
  SELECT t.id, u.label, u.role
  FROM t, unnest(%(labels)s::varchar[], %(roles)s::varchar[]) WITH ORDINALITY AS u(label, role, n)
  ORDER BY u.n
  RETURNING id, label
), g AS (
  INSERT INTO segment (transcript_id, speaker_id, ordinal, start_char, end_char, word_count,
                       start_time, end_time)
  SELECT t.id, s.id, u.ordinal, u.start_char, u.end_char, u.word_count, u.start_time,
         u.end_time
  FROM t CROSS JOIN unnest(%(speakers)s::integer[], %(ordinals)s::integer[],
                           %(starts)s::integer[], %(ends)s::integer[], %(words)s::integer[],
                           %(start_times)s::float8[], %(end_times)s::float8[])
         AS u(speaker, ordinal, start_char, end_char, word_count, start_time, end_time)
  LEFT JOIN s ON s.label = (%(labels)s::varchar[])[u.speaker]
  ORDER BY u.ordinal
)
SELECT id FROM t, planning
"""


def insert_transcript(
    connection: Connection,
    values: dict[str, Any],
    speakers: dict[str, str | None],
    segments: Sequence[dict[str, Any]],
) -> int:
    """Insert the transcript row `values` (its columns), its speakers (label -> role) and
    its segments (as `store.transcripts.insert_transcript` takes them); returns its id."""
    # A segment's speaker is its label's place in `labels` (from 1); one whose label is
    # empty has no speaker, as with the row inserts.
    place = {label: str(number) for number, label in enumerate(speakers, start=1)}
    parameters = {
        **values,
        "attributes": json.dumps(values["attributes"]),
        "labels": list(speakers),
        "roles": list(speakers.values()),
        "speakers": _array(place.get(row["speaker"] or "", "NULL") for row in segments),
        "ordinals": _array(str(row["ordinal"]) for row in segments),
        "starts": _array(str(row["start_char"]) for row in segments),
        "ends": _array(str(row["end_char"]) for row in segments),
        "words": _array(str(row["word_count"]) for row in segments),
        "start_times": _array(_number(row["start_time"]) for row in segments),
        "end_times": _array(_number(row["end_time"]) for row in segments),
    }
    transcript_id = connection.exec_driver_sql(_STATEMENT, parameters).scalar_one()
    assert isinstance(transcript_id, int)
    return transcript_id


def _array(items: Iterable[str]) -> str:
    """An array literal of numbers (or NULL): several times cheaper to build than the
    driver's adaptation of a list, element by element."""
    return "{" + ",".join(items) + "}"


def _number(value: float | None) -> str:
    # repr gives the shortest text that reads back as the same double.
    return "NULL" if value is None else repr(float(value))
