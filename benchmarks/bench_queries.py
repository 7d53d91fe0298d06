"""Time `freq --by department` and `compare` against hand-written SQL on a generated corpus.

    python benchmarks/gen_codings.py --db /tmp/bench.db
    python benchmarks/bench_queries.py --db /tmp/bench.db

Each scenario runs the qualcode service (the library call the CLI makes: SQL, shaping,
statistics, the result set) and two hand-written SQL queries that compute the same counts
(coded turns per top-level or every code, rolled up, per department, all coders):

- *tuned SQL*: the statement qualcode sends, written out by hand: one scan of ``coding`` per
  hierarchy level, GROUP BY (code, turn), then per department. The ratio to it is what the
  library adds (SQLAlchemy, the denominators, Python shaping, statistics).
- *naive SQL*: what one writes first: a code->ancestor CTE joined to ``coding`` with
  COUNT(DISTINCT segment_id). SQLite runs it with one random row lookup per coding.

Times are the best of --repeat runs, wall clock and process CPU (CPU time is steadier on a
shared machine). The CLI row adds Python start-up and imports.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from qualcode.services import analysis
from qualcode.services.project import Project, open_project

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


@dataclass(frozen=True)
class Scenario:
    name: str
    service: Callable[[Project], object]
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
            tuned_sql(codes, [code_id for code_id, _ in codes]),
            NAIVE_FREQ.format(top="").replace(":book", str(book)),
            0.5,
        ),
        Scenario(
            "compare --by department",
            lambda p: analysis.compare(p, analysis.CompareQuery(by="department")),
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


def raw_query(path: Path, sql: str) -> Callable[[], object]:
    connection = sqlite3.connect(path)
    return lambda: connection.execute(sql).fetchall()


def cli_seconds(db: Path, args: list[str], repeat: int) -> float:
    command = [str(Path(sys.executable).parent / "qualcode"), *args, "--db", str(db), "-f", "csv"]
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    return min(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a corpus from gen_codings.py")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--naive", action="store_true", help="also time the naive SQL (slow)")
    args = parser.parse_args()
    project = open_project(f"sqlite:///{args.db.resolve()}")
    counts = {
        table: project.read(
            lambda s, t=table: s.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
        )
        for table in ("coding", "segment", "transcript")
    }
    print(
        f"Corpus: {counts['coding']:,} codings, {counts['segment']:,} turns, "
        f"{counts['transcript']} transcripts. Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at start.\n"
    )
    print("| Scenario | qualcode wall (CPU) s | tuned SQL wall (CPU) s | ratio (CPU) "
          "| naive SQL CPU s | target | CLI wall s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for scenario in scenarios(project):
        ours = best_of(lambda s=scenario: s.service(project), args.repeat)
        tuned = best_of(raw_query(args.db, scenario.tuned), args.repeat)
        naive = best_of(raw_query(args.db, scenario.naive), 1)[1] if args.naive else None
        cli = cli_seconds(args.db, scenario.name.split(), min(args.repeat, 3))
        print(
            f"| `{scenario.name}` | {ours[0]:.2f} ({ours[1]:.2f}) | {tuned[0]:.2f} "
            f"({tuned[1]:.2f}) | {ours[1] / tuned[1]:.2f} | "
            f"{f'{naive:.2f}' if naive is not None else 'not run'} | < {scenario.target} | "
            f"{cli:.2f} |"
        )
    project.close()


if __name__ == "__main__":
    main()
