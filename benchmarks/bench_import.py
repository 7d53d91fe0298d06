"""Import benchmark: parse-only, SQLite and PostgreSQL imports in alternating runs.

    python benchmarks/bench_import.py [--transcripts 1000] [--words 10000] [--runs 3]
                                      [--pg postgresql+psycopg://USER@HOST:PORT/postgres]

Generates the corpus (benchmarks/gen_corpus.py) unless `--corpus` holds one, then runs
`--runs` rounds; each round runs every phase once, in a fresh child process (so each has
its own peak RSS), the order turning by one each round so drift in the machine's load
falls on every phase alike:
- parse: read and parse every file (the same readers), no database (the baseline);
- sqlite: `qualcode.services.importing.import_files` into a new SQLite file;
- pg (with `--pg`, a server URL): the same import into a new database on that server,
  dropped afterwards.
Prints each run, then the medians and the median of each round's ratios. CPU seconds are
the child's and its parse worker's (user + system); on a local PostgreSQL server the
server's own CPU seconds for the import's connections are read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import generate

PHASES = ("parse", "sqlite", "pg")


def phase(name: str, manifest: Path, db_url: str) -> dict[str, float]:
    from qualcode.ingest.manifest import read_manifest
    from qualcode.ingest.readers import read_transcript_bytes

    specs = read_manifest(manifest)
    server_cpu: float | None = None
    if name == "parse":
        start = time.perf_counter()
        words = 0
        for spec in specs:
            parsed = read_transcript_bytes(spec.path.read_bytes(), str(spec.path))
            words += sum(len(turn.text.split()) for turn in parsed.turns)
        seconds = time.perf_counter() - start
    else:
        from qualcode.services.importing import import_files
        from qualcode.services.project import open_project

        project = open_project(db_url)
        before = _server_cpu(project)
        start = time.perf_counter()
        report = import_files(project, specs)
        seconds = time.perf_counter() - start
        after = _server_cpu(project)
        if before is not None and after is not None:
            server_cpu = after - before
        assert not report.failures, report.failures[0].message
        words = sum(result.words for result in report.results)
        project.close()
    own = resource.getrusage(resource.RUSAGE_SELF)
    # The import parses ahead in a worker process; it has ended by now, so it counts here.
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "words": words,
        "cpu": own.ru_utime + own.ru_stime + worker.ru_utime + worker.ru_stime,
        "server_cpu": server_cpu if server_cpu is not None else float("nan"),
        "peak_rss_mb": own.ru_maxrss / 1024,
        "worker_rss_mb": worker.ru_maxrss / 1024,
    }


def _server_cpu(project: Any) -> float | None:
    """CPU seconds so far of the server processes serving clients of the project's database
    (PostgreSQL on this machine only; not autovacuum), less the one that asks."""
    if project.engine.dialect.name != "postgresql":
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    # Its own connection: one from the project's pool would hide the import's.
    probe = create_engine(project.url, poolclass=NullPool)
    with probe.connect() as connection:
        pids = connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    probe.dispose()
    return total


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new empty database on the PostgreSQL server of `url`, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"qualcode_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_child(name: str, manifest: Path, db_url: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--manifest", str(manifest), "--db", db_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_phase(name: str, manifest: Path, work: Path, pg: str | None) -> dict[str, float]:
    if name == "pg":
        assert pg is not None
        with fresh_database(pg) as url:
            return run_child(name, manifest, url)
    database = work / f"bench-{uuid.uuid4().hex[:8]}.db"
    try:
        return run_child(name, manifest, f"sqlite:///{database}")
    finally:
        for leftover in work.glob(f"{database.name}*"):
            leftover.unlink()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--pg", default=None, help="a PostgreSQL server URL (adds that phase)")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.manifest, args.db)))
        return
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as folder:
        work = Path(folder)
        corpus = args.corpus or work / "corpus"
        manifest = corpus / "manifest.yaml"
        if not manifest.exists():
            generate(corpus, args.transcripts, args.words, seed=7)
        phases = [name for name in PHASES if name != "pg" or args.pg]
        results: dict[str, list[dict[str, float]]] = {name: [] for name in phases}
        print(f"load average at start: {load_average()}")
        for round_number in range(args.runs):
            turn = round_number % len(phases)
            for name in phases[turn:] + phases[:turn]:
                result = run_phase(name, manifest, work, args.pg)
                results[name].append(result)
                print(f"run {round_number + 1} {name:<6} {_line(result)}", flush=True)
        print(f"load average at end: {load_average()}")
    _summary(results)


def _line(result: dict[str, float]) -> str:
    rate = result["words"] / result["seconds"]
    server = (
        ""
        if result["server_cpu"] != result["server_cpu"]
        else (f", server CPU {result['server_cpu']:.2f} s")
    )
    return (
        f"{result['seconds']:7.2f} s  {rate:>10,.0f} words/s  CPU {result['cpu']:.2f} s{server}  "
        f"peak RSS {result['peak_rss_mb']:.0f} MB (worker {result['worker_rss_mb']:.0f} MB)"
    )


def _summary(results: dict[str, list[dict[str, float]]]) -> None:
    median = statistics.median
    words = int(results["parse"][0]["words"])
    print(f"\n{words:,} words per run; medians of {len(results['parse'])} runs:")
    for name, runs in results.items():
        keys = runs[0].keys()
        print(f"{name:<6} {_line({key: median(run[key] for run in runs) for key in keys})}")
    pairs = [("sqlite", "parse"), ("pg", "parse"), ("pg", "sqlite")]
    for top, bottom in pairs:
        if top in results and bottom in results:
            ratios = [
                a["seconds"] / b["seconds"]
                for a, b in zip(results[top], results[bottom], strict=True)
            ]
            shown = ", ".join(f"{ratio:.2f}" for ratio in ratios)
            print(f"{top} / {bottom} time: median {median(ratios):.2f}x ({shown})")


if __name__ == "__main__":
    main()
