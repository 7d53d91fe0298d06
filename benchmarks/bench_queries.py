"""Time `freq --by department` and `compare` against hand-written SQL on a generated corpus.

    python benchmarks/gen_codings.py --db /tmp/bench.db
    python benchmarks/bench_queries.py --db /tmp/bench.db
    python benchmarks/bench_queries.py --db postgresql+psycopg://user@host/bench  # ANALYZEs first

First the coded-turn summary (revision 0004) is rebuilt from scratch, as after a bulk load
(every transcript marked), and timed. Each scenario then runs the qualcode service (the
library call the CLI makes: summary check, SQL, shaping, statistics, the result set) and
hand-written SQL that computes the same counts (coded turns per top-level or every code,
rolled up, per department, all coders):

- *summary SQL*: a GROUP BY over ``coding_summary``, the table qualcode reads, and one over
  ``segment`` for the denominators (every group's turns and words, which also name the
  columns). The ratio to it is what the library adds (SQLAlchemy, Python shaping,
  statistics).
- *tuned SQL*: the same counts from ``coding`` itself, as fast as we could write them: one
  scan of ``coding`` per hierarchy level, GROUP BY (code, turn), then per department. This
  is what every query cost before the summary, and what a refresh costs per transcript.
- *naive SQL*: what one writes first: a code->ancestor CTE joined to ``coding`` with
  COUNT(DISTINCT segment_id). SQLite runs it with one random row lookup per coding.

Last, *after one coding*: apply (or remove) one coding through the service, then time the
scenario alone (the coding is not timed), which first recounts what that coding changed
(revision 0009: the cells of its code's lineage and its turn's speaker in that transcript),
and its ratio to the scenario without a coding before it (the target is <= 1.2x).

The raw SQL goes through the driver's own connection (sqlite3 or psycopg). Times are the
best of --repeat runs, wall clock and process CPU (CPU time is steadier on a shared machine;
on PostgreSQL the server's work is not in it, so its ratios use wall time). The CLI row adds
Python start-up and imports.
Last, the full-text search: the catch-up that indexes turns not yet indexed (all of them on
a fresh corpus), then a few searches through the service.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coding_target import coding_target, toggler
from sqlalchemy import text

from qualcode.services import analysis, quotes
from qualcode.services.project import Project, open_project
from qualcode.store import coding_summary
from qualcode.store import search as search_store

NAIVE_FREQ = """
WITH ancestors(code_id, ancestor_id) AS (
  SELECT c.id, a.id FROM code AS c JOIN code AS a
    ON a.codebook_id = c.codebook_id AND (c.key = a.key OR c.key LIKE a.key || '.%')
  WHERE c.codebook_id = :book {top})
SELECT an.ancestor_id, t.department, COUNT(DISTINCT cd.segment_id)
FROM coding AS cd
JOIN ancestors AS an ON an.code_id = cd.code_id
JOIN segment AS s ON s.id = cd.segment_id
JOIN transcript AS t ON t.id = s.transcript_id
GROUP BY an.ancestor_id, t.department
"""
SUMMARY_FREQ = """
SELECT s.code_id, t.department, SUM(s.turns), SUM(s.words)
FROM coding_summary AS s JOIN transcript AS t ON t.id = s.transcript_id
WHERE s.layer = 0 {top}
GROUP BY s.code_id, t.department;
SELECT t.department, COUNT(*), SUM(s.word_count)
FROM segment AS s JOIN transcript AS t ON t.id = s.transcript_id
GROUP BY t.department
"""
SEARCHES = ("phone", '"behind schedule"', "interrupt* lunch handover")


@dataclass(frozen=True)
class Scenario:
    name: str
    service: Callable[[Project], object]
    summary: str
    tuned: str
    naive: str
    target: float


def tuned_sql(codes: list[tuple[int, str]], rows: list[int]) -> str:
    """The union-of-levels statement for these row codes, with the ids written in."""
    keys = dict(codes)
    levels: dict[int, list[str]] = {}
    for row in rows:
        below = [str(i) for i, key in codes if key.startswith(keys[row] + ".")]
        if below:
            levels.setdefault(keys[row].count("."), []).append(
                f"WHEN code_id IN ({', '.join(below)}) THEN {row}"
            )
    own = ", ".join(str(row) for row in rows)
    scans = [f"SELECT CASE WHEN code_id IN ({own}) THEN code_id END AS a, segment_id FROM coding"]
    scans += [
        f"SELECT CASE {' '.join(whens)} END, segment_id FROM coding"
        for _, whens in sorted(levels.items())
    ]
    return f"""
