"""SIGKILL in the middle of an import or a batch of codings leaves a consistent database."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qualcode.domain.imports import ImportSpec
from qualcode.services import corpus, importing
from qualcode.services.project import Project

CODES = ["temporality.breaks", "jobcrafting.task", "relational_coordination.shared_goals"]


@pytest.fixture
def workers(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import team_workers as workers  # a plain module so that spawned processes can import it by name

    return workers


def start(target: Callable[..., None], *args: object) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    return process


def wait_for(condition: Callable[[], bool], process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.is_alive(), "the worker ended before the test could kill it"
        assert time.monotonic() < deadline, "the worker never got there"
        time.sleep(0.01)


def kill(process) -> None:
    process.kill()  # SIGKILL: no cleanup, no rollback by the client
    process.join(10)
    assert process.exitcode == -9


def big_transcript(turns: int) -> str:
    return "".join(
        f"P{i % 7}: This is turn {i}, about the rota, the breaks and the phone.\n"
        for i in range(turns)
    )


@pytest.mark.slow  # kills and reruns worker processes
def test_a_killed_import_leaves_nothing_and_rerunning_imports_it(
    team_project: Project, database_url: str, write_file, workers, tmp_path, assert_consistent
) -> None:
    path = write_file("big.txt", big_transcript(5_000))
    marker = tmp_path / "writing"
    process = start(workers.import_and_stall, database_url, str(path), str(marker))
    wait_for(marker.exists, process)
    kill(process)

    assert [t.title for t in corpus.list_transcripts(team_project)] == ["fg"]
    assert_consistent(team_project)
    result = importing.import_one(team_project, ImportSpec(path=path, department="Ward"))
    assert result.status == "imported" and result.turns == 5_000
    assert len(corpus.segments(team_project, result.transcript_id)) == 5_000
    assert_consistent(team_project)


@pytest.mark.slow  # kills and reruns worker processes
def test_a_killed_batch_of_codings_keeps_what_committed_and_finishes_on_rerun(
    team_project: Project, database_url: str, write_file, workers, tmp_path, assert_consistent
) -> None:
    path = write_file("many.txt", big_transcript(200))
    importing.import_one(team_project, ImportSpec(path=path))
    segment_ids = [turn.id for turn in corpus.segments(team_project, 2)]
    progress = tmp_path / "progress"
    process = start(workers.apply_batch, database_url, segment_ids, CODES, str(progress))
    wait_for(lambda: progress.exists() and int(progress.read_text() or 0) >= 60, process)
    kill(process)

    def batch_layer() -> list[tuple[int, str]]:
        return [
            (turn.id, view.code_key)
            for turn in corpus.segments(team_project, 2)
            for view in turn.codings
            if view.coder == "batch"
        ]

    done = batch_layer()
    assert 60 <= len(done) < len(segment_ids) * len(CODES)
    assert len(set(done)) == len(done)
    assert_consistent(team_project)
    workers.apply_batch(database_url, segment_ids, CODES, str(progress))
    assert sorted(batch_layer()) == sorted((s, c) for s in segment_ids for c in CODES)
    assert_consistent(team_project)
