"""Agreement benchmark: 3 coders x 100,000 turns x 50 codes, turn and character level.

    python benchmarks/bench_agreement.py [--turns 100000] [--transcripts 1000] [--db FILE]

Generates (bulk inserts, numpy) a fresh SQLite database: 1,000 transcripts of 100 turns, a
codebook of 5 concepts x 10 codes, and three coders: anna codes each code on a turn with
probability 3 %, ben and carla keep each of her codings with probability 0.85 and add
their own at 0.5 %; one coding in ten covers a span inside the turn rather than the whole
turn. Then it times, end to end from the database (a fresh project each time):
- baseline: the raw SELECT of every coding's (segment, code, coder);
- turn level: `qualcode.services.agreement.agreement` with every coefficient per code and
  pooled (percent agreement, Fleiss' kappa, Krippendorff's alpha, Brennan-Prediger, AC1);
- character level: the same with unit="character" (NVivo percent agreement and kappa per
  pair, code and transcript, |u-alpha per code, cu-alpha and Cu-alpha).
Each step runs with intervals off (comparable with the figures before intervals existed)
and then on (Gwet's standard errors, Krippendorff's bootstrap for alpha, the bootstrap over
transcripts at character level), to show their cost; `--intervals-off-only` skips the
second pass and `--steps turn,department,character` picks steps. Each step prints its
ratio to the baseline SELECT of the same run. To compare with an earlier version, run the
script with `PYTHONPATH` set to a copy of that version's `qualcode` package, alternating
with the current one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select, text

from qualcode.domain.agreement import AgreementOptions
from qualcode.services.agreement import agreement
from qualcode.services.project import open_project
from qualcode.store.models import Code, Codebook, Coder, Coding, Segment, Transcript

CONCEPTS, CODES_PER_CONCEPT = 5, 10
CODERS = ("anna", "ben", "carla")
P_CODE, P_KEEP, P_EXTRA, SPAN_SHARE = 0.03, 0.85, 0.005, 0.1
TURN_CHARS = 120
STAMP = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def generate(url: str, turns: int, transcripts: int, seed: int = 7) -> int:
    """Fill a fresh database; returns the number of codings."""
    rng = np.random.default_rng(seed)
    project = open_project(url)
    per = turns // transcripts
    n_codes = CONCEPTS * CODES_PER_CONCEPT
    with project.engine.begin() as connection:
        connection.execute(
            insert(Codebook),
            [{"id": 1, "name": "bench", "version": 1, "content_hash": "0" * 64}],
        )
        concepts = [
            {"id": c + 1, "codebook_id": 1, "key": f"c{c}", "name": f"c{c}", "sort_order": c}
            for c in range(CONCEPTS)
        ]
        codes = [
            {
                "id": CONCEPTS + 1 + i,
                "codebook_id": 1,
                "key": f"c{i // CODES_PER_CONCEPT}.k{i}",
                "name": f"k{i}",
                "parent_id": i // CODES_PER_CONCEPT + 1,
                "sort_order": CONCEPTS + i,
            }
            for i in range(n_codes)
        ]
        connection.execute(insert(Code), concepts + codes)
        connection.execute(
            insert(Coder), [{"id": i + 1, "name": name} for i, name in enumerate(CODERS)]
        )
        body = ("word " * (TURN_CHARS // 5))[: TURN_CHARS - 1] + "\n"
        connection.execute(
            insert(Transcript),
            [
                {
                    "id": t + 1,
                    "title": f"T{t + 1}",
                    "source_name": f"t{t + 1}.txt",
                    "sha256": f"{t + 1:064x}",
                    "text": body * per,
                    "language": "en",
                    "department": f"D{t % 12}",
                    "attributes": {},
                    "imported_at": STAMP,
                }
                for t in range(transcripts)
            ],
        )
        connection.execute(
            insert(Segment),
            [
                {
                    "id": t * per + k + 1,
                    "transcript_id": t + 1,
                    "ordinal": k,
                    "start_char": k * TURN_CHARS,
                    "end_char": (k + 1) * TURN_CHARS,
                }
                for t in range(transcripts)
                for k in range(per)
            ],
        )
        anna = rng.random((per * transcripts, n_codes)) < P_CODE
        layers = [anna] + [
            (anna & (rng.random(anna.shape) < P_KEEP)) | (rng.random(anna.shape) < P_EXTRA)
            for _ in CODERS[1:]
        ]
        rows = []
        for coder, layer in enumerate(layers, start=1):
            units, code = np.nonzero(layer)
            span = rng.random(len(units)) < SPAN_SHARE
            start = (units % per) * TURN_CHARS + rng.integers(0, TURN_CHARS // 2, len(units))
            end = start + rng.integers(10, TURN_CHARS // 2, len(units))
            for u, c, s, a, b in zip(
                units.tolist(),
                code.tolist(),
                span.tolist(),
                start.tolist(),
                end.tolist(),
                strict=True,
            ):
                rows.append(
                    {
                        "coder_id": coder,
                        "code_id": CONCEPTS + 1 + c,
                        "segment_id": u + 1,
                        "start_char": a if s else None,
                        "end_char": b if s else None,
                        "origin": "manual",
                        "created_at": STAMP,
                        "updated_at": STAMP,
                    }
                )
        connection.execute(insert(Coding), rows)
    project.close()
    return len(rows)


def timed(label: str, work: object, baseline: float | None = None) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    ratio = f" {seconds / baseline:6.2f}x baseline" if baseline else ""
    print(f"{label:<48} {seconds:8.2f} s{ratio}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--transcripts", type=int, default=1_000)
    parser.add_argument(
        "--db", type=Path, help="SQLite file: generated unless it exists (default: a temp file)"
    )
    parser.add_argument(
        "--intervals-off-only",
        action="store_true",
        help="time the steps with intervals off only (as before intervals existed)",
    )
    parser.add_argument(
        "--steps", default="turn,department,character", help="which steps, comma-separated"
    )
    args = parser.parse_args()
    # A temporary folder only when no --db is given (the generated file is kept for reuse).
    path = (args.db or Path(tempfile.mkdtemp(prefix="qc-agree-")) / "agree.db").resolve()
    url = f"sqlite:///{path}"
    if path.exists():
        print(f"reusing {path}")
    else:
        started = time.perf_counter()
        n = generate(url, args.turns, args.transcripts)
        print(
            f"generated {n:,} codings, {args.turns:,} turns, {args.transcripts:,} transcripts, "
            f"{CONCEPTS * CODES_PER_CONCEPT} codes, 3 coders in "
            f"{time.perf_counter() - started:.1f} s: {path}"
        )

    def baseline() -> None:
        project = open_project(url)
        with project.engine.connect() as connection:
            connection.execute(text("SELECT segment_id, code_id, coder_id FROM coding")).all()
            connection.execute(select(Segment.id, Segment.transcript_id)).all()
        project.close()

    def run(options: AgreementOptions) -> None:
        project = open_project(url)
        agreement(project, options)
        project.close()

    chosen = set(args.steps.split(","))
    base = timed("baseline: raw SELECT of codings and segments", baseline)
    for intervals in (False,) if args.intervals_off_only else (False, True):
        on = "intervals on" if intervals else "intervals off"
        steps = (
            ("turn", "turn level, per code + pooled", AgreementOptions(intervals=intervals)),
            (
                "department",
                "turn level, by department (12 x 50)",
                AgreementOptions(by="department", intervals=intervals),
            ),
            (
                "character",
                "character level, 3 pairs x 50 codes",
                AgreementOptions(unit="character", intervals=intervals),
            ),
        )
        for key, label, options in steps:
            if key in chosen:
                timed(f"{label}, {on}", lambda options=options: run(options), base)


if __name__ == "__main__":
    main()
