"""Eight processes code the same transcripts at once; the end state is exactly as planned."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from qualcode.domain.imports import ImportSpec
from qualcode.services import coding, corpus, importing
from qualcode.services.project import Project

PROCESSES = 8
OWN_APPLIES = 210  # + 70 removals + 100 shared writes: 380 writes a process


def long_transcript(turns: int) -> str:
    lines = [
        f"Speaker{i % 5}: Turn {i}: we talk about breaks, the rota and who calls whom today."
        for i in range(turns)
    ]
    return "\n".join(lines) + "\n"


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
    for segment in segment_ids:  # every coder will try to remove these; each goes once
        coding.apply_code(team_project, segment, workers.TEAM_CODE, "team")

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(
            target=workers.contend,
            args=(database_url, i, segment_ids, codes, OWN_APPLIES, barrier, results),
        )
        for i in range(PROCESSES)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    finished = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [process.exitcode for process in processes] == [0] * PROCESSES
    assert time.perf_counter() - started < 120

    layers: dict[str, set] = {}
    for ref in (1, 2):
        for turn in corpus.segments(team_project, ref):
            for view in turn.codings:
                span = None
                if view.start_char is not None:
                    span = (view.start_char - turn.start_char, view.end_char - turn.start_char)
                unit = (turn.id, view.code_key, span)
                assert unit not in layers.setdefault(view.coder, set()), "duplicated coding"
                layers[view.coder].add(unit)
    for i in range(PROCESSES):
        plan = workers.own_plan(i, segment_ids, codes, OWN_APPLIES)
        assert layers[f"coder{i}"] == workers.expected_layer(plan)
    assert layers["pool"] == {(s, workers.POOL_CODE, None) for s in segment_ids}
    assert "team" not in layers
    assert sum(removed for _, removed, _ in finished) == len(segment_ids)
    assert_consistent(team_project)
