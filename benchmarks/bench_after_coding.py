"""Time `freq --by department` without and just after one coding, and the refresh alone.

    python benchmarks/gen_codings.py --db URL [--turns 25000 --codings 250000 --departments 3]
    python benchmarks/bench_after_coding.py --db URL --runs 15

    python benchmarks/bench_after_coding.py --db POSTGRESQL_URL --runs 15 --team

Each run times the service call with nothing marked, then applies (or removes) one coding
through the service (untimed) and times the call again, which first recounts what the
coding changed; then it undoes the coding and times the refresh alone. Prints the medians
(wall time: on PostgreSQL the server's work is not in the process's CPU time) and the ratio
of the query after a coding to the query without (the target is <= 1.2x).

With --team (PostgreSQL, a URL of a superuser or of the tables' owner with CREATEROLE) the
corpus is put in team mode for the run and everything goes through a coder's login, so the
refresh is the owner's function `qualcode_refresh_summary()`; each run measures both
versions of it in turn (the order alternating): the whole recount of revision 0012 and the
coding's change of 0013 (`team_summary_sql`). The logins and the team setting are removed
at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from coding_target import coding_target, toggler

from qualcode.services import analysis
from qualcode.services.project import open_project
from qualcode.store import coding_summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a corpus from gen_codings.py")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--team", action="store_true", help="through a coder's login")
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    if args.team:
        from team_refresh import compare_functions

        compare_functions(url, args.runs)
        return
    project = open_project(url)
    project.write(coding_summary.refresh)
    toggle = toggler(project, *coding_target(project))

    query = analysis.FrequencyQuery(by=("department",))
    without, after, refresh = [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        analysis.frequency(project, query)
        without.append(time.perf_counter() - started)
        toggle()
        started = time.perf_counter()
        analysis.frequency(project, query)
        after.append(time.perf_counter() - started)
        toggle()
        started = time.perf_counter()
        project.write(coding_summary.refresh)
        refresh.append(time.perf_counter() - started)
    project.close()
    median = statistics.median
    print(
        f"{project.engine.dialect.name}, load average {os.getloadavg()[0]:.1f}, "
        f"median of {args.runs}: freq without {median(without) * 1000:.1f} ms, "
        f"just after one coding {median(after) * 1000:.1f} ms "
        f"({median(after) / median(without):.2f}x); refresh alone after one coding "
        f"{median(refresh) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
