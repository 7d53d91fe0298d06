"""Eight processes code the same transcripts at once; the end state is exactly what their
operations imply: nothing lost, nothing duplicated, no error reaching a coder."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.domain.imports import ImportSpec
from qualcode.services import coding, corpus, importing
from qualcode.services.project import Project
from qualcode.store.models import Code, Coder, Coding, Segment

PROCESSES = 8
PAIRS = 1_000  # applies and as many removals a process: 2,000 transactions each


def long_transcript(turns: int) -> str:
    lines = [
        f"Speaker{i % 5}: Turn {i}: we talk about breaks, the rota and who calls whom today."
        for i in range(turns)
    ]
    return "\n".join(lines) + "\n"


def stored_codings(project: Project) -> list[tuple[str, tuple, str | None]]:
    """Every coding as (layer, unit with a turn-relative span, memo)."""
    query = (
        select(Coder.name, Coding.segment_id, Code.key, Coding.start_char, Coding.end_char)
        .add_columns(Segment.start_char, Coding.memo)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Segment, Segment.id == Coding.segment_id)
    )
    with project.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        (layer, (segment, key, None if start is None else (start - base, end - base)), memo)
        for layer, segment, key, start, end, base, memo in rows
    ]


@pytest.mark.slow  # eight processes for two minutes
def test_eight_coders_at_once_lose_and_duplicate_nothing(
    team_project: Project, database_url: str, write_file, monkeypatch, assert_consistent
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import team_workers as workers  # a plain module so that spawned processes can import it by name

    path = write_file("long.txt", long_transcript(46))
    importing.import_one(team_project, ImportSpec(path=path, department="Ward"))
    segment_ids = [turn.id for ref in (1, 2) for turn in corpus.segments(team_project, ref)]
    assert len(segment_ids) == 50
    codes = [
        f"{concept}.{leaf}"
        for concept, leaves in {
            "temporality": ("breaks", "interruptions", "rhythm", "predictability"),
            "jobcrafting": ("task", "relational", "cognitive"),
            "relational_coordination": ("shared_goals", "shared_knowledge", "communication"),
        }.items()
        for leaf in leaves
    ]
    seeds = set()  # the shared layer starts full: every unit coded once
    for segment, code, span in workers.units(segment_ids, workers.SHARED_CODES):
        seed = f"seed:{segment}:{code}:{span}"
        coding.apply_code(
            team_project, segment, code, workers.SHARED, span=span, relative=True, memo=seed
        )
        seeds.add(seed)

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(
            target=workers.contend,
            args=(database_url, i, segment_ids, codes, PAIRS, barrier, results),
        )
        for i in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    finished = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [error for *_, error in finished] == [None] * PROCESSES
    assert [process.exitcode for process in processes] == [0] * PROCESSES

    outcomes = [outcome for _, logged, _ in finished for outcome in logged]
    assert len(outcomes) == PROCESSES * 2 * PAIRS
    answers = [(token, memos[0]) for token, memos in outcomes if token]
    created = {token for token, memo in answers if memo == token}
    removed = [memo for token, memos in outcomes if not token for memo in memos]
    assert len(removed) == len(set(removed)), "a coding was reported removed twice"
    assert set(removed) <= created | seeds
    assert {memo for _, memo in answers} <= created | seeds
    stored = stored_codings(team_project)
    assert Counter(memo for *_, memo in stored) == Counter((created | seeds) - set(removed))
    assert len(stored) == len(seeds) + len(created) - len(removed)
    units = Counter((layer, unit) for layer, unit, _ in stored)
    assert max(units.values()) == 1, "duplicated coding"
    for i in range(PROCESSES):
        expected = workers.expected_layer(workers.plan(i, segment_ids, codes, PAIRS), f"coder{i}")
        assert {unit for (layer, unit) in units if layer == f"coder{i}"} == expected
    # The processes really worked on each other's codings: found them when applying the
    # same one, and removed them.
    others = Counter(
        "found" if token else "removed"
        for index, logged, _ in finished
        for token, memos in logged
        for memo in memos
        if memo and memo.split(":")[0] not in ("seed", str(index))
    )
    assert min(others["found"], others["removed"]) > PROCESSES * PAIRS // 20, others
    assert_consistent(team_project)
