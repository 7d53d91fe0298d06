"""Time the whole recount of every transcript on PostgreSQL: the Python recount
(`coding_summary.recount`, the repair path and the tests' oracle) against the SQL recount of
the server's refresh function (`qualcode_refresh_summary()`, revision 0015), which a bulk
write, a changed turn or an import now goes through.

    python benchmarks/gen_codings.py --db URL --turns 25000 --codings 250000 --departments 3
    python benchmarks/bench_whole_recount.py --db URL --runs 3

Each run marks every transcript and recounts them with one, then the other, the order
alternating, and checks that both leave the same summary rows. Prints wall times in seconds.
"""

from __future__ import annotations

import argparse
import os
import time

from sqlalchemy import Connection, func, select, text

from qualcode.services.project import open_project
from qualcode.store import coding_summary


def _mark(connection: Connection) -> None:
    connection.execute(
        text("INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM transcript")
    )


def _python(connection: Connection) -> None:
    taken = connection.execute(text("DELETE FROM coding_summary_stale RETURNING transcript_id"))
    coding_summary.recount(connection, {row[0] for row in taken})


def _function(connection: Connection) -> None:
    connection.execute(select(func.qualcode_refresh_summary()))


def _rows(connection: Connection) -> list[tuple[int, ...]]:
    query = "SELECT layer, code_id, transcript_id, speaker_id, turns, words FROM coding_summary"
    return sorted(tuple(row) for row in connection.execute(text(query)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL corpus from gen_codings.py")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    project = open_project(args.db)
    if project.engine.dialect.name != "postgresql":
        raise SystemExit("The refresh function is PostgreSQL's.")
    project.write_rows(coding_summary.refresh)
    times: dict[str, list[float]] = {"python": [], "function": []}
    expected = project.read_rows(_rows)
    for run in range(args.runs):
        order = ("python", "function") if run % 2 == 0 else ("function", "python")
        for version in order:
            project.write_rows(_mark)
            started = time.perf_counter()
            project.write_rows(_python if version == "python" else _function)
            times[version].append(time.perf_counter() - started)
            if project.read_rows(_rows) != expected:
                raise SystemExit(f"the {version} recount left other rows")
    project.close()
    print(f"postgresql, load average {os.getloadavg()[0]:.1f}, every transcript recounted whole:")
    for version, found in times.items():
        print(f"  {version}: " + ", ".join(f"{seconds:.2f}" for seconds in found) + " s")


if __name__ == "__main__":
    main()
