"""Workbench fixtures: a small fixed project, an app factory, and ways to wait and check.

Everything on screen is deterministic: a fixed codebook and transcript, a fixed coder, no
clock; cursors do not blink; tests wait for workers instead of sleeping; remembered coder
names go to a config directory of the test's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, corpus, importing
from qualcode.services.project import Project
from qualcode.tui.app import QualcodeApp

FIXTURES = Path(__file__).parent / "fixtures"
CODER = "anna"

Layer = set[tuple[int, str, str | None]]


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test remembers coder names in a config directory of its own."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


def build_project(project: Project) -> Project:
    codebooks.load_codebook_file(project, FIXTURES / "codebook.yaml")
    importing.import_one(
        project,
        ImportSpec(
            path=FIXTURES / "focus_group.txt",
            title="Ward: staff group",
            department="Ward",
            group_kind="staff",
            recorded_on=date(2025, 3, 11),
        ),
    )
    return project


@pytest.fixture
def workbench_project(project: Project) -> Project:
    return build_project(project)


@pytest.fixture
def make_app(workbench_project: Project) -> Callable[..., QualcodeApp]:
    def make(**options: object) -> QualcodeApp:
        options.setdefault("coder", CODER)
        return QualcodeApp(workbench_project, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def settle() -> Callable[[Pilot], Awaitable[None]]:
    """Wait until workers (loads and saves) are done and the screen has caught up."""

    async def wait(pilot: Pilot) -> None:
        # A finished worker may start the next (the transcript, then its codebook and
        # suggestions), so one wait is not enough under load.
        await pilot.pause()
        for _ in range(10):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if not any(worker.is_running for worker in pilot.app.workers):
                return

    return wait


@pytest.fixture
def wait_until() -> Callable[[Pilot, Callable[[], bool]], Awaitable[None]]:
    """Let the app run until `condition()` holds (for things that take real time)."""

    async def wait(pilot: Pilot, condition: Callable[[], bool], timeout: float = 20) -> None:
        for _ in range(int(timeout / 0.05)):
            if condition():
                return
            await pilot.pause(0.05)
        raise AssertionError("the app never reached the expected state")

    return wait


def read_layer(project: Project) -> Layer:
    """The coder's codings as (turn number, code key, coded text or None for the whole turn)."""
    turns = corpus.segments(project, 1, coders=[CODER])
    result: Layer = set()
    for number, turn in enumerate(turns, start=1):
        for coding in turn.codings:
            text = None
            if coding.start_char is not None and coding.end_char is not None:
                offset = turn.start_char
                text = turn.text[coding.start_char - offset : coding.end_char - offset]
            result.add((number, coding.code_key, text))
    return result


@pytest.fixture
def layer(workbench_project: Project) -> Callable[[], Layer]:
    """Read the test project's coding layer (see read_layer)."""
    return lambda: read_layer(workbench_project)
