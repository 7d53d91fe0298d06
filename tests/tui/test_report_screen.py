"""The Report screen previews the report the service builds and writes it where asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Tree

from qualcode.services.coding import apply_code
from qualcode.services.project import Project
from qualcode.tui.screens.report import ReportScreen

from .conftest import CODER

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


@pytest.fixture
def coded(workbench_project: Project) -> Project:
    apply_code(workbench_project, 2, "temporality.breaks", CODER)
    apply_code(workbench_project, 7, "temporality.breaks", CODER)
    return workbench_project


def labels(tree: Tree[str]) -> list[str]:
    found: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        found.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return found


@SIZES
async def test_preview_shows_the_reports_structure(coded: Project, make_app, settle, size) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        shown = labels(app.screen.query_one(Tree))
        assert shown[0] == "Ward: analysis of the focus groups"
        assert any(label.startswith("Temporality · 2/") for label in shown)
        assert any(label.startswith("“We never get a proper lunch break") for label in shown)
        assert "Memos (0)" in shown
        footer = str(app.screen.query_one("#keys").render())
        for key in ("Department", "Format", "Write"):
            assert key in footer


async def test_write_asks_where_and_writes(
    coded: Project, make_app, settle, tmp_path: Path
) -> None:
    app = make_app()
    target = tmp_path / "ward.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        prompt = app.screen.query_one(Input)
        assert prompt.value == "report-ward.html"
        prompt.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    assert target.read_text(encoding="utf-8").startswith("# Ward: analysis of the focus groups")


async def test_s_writes_the_matrix_summary_of_the_code_under_the_cursor(
    coded: Project, make_app, settle
) -> None:
    from qualcode.services.matrix import summary_of
    from qualcode.services.report import ReportQuery, build_report

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        tree = app.screen.query_one(Tree)
        node = next(n for n in _nodes(tree.root) if n.data == "temporality")
        tree.move_cursor(node)
        await pilot.press("s")
        await settle(pilot)
        prompt = app.screen.query_one(Input)
        prompt.value = "Breaks are lost to the phone."
        await pilot.press("enter")
        await settle(pilot)
    # the summary links the quotes the report shows for temporality in Ward
    report = build_report(coded, ReportQuery(department="Ward"))
    shown = [q.segment_id for s in report.sections if s.key == "temporality" for q in s.quotes]
    assert shown
    assert summary_of(coded, "department", "Ward", "temporality") == (
        "Breaks are lost to the phone.",
        shown,
    )


def _nodes(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _nodes(child)
