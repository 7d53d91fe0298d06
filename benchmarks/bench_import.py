"""Import benchmark: words/s and peak RSS, against a parse-only baseline in the same run.

    python benchmarks/bench_import.py [--transcripts 1000] [--words 10000] [--db URL]

Generates the corpus (benchmarks/gen_corpus.py) unless it exists, then runs two phases in
fresh child processes so each has its own peak RSS (a PostgreSQL `--db` names a server: the
import goes into a new database there, dropped afterwards):
- baseline: read and parse every file (the same readers), no database;
- import: `qualcode.services.importing.import_files` into an empty database.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import generate


def phase(name: str, manifest: Path, db_url: str) -> dict[str, float]:
    from qualcode.ingest.manifest import read_manifest
    from qualcode.ingest.readers import read_transcript_bytes

    specs = read_manifest(manifest)
    start = time.perf_counter()
    words = 0
    if name == "parse":
        for spec in specs:
            parsed = read_transcript_bytes(spec.path.read_bytes(), str(spec.path))
            words += sum(len(turn.text.split()) for turn in parsed.turns)
    else:
        from qualcode.services.importing import import_files
        from qualcode.services.project import open_project

        project = open_project(db_url)
        start = time.perf_counter()
        report = import_files(project, specs)
        assert not report.failures, report.failures[0].message
        words = sum(result.words for result in report.results)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The import parses ahead in a worker process; its peak counts too (it has ended by now).
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "words": words, "peak_rss_mb": peak_mb, "worker_rss_mb": worker_mb}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument(
        "--db",
        default=None,
        help="Database URL (default: a new SQLite file); for PostgreSQL, a server URL.",
    )
    parser.add_argument("--phase", choices=["parse", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.manifest, args.db)))
        return
    work = Path(tempfile.mkdtemp(prefix="qualcode-bench-"))
    corpus = args.corpus or work / "corpus"
    manifest = corpus / "manifest.yaml"
    if not manifest.exists():
        generate(corpus, args.transcripts, args.words, seed=7)
    db_url = args.db or f"sqlite:///{work / 'bench.db'}"
    parse = run_child("parse", manifest, db_url)
    if db_url.startswith("postgresql"):
        with fresh_database(db_url) as url:
            imported = run_child("import", manifest, url)
    else:
        imported = run_child("import", manifest, db_url)
    backend = db_url.split(":")[0]
    print(f"corpus: {args.transcripts} transcripts, {imported['words']:,} words ({backend})")
    for label, result in (("parse only", parse), ("import", imported)):
        rate = result["words"] / result["seconds"]
        print(
            f"{label:<11}: {result['seconds']:7.2f} s  {rate:>12,.0f} words/s  "
            f"peak RSS {result['peak_rss_mb']:.0f} MB (worker {result['worker_rss_mb']:.0f} MB)"
        )
    print(f"import / parse-only time: {imported['seconds'] / parse['seconds']:.2f}x")


if __name__ == "__main__":
    main()
