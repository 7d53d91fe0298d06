"""Snapshots of the three screens at 80x24 and 160x48 (update: pytest --snapshot-update)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from qualcode.services import coding, corpus, memos
from qualcode.services.project import Project

from .conftest import CODER

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


async def settled(pilot: Pilot) -> None:
    """Wait until no worker runs: a finished worker may start the next (load, then
    suggestions; coder pair, then table), so one wait is not enough."""
    await pilot.pause()
    for _ in range(10):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


@pytest.fixture
def coded(workbench_project: Project) -> Project:
    """A few codings of each kind and a memo, so that every kind of mark is on screen."""
    turns = corpus.segments(workbench_project, 1)
    lunch = turns[1].start_char + turns[1].text.index("proper lunch break")
    coding.apply_code(
        workbench_project,
        turns[1].id,
        "temporality.breaks",
        CODER,
        span=(lunch, lunch + len("proper lunch break")),
    )
    coding.apply_code(workbench_project, turns[1].id, "temporality.interruptions", CODER)
    coding.apply_code(workbench_project, turns[2].id, "jobcrafting.workarounds", CODER)
    memos.add_memo(workbench_project, "A parallel system on paper.", CODER, segment_id=turns[2].id)
    return workbench_project


@SIZES
def test_corpus_screen(snap_compare, make_app, coded, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=settled)


@SIZES
def test_coding_screen(snap_compare, make_app, coded, size) -> None:
    async def open_and_move(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("j", "j")

    assert snap_compare(make_app(), terminal_size=size, run_before=open_and_move)


@SIZES
def test_coding_screen_with_a_selection(snap_compare, make_app, coded, size) -> None:
    async def select(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("j", "v", "w", "W", "W")

    assert snap_compare(make_app(), terminal_size=size, run_before=select)


@SIZES
def test_codebook_screen(snap_compare, make_app, coded, size) -> None:
    async def open_codebook(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("f3")
        await settled(pilot)
        await pilot.press("down", "down")

    assert snap_compare(make_app(), terminal_size=size, run_before=open_codebook)


def test_metadata_editor_80x24(snap_compare, make_app, coded) -> None:
    """`E` on the corpus screen: every field, every speaker and the hint fit 80x24."""

    async def edit(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("E")
        await settled(pilot)
        await pilot.press("down", "down", "down", "down", *"mod")  # a role being completed

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=edit)
