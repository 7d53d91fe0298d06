"""Time `qualcode report` for one department against its own figures query, in the same run.

    python benchmarks/bench_report.py --demo                      # the demo study
    python benchmarks/gen_codings.py --db /tmp/rep.db --departments 125   # 1,000 transcripts
    python benchmarks/bench_report.py --db /tmp/rep.db --department "Bed ward"

Runs alternate (report, baseline, report, baseline, ...) as whole `qualcode` processes, so
both pay the same start-up and the same drift of a shared machine; the table gives medians
and the median of the pairwise ratios. The baseline is `qualcode compare --by department
--level 2 --format json`, the comparison the report's figures come from: the ratio is what
the quotes, memos, charts and the document cost on top of it. Each format is timed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUALCODE = [sys.executable, "-c", "from qualcode.cli import main; main()"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one whole command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a generated corpus (gen_codings.py) or any project")
    parser.add_argument("--demo", action="store_true", help="make and use the demo study")
    parser.add_argument("--department", default="Bed ward")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default="md,html,docx", help="comma-separated")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = options.db
        if options.demo:
            db = str(Path(folder) / "demo.db")
            subprocess.run([*QUALCODE, "demo", "--db", db], check=True, capture_output=True)
        if not db:
            parser.error("give --db or --demo")
        baseline = [*QUALCODE, "compare", "--by", "department", "--level", "2", "-f", "json"]
        baseline += ["--db", db]
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            "| format | report wall (CPU) s | compare wall (CPU) s | "
            "ratio of CPU (median of pairs) |"
        )
        print("|---|---:|---:|---:|")
        for fmt in options.formats.split(","):
            out = Path(folder) / f"report.{fmt}"
            report = [*QUALCODE, "report", "--department", options.department]
            report += ["--output", str(out), "--db", db]
            timed(report)  # warm-up: caches, the summary
            pairs = [(timed(report), timed(baseline)) for _ in range(options.runs)]
            mine = [statistics.median(a[i] for a, _ in pairs) for i in (0, 1)]
            theirs = [statistics.median(b[i] for _, b in pairs) for i in (0, 1)]
            ratio = statistics.median(a[1] / b[1] for a, b in pairs)
            print(
                f"| {fmt} | {mine[0]:.2f} ({mine[1]:.2f}) | {theirs[0]:.2f} ({theirs[1]:.2f}) "
                f"| {ratio:.2f} |"
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
