"""`qualcode segments` on a long transcript: the streamed listing against the rich table.

    python benchmarks/bench_segments.py [--turns 1042] [--runs 7] [--width 120]

Builds a temporary SQLite database with the shipped codebook and one generated transcript
of `--turns` turns (one in ten coded, every other of those as a span), then times, in
alternating runs, inside one process (interpreter start-up and imports not counted):
- baseline: the service read plus the rich table `segments` printed before (one row per
  turn with lines between, the text column wrapped), rendered at `--width` columns;
- text, tsv, json: the whole `qualcode segments` command through Click's test runner
  (the service read, the listing, the write), output not a terminal;
- read: the service read alone (`corpus.segments`), which every variant pays.
Reports the median and the range in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.domain.imports import ImportSpec
from qualcode.domain.turns import clock
from qualcode.services import codebooks, coding, corpus, importing
from qualcode.services.project import Project, open_project

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "we the patients phone lunch break schedule list system time never always ward nurse "
    "doctor secretary round handover morning afternoon waiting planning plan day week shift "
    "colleagues respect goal knowledge share talk call meeting region management decision "
    "budget cut reorganisation change because so but then yes really busy late behind"
).split()
SPEAKERS = ["Moderator", "Anne (nurse)", "Bo (physician)", "Carla", "Dorthe", "Erik", "Frida"]


def transcript_text(rng: random.Random, turns: int) -> str:
    lines = []
    for number in range(turns):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 16))).capitalize() + "."
            for _ in range(rng.randint(1, 5))
        ]
        t = number * 9
        stamp = f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}]"
        lines.append(f"{stamp} {rng.choice(SPEAKERS)}: {' '.join(sentences)}")
    return "\n".join(lines) + "\n"


def build(folder: Path, turns: int) -> str:
    url = f"sqlite:///{folder / 'bench.db'}"
    project = open_project(url)
    codebooks.load_codebook_file(project, codebooks.bundled_codebook("three_concepts"))
    keys = [code.key for code in codebooks.codebook_info(project).codes][:8]
    rng = random.Random(11)
    path = folder / "long.txt"
    path.write_text(transcript_text(rng, turns), encoding="utf-8")
    importing.import_one(project, ImportSpec(path=path, department="Bench", title="long"))
    for index, turn in enumerate(corpus.segments(project, 1)[::10]):
        span = (0, min(20, len(turn.text) - 1)) if index % 2 else None
        coding.apply_code(project, turn.id, rng.choice(keys), "anna", span=span, relative=True)
    project.close()
    return url


def rich_table(project: Project, width: int) -> None:
    """The listing before this change: a rich table of every turn."""
    views = corpus.segments(project, 1)
    table = Table(show_lines=True)
    for name in ("id", "#", "speaker", "time", "text", "codes"):
        table.add_column(name, justify="right" if name in ("id", "#") else "left")
    for view in views:
        codes = sorted({f"{c.code_key} [{c.coder}]" for c in view.codings})
        table.add_row(
            str(view.id),
            str(view.ordinal),
            view.speaker or "",
            clock(view.start_time) or "",
            Text(view.text),
            Text("\n".join(codes)),
        )
    Console(file=io.StringIO(), width=width, soft_wrap=True).print(table)


def command(runner: CliRunner, fmt: str) -> Callable[[], None]:
    def run() -> None:
        result = runner.invoke(app, ["segments", "1", "--format", fmt])
        assert result.exit_code == 0, result.output

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1042)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--width", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = build(Path(folder), args.turns)
        os.environ["QUALCODE_DB"] = url
        os.environ.pop("QUALCODE_CODER", None)
        project = open_project(url)
        runner = CliRunner()
        variants: dict[str, Callable[[], None]] = {
            "baseline: rich table": lambda: rich_table(project, args.width),
            "segments (text blocks)": command(runner, "text"),
            "segments --format tsv": command(runner, "tsv"),
            "segments --format json": command(runner, "json"),
            "read: corpus.segments": lambda: corpus.segments(project, 1) and None,
        }
        for run in variants.values():  # warm up caches and imports
            run()
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, run in variants.items():
                start = time.perf_counter()
                run()
                times[name].append(1000 * (time.perf_counter() - start))
        project.close()
    print(f"{args.turns} turns, {args.runs} alternating runs, width {args.width}")
    print(f"{'variant':<26} {'median ms':>10} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(
            f"{name:<26} {statistics.median(values):>10.1f} {min(values):>8.1f} {max(values):>8.1f}"
        )


if __name__ == "__main__":
    main()
