"""Generate a large coded corpus for the query benchmarks, with bulk inserts into a fresh DB.

Default: 1,000,000 codings over 100,000 turns in 96 transcripts (12 departments x 4 focus
groups x 2 rounds), coded with the bundled three-concept codebook by three coders and a
consensus layer. Code use depends on the department so that comparisons find something.

    python benchmarks/gen_codings.py --db /tmp/bench.db
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select

from qualcode.codebook.files import bundled_codebook_path
from qualcode.domain.transcript import TURN_SEPARATOR
from qualcode.services.codebooks import load_codebook_file
from qualcode.services.project import Project, open_project
from qualcode.store.models import Code, Coder, Coding, Segment, Speaker, Transcript
from qualcode.store.transfer import reset_sequences

DEPARTMENTS = (
    "Bed ward", "Outpatient", "Day surgery", "Emergency", "Intensive care", "Maternity",
    "Oncology", "Paediatrics", "Psychiatry", "Radiology", "Rehabilitation", "Geriatrics",
)  # fmt: skip
GROUP_KINDS = ("employee-representatives", "management", "staff", "staff")
ROLES = {
    "management": ("head nurse", "chief physician", "deputy head nurse", "medical secretary"),
    "other": ("nurse", "nursing assistant", "physician", "medical secretary", "nurse"),
}
CODERS = (("anna", False), ("ben", False), ("carla", False), ("consensus", True))
CODINGS_PER_LAYER = (3, 3, 2, 2)  # of every 10 codings on a turn: anna, ben, carla, consensus
SPAN_SHARE = 0.1
ROUNDS = 2
_WORDS = (
    "the a we they it is was and but so not time break shift patient plan day work team "
    "doctor nurse ward handover meeting rhythm behind schedule interrupted phone system "
    "colleagues respect goal knowledge lunch morning evening round discharge admission "
    "always never often sometimes busy quiet waiting staff management region change again"
)
VOCABULARY = tuple(_WORDS.split())
BATCH = 50_000
CREATED = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def generate(project: Project, *, turns: int, codings: int, departments: int, seed: int) -> None:
    """Fill a fresh project: codings spread evenly over turns, then over the four layers."""
    rng = random.Random(seed)
    load_codebook_file(project, bundled_codebook_path())
    with project.engine.begin() as connection:
        if connection.scalar(select(func.count()).select_from(Segment)):
            raise SystemExit("The database already holds a corpus; give a fresh --db.")
        codes = list(connection.execute(select(Code.id, Code.key).order_by(Code.sort_order)))
        code_ids = [code_id for code_id, key in codes if key != "open"]
        coder_ids = _coders(connection)
        segments = _transcripts(connection, rng, turns, departments)
        weights = _department_weights(departments, len(code_ids))
        rows = _codings(rng, segments, code_ids, coder_ids, weights, codings)
        for batch in _batches(rows):
            connection.execute(insert(Coding), batch)
        # The rows above carry explicit ids: PostgreSQL's sequences must continue after them,
        # or the next import fails on a duplicate key.
        reset_sequences(connection)


def _coders(connection: Connection) -> list[int]:
    rows = [{"name": name, "role": "coder", "is_consensus": flag} for name, flag in CODERS]
    connection.execute(insert(Coder), rows)
    return list(connection.scalars(select(Coder.id).order_by(Coder.id)))


def _transcripts(
    connection: Connection, rng: random.Random, turns: int, departments: int
) -> list[tuple[int, int, int, int]]:
    """Insert transcripts, speakers and segments; returns (id, start, end, department index)."""
    groups = [
        (d, kind, r) for d in range(departments) for kind in GROUP_KINDS for r in range(ROUNDS)
    ]
    segments: list[tuple[int, int, int, int]] = []
    segment_id = speaker_id = 0
    for number, (department, kind, round_) in enumerate(groups, start=1):
        share = turns * number // len(groups) - turns * (number - 1) // len(groups)
        roles = ROLES["management" if kind == "management" else "other"]
        speakers = [("Moderator", "moderator")]
        speakers += [(f"P{index}", role) for index, role in enumerate(roles, start=1)]
        first_speaker = speaker_id + 1
        speaker_id += len(speakers)
        texts = [" ".join(rng.choices(VOCABULARY, k=rng.randint(3, 60))) for _ in range(share)]
        name = DEPARTMENTS[department % len(DEPARTMENTS)]
        if department >= len(DEPARTMENTS):
            name += f" {department // len(DEPARTMENTS) + 1}"
        connection.execute(
            insert(Transcript),
            {
                "id": number,
                "title": f"{name}: {kind} {round_ + 1}",
                "source_name": f"generated_{number}.txt",
                "sha256": f"{number:064x}",
                "text": TURN_SEPARATOR.join(texts),
                "language": "en",
                "department": name,
                "group_kind": kind,
                "attributes": {"words": sum(len(text.split()) for text in texts)},
                "imported_at": CREATED,
            },
        )
        connection.execute(
            insert(Speaker),
            [
                {"id": first_speaker + i, "transcript_id": number, "label": label, "role": role}
                for i, (label, role) in enumerate(speakers)
            ],
        )
        rows, start = [], 0
        for ordinal, text in enumerate(texts):
            end = start + len(text) + (len(TURN_SEPARATOR) if ordinal < share - 1 else 0)
            segment_id += 1
            speaker = 0 if ordinal % 3 == 0 else rng.randrange(1, len(speakers))
            rows.append(
                {
                    "id": segment_id,
                    "transcript_id": number,
                    "speaker_id": first_speaker + speaker,
                    "ordinal": ordinal,
                    "start_char": start,
                    "end_char": end,
                    "word_count": len(text.split()),
                    "start_time": ordinal * 7.5,
                    "end_time": ordinal * 7.5 + 7.0,
                }
            )
            segments.append((segment_id, start, start + len(text), department))
            start = end
        connection.execute(insert(Segment), rows)
    return segments


def _department_weights(departments: int, n_codes: int) -> list[list[float]]:
    """Per department, a weight per code: a smooth wave so that departments differ."""
    return [
        [1.0 + 0.6 * math.sin(1.7 * d + 0.9 * c) for c in range(n_codes)]
        for d in range(departments)
    ]


def _codings(
    rng: random.Random,
    segments: list[tuple[int, int, int, int]],
    code_ids: list[int],
    coder_ids: list[int],
    weights: list[list[float]],
    total: int,
) -> Iterator[dict[str, Any]]:
    made = 0
    for index, (segment_id, start, end, department) in enumerate(segments):
        target = total * (index + 1) // len(segments) - made
        per_layer = _spread(target)
        for coder_id, count in zip(coder_ids, per_layer, strict=True):
            for code_id in _distinct(rng, code_ids, weights[department], count):
                span = rng.random() < SPAN_SHARE and end - start > 4
                low = rng.randrange(start, end - 2) if span else None
                yield {
                    "coder_id": coder_id,
                    "code_id": code_id,
                    "segment_id": segment_id,
                    "start_char": low,
                    "end_char": rng.randrange(low + 1, end) if low is not None else None,
                    "origin": "manual",
                    "created_at": CREATED,
                    "updated_at": CREATED,
                }
                made += 1


def _spread(target: int) -> list[int]:
    """Split a turn's codings over the layers in the CODINGS_PER_LAYER proportions."""
    whole = sum(CODINGS_PER_LAYER)
    counts = [target * share // whole for share in CODINGS_PER_LAYER]
    for index in range(target - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


def _distinct(rng: random.Random, items: list[int], weights: list[float], k: int) -> set[int]:
    chosen: set[int] = set()
    while len(chosen) < min(k, len(items)):
        chosen.update(rng.choices(items, weights, k=k - len(chosen)))
    return chosen


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a new SQLite file, or a database URL")
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--codings", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, default=12)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    started = time.perf_counter()
    project = open_project(url)
    generate(
        project,
        turns=args.turns,
        codings=args.codings,
        departments=args.departments,
        seed=args.seed,
    )
    project.close()
    elapsed = time.perf_counter() - started
    print(f"Generated {args.codings:,} codings over {args.turns:,} turns in {elapsed:.1f} s: {url}")


if __name__ == "__main__":
    main()
