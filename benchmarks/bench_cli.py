"""Start-up benchmark: everyday `qualcode` commands as whole processes, against baselines.

    python benchmarks/bench_cli.py [--runs 7] [--db qualcode-demo.db] [--qc PATH/TO/qc]
                                   [--before DIR]

Runs each command `--runs` times as a new process, in turn with the baselines (A B A B ...,
so a drift in the machine's speed hits both alike) after one warm-up, and prints the
median wall and CPU seconds (user + system, from the kernel's accounting of the finished
child) and the median ratio to the baseline measured in the same round.

Baselines: `python -c pass` (the interpreter alone), `python -c 'import sqlalchemy'` (the
floor of every command that opens a project) and, with `--qc`, the peer tool's
`qc --help` from PyPI (`python -m venv /tmp/qc && /tmp/qc/bin/pip install
qualitative-coding`). The commands run on the demo study (`qualcode demo --db DB` builds
it); `code` and `uncode` alternate on one turn, so each run really writes. `--before DIR`
also runs every `qualcode` command with `PYTHONPATH=DIR`, an older version of the package
(e.g. `git archive OLD qualcode alembic codebooks transcripts | tar -x -C DIR`), in the
same rounds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv` (its output thrown away)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default="qualcode-demo.db")
    parser.add_argument("--qc", help="the peer's `qc` executable, for `qc --help`")
    parser.add_argument("--segment", default="5", help="the turn `code`/`uncode` write on")
    parser.add_argument("--before", help="a folder holding an older qualcode package")
    args = parser.parse_args()

    qualcode = shutil.which("qualcode", path=str(Path(sys.executable).parent)) or "qualcode"
    if not Path(args.db).exists():
        subprocess.run([qualcode, "demo", "--db", args.db], stdout=subprocess.DEVNULL, check=True)
    db = ["--db", args.db]
    coding = [args.segment, "temporality.breaks", "--coder", "bench", *db]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import sqlalchemy'": [sys.executable, "-c", "import sqlalchemy"],
        "qualcode --help": [qualcode, "--help"],
        "qualcode --version": [qualcode, "--version"],
        "qualcode code": [qualcode, "code", *coding],
        "qualcode uncode": [qualcode, "uncode", *coding],
        "qualcode transcripts": [qualcode, "transcripts", *db],
        "qualcode freq": [qualcode, "freq", *db],
    }
    if args.qc:
        commands["qc --help (PyPI)"] = [args.qc, "--help"]
    baselines = [name for name in commands if name.startswith(("python", "qc "))]
    envs: dict[str, dict[str, str] | None] = dict.fromkeys(commands)
    if args.before:
        older = {**os.environ, "PYTHONPATH": str(Path(args.before).resolve())}
        for name, argv in list(commands.items()):
            if name.startswith("qualcode"):
                commands[f"before: {name}"] = argv
                envs[f"before: {name}"] = older

    for name, argv in commands.items():  # warm-up: page cache, .pyc files
        run_once(argv, envs[name])
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(run_once(argv, envs[name]))

    print(f"{args.runs} rounds, commands in turn; load average {os.getloadavg()[0]:.2f}")
    header = f"{'command':32} {'wall s':>8} {'cpu s':>8}"
    header += "".join(f" {'cpu / ' + _short(name):>16}" for name in baselines)
    print(header)
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        ratios = [
            statistics.median(
                c / max(b, 1e-3) for (_, c), (_, b) in zip(runs, times[base], strict=True)
            )
            for base in baselines
        ]
        print(f"{name:32} {wall:8.3f} {cpu:8.3f}" + "".join(f" {r:15.2f}x" for r in ratios))


def _short(baseline: str) -> str:
    """`python`, `sqlalchemy`, `qc`: a baseline's name in a column header."""
    return "sqlalchemy" if "sqlalchemy" in baseline else baseline.split()[0]


if __name__ == "__main__":
    main()
