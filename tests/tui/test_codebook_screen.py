"""The codebook screen: rename, recolour, merge and promote, checked in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.codebook.files import load_codebook
from qualcode.services import codebooks, coding, corpus
from qualcode.services.project import Project
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.widgets.code_tree import CodeTree

from .conftest import CODER, FIXTURES


@pytest.fixture
def own_file(workbench_project: Project, tmp_path: Path) -> Path:
    """The test codebook retitled in a file of the test's own, loaded as version 2."""
    path = tmp_path / "ours.yaml"
    text = (FIXTURES / "codebook.yaml").read_text("utf-8")
    path.write_text(text.replace("title: Workbench test", "title: Our workbench"), "utf-8")
    codebooks.load_codebook_file(workbench_project, path)
    return path


async def open_codebook(pilot, settle, key: str) -> CodebookScreen:
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodebookScreen)
    screen.query_one(CodeTree).select_key(key)
    await pilot.pause()
    return screen


async def test_rename_and_merge_an_open_code(make_app, settle, layer, workbench_project) -> None:
    codebooks.create_open_code(workbench_project, "paper lists", CODER)
    turn = corpus.segments(workbench_project, 1)[2]
    coding.apply_code(workbench_project, turn.id, "open.paper_lists", CODER)
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_codebook(pilot, settle, "open.paper_lists")
        assert screen.selected is not None and screen.selected.key == "open.paper_lists"
        await pilot.press("r", "ctrl+u", *"Paper lists", "enter")
        await settle(pilot)
        info = codebooks.codebook_info(workbench_project)
        assert info.get("open.paper_lists").name == "Paper lists"
        screen.query_one(CodeTree).select_key("open.paper_lists")
        await pilot.press("m", *"workar", "enter")
        await settle(pilot)
        assert codebooks.codebook_info(workbench_project).get("open.paper_lists") is None
        assert layer() == {(3, "jobcrafting.workarounds", None)}


async def test_promote_writes_the_codebook_file(
    make_app, settle, layer, workbench_project, own_file
) -> None:
    codebooks.create_open_code(workbench_project, "IT system", CODER)
    turn = corpus.segments(workbench_project, 1)[4]
    coding.apply_code(workbench_project, turn.id, "open.it_system", CODER)
    app = make_app()
    async with app.run_test() as pilot:
        await open_codebook(pilot, settle, "open.it_system")
        await pilot.press("p", "ctrl+u", *"temporality.it_system", "enter")
        await settle(pilot)
        info = codebooks.codebook_info(workbench_project)
        assert info.version == 3
        assert not info.get("temporality.it_system").is_open
        assert "temporality.it_system" in load_codebook(own_file)
        assert layer() == {(5, "temporality.it_system", None)}


async def test_recolour_a_file_code_makes_a_new_version(
    make_app, settle, workbench_project, own_file
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_codebook(pilot, settle, "temporality.breaks")
        await pilot.press("c", "ctrl+u", *"#123456", "enter")
        await settle(pilot)
        assert codebooks.codebook_info(workbench_project).get("temporality.breaks").color == (
            "#123456"
        )
        assert load_codebook(own_file).get("temporality.breaks").color == "#123456"


async def test_the_shipped_codebook_is_copied_before_an_edit(
    make_app, settle, workbench_project, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(
        "qualcode.services.codebook_edit.bundled", lambda name: FIXTURES
    )  # treat the test codebook as the one shipped with qualcode
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_codebook(pilot, settle, "temporality")
        assert screen.own_file is None
        copy = tmp_path / "copy.yaml"
        await pilot.press("r", "ctrl+u", *"Time", "enter")
        await pilot.press("ctrl+u", *str(copy), "enter")
        await settle(pilot)
        assert load_codebook(copy).get("temporality").name == "Time"
        assert load_codebook(FIXTURES / "codebook.yaml").get("temporality").name == "Temporality"
        assert codebooks.codebook_info(workbench_project).get("temporality").name == "Time"
