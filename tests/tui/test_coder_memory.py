"""The coder named at the first run is remembered per user and project; --coder overrides."""

from __future__ import annotations

import json
from pathlib import Path

from qualcode.services import corpus
from qualcode.services.project import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.coder_memory import memory_path, remember_coder, remembered_coder
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.corpus import CorpusScreen

from .conftest import build_project


async def test_the_name_given_at_first_run_is_used_next_time(
    make_app, settle, workbench_project, own_config_dir: Path
) -> None:
    async with make_app(coder=None).run_test() as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press(*"bo", "enter")
        await settle(pilot)
    assert memory_path().is_relative_to(own_config_dir)
    assert json.loads(memory_path().read_text("utf-8")) == {workbench_project.name: "bo"}

    app = make_app(coder=None)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CorpusScreen)  # not asked again
        assert app.coder == "bo"
        assert any("Coding as bo" in n.message for n in app._notifications)
        app.open_transcript(corpus.get_transcript(workbench_project, 1))
        await settle(pilot)
        await pilot.press("j", "1")
        await settle(pilot)
    (turn,) = [t for t in corpus.segments(workbench_project, 1, coders=["bo"]) if t.codings]
    assert [c.coder for c in turn.codings] == ["bo"]


async def test_coder_option_overrides_and_is_not_remembered(
    make_app, settle, workbench_project
) -> None:
    remember_coder(workbench_project.name, "bo")
    app = make_app(coder="cy")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.coder == "cy" and isinstance(app.screen, CorpusScreen)
    assert remembered_coder(workbench_project.name) == "bo"


async def test_each_project_remembers_its_own_coder(
    make_app, settle, workbench_project, tmp_path: Path
) -> None:
    remember_coder(workbench_project.name, "bo")
    other = build_project(open_project(f"sqlite:///{tmp_path / 'other.db'}"))
    try:
        app = QualcodeApp(other)
        async with app.run_test() as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TextPrompt)  # a project not seen before asks
            await pilot.press(*"dee", "enter")
            await settle(pilot)
        assert remembered_coder(other.name) == "dee"
        assert remembered_coder(workbench_project.name) == "bo"
    finally:
        other.close()


def test_an_unreadable_memory_file_means_asking_again(workbench_project) -> None:
    memory_path().parent.mkdir(parents=True)
    memory_path().write_text("{not json", "utf-8")
    assert remembered_coder(workbench_project.name) is None
    assert remember_coder(workbench_project.name, "bo")
    assert remembered_coder(workbench_project.name) == "bo"