WITH units AS ({" UNION ALL ".join(scans)}),
pairs AS (SELECT a, segment_id FROM units WHERE a IS NOT NULL GROUP BY a, segment_id)
SELECT pairs.a, t.department, COUNT(*), SUM(s.word_count)
FROM pairs JOIN segment AS s ON s.id = pairs.segment_id
JOIN transcript AS t ON t.id = s.transcript_id
GROUP BY pairs.a, t.department
"""


def scenarios(project: Project) -> list[Scenario]:
    with project.engine.connect() as connection:
        book = connection.execute(text("SELECT id FROM codebook ORDER BY id LIMIT 1")).scalar()
        codes = [
            (code_id, key)
            for code_id, key in connection.execute(
                text("SELECT id, key FROM code WHERE codebook_id = :book ORDER BY sort_order"),
                {"book": book},
            )
        ]
    top = [code_id for code_id, key in codes if "." not in key]
    return [
        Scenario(
            "freq --by department",
            lambda p: analysis.frequency(p, analysis.FrequencyQuery(by=("department",))),
            SUMMARY_FREQ.format(top=""),
            tuned_sql(codes, [code_id for code_id, _ in codes]),
            NAIVE_FREQ.format(top="").replace(":book", str(book)),
            0.5,
        ),
        Scenario(
            "compare --by department",
            lambda p: analysis.compare(p, analysis.CompareQuery(by="department")),
            SUMMARY_FREQ.format(top=f"AND s.code_id IN ({', '.join(str(i) for i in top)})"),
            tuned_sql(codes, top),
            NAIVE_FREQ.format(top="AND a.key NOT LIKE '%.%'").replace(":book", str(book)),
            1.0,
        ),
    ]


def best_of(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(wall, cpu) seconds: the best of `repeat` runs each."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def best_after(
    before: Callable[[], object], action: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """(wall, cpu) seconds of `action` just after `before` (not timed): the best of `repeat`."""
    walls, cpus = [], []
    for _ in range(repeat):
        before()
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def raw_query(project: Project, sql: str) -> Callable[[], object]:
    connection = project.engine.raw_connection()

    def run() -> object:
        cursor = connection.cursor()
        rows = []
        for statement in sql.split(";"):
            cursor.execute(statement)
            rows += cursor.fetchall()
        return rows

    return run


def cli_seconds(url: str, args: list[str], repeat: int) -> float:
    # JSON holds every table of the result (CSV holds one; compare gives six)
    command = [str(Path(sys.executable).parent / "qualcode"), *args, "--db", url, "-f", "json"]
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    return min(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", required=True, help="a corpus from gen_codings.py: SQLite file or database URL"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--naive", action="store_true", help="also time the naive SQL (slow)")
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    project = open_project(url)
    if project.engine.dialect.name == "postgresql":
        with project.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    counts = {
        table: project.read(
            lambda s, t=table: s.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
        )
        for table in ("coding", "segment", "transcript")
    }
    print(
        f"Corpus: {counts['coding']:,} codings, {counts['segment']:,} turns, "
        f"{counts['transcript']} transcripts. Python {platform.python_version()}, "
        f"{backend(project)}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at start.\n"
    )
    built = rebuild_summary(project)
    print(f"Coded-turn summary rebuilt from scratch ({counts['transcript']} transcripts): "
          f"{built:.2f} s.\n")  # fmt: skip
    # CPU time is the steadier measure, but on PostgreSQL the server's work is not in it.
    measure = 0 if project.engine.dialect.name == "postgresql" else 1
    unit = ("wall", "CPU")[measure]
    print(f"| Scenario | qualcode wall (CPU) s | summary SQL wall (CPU) s | ratio ({unit}) "
          f"| tuned SQL on codings wall (CPU) s | naive SQL {unit} s "
          f"| after one coding wall (CPU) s | after / without ({unit}) "
          f"| target | CLI wall s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    toggle = one_coding_toggle(project)
    for scenario in scenarios(project):
        ours = best_of(lambda s=scenario: s.service(project), args.repeat)
        summed = best_of(raw_query(project, scenario.summary), args.repeat)
        tuned = best_of(raw_query(project, scenario.tuned), args.repeat)
        naive = best_of(raw_query(project, scenario.naive), 1)[measure] if args.naive else None
        fresh = best_after(toggle, lambda s=scenario: s.service(project), args.repeat)
        cli = cli_seconds(url, scenario.name.split(), min(args.repeat, 3))
        print(
            f"| `{scenario.name}` | {ours[0]:.3f} ({ours[1]:.3f}) | {summed[0]:.3f} "
            f"({summed[1]:.3f}) | {ours[measure] / summed[measure]:.2f} | {tuned[0]:.2f} "
            f"({tuned[1]:.2f}) | {f'{naive:.2f}' if naive is not None else 'not run'} | "
            f"{fresh[0]:.3f} ({fresh[1]:.3f}) | {fresh[measure] / ours[measure]:.2f} | "
            f"< {scenario.target} | {cli:.2f} |"
        )
    search_timings(project, args.repeat)
    project.close()


def rebuild_summary(project: Project) -> float:
    """Seconds to rebuild the whole coded-turn summary, as after a bulk load."""
    with project.engine.begin() as connection:
        connection.execute(text("DELETE FROM coding_summary"))
        connection.execute(
            text("INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM transcript")
        )
    started = time.perf_counter()
    project.write(coding_summary.refresh)
    return time.perf_counter() - started


def one_coding_toggle(project: Project) -> Callable[[], None]:
    """A function that applies one coding through the service, or removes it when present."""
    return toggler(project, *coding_target(project))


def backend(project: Project) -> str:
    with project.engine.connect() as connection:
        version = connection.dialect.server_version_info or ()
    return f"{project.engine.dialect.name} {'.'.join(str(part) for part in version)}"


def search_timings(project: Project, repeat: int) -> None:
    """The index catch-up (whatever is not indexed yet), then each of SEARCHES."""
    started = time.perf_counter()
    added = project.write(search_store.catch_up)
    caught_up = time.perf_counter() - started
    engine = project.read(search_store.engine)
    print(f"\nSearch with {engine}: the catch-up indexed {added:,} turns in {caught_up:.2f} s.\n")
    print("| search | hits (limit) | wall (CPU) s |")
    print("|---|---:|---:|")
    for phrase in SEARCHES:
        query = quotes.SearchQuery(text=phrase)
        hits = len(quotes.search(project, query).quotes)
        wall, cpu = best_of(lambda q=query: quotes.search(project, q), repeat)
        print(f"| `{phrase}` | {hits} ({query.limit}) | {wall:.3f} ({cpu:.3f}) |")


if __name__ == "__main__":
    main()
