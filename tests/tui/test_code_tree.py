"""Counts in the codebook tree line up at the right, however deep or odd the tree is."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from qualcode.domain.corpus import CodebookInfo, CodeInfo
from qualcode.tui.widgets.code_tree import CodeTree


def code(key: str, name: str, parent: str | None, count: int) -> CodeInfo:
    return CodeInfo(
        id=len(key),
        key=key,
        name=name,
        parent_key=parent,
        definition="",
        include=[],
        exclude=[],
        examples=[],
        terms={},
        color="#ff7f0e",
        is_open=False,
        retired=False,
        n_codings=count,
    )


BOOK = CodebookInfo(
    id=1,
    name="shapes",
    title="Every shape of tree",
    version=1,
    content_hash="",
    favourites=["temporality.breaks"],
    codes=[
        code("temporality", "Temporality", None, 3),
        code("temporality.breaks", "Breaks", "temporality", 12),
        code("solo", "A top-level code without children", None, 7),
        code("jobcrafting", "Jobcrafting", None, 1),
        code("jobcrafting.workarounds", "Workarounds", "jobcrafting", 5),
        code("jobcrafting.workarounds.paper", "Paper lists", "jobcrafting.workarounds", 9),
        code("orphan.child", "A child whose parent is gone", "missing", 6),
    ],
)


class TreeApp(App[None]):
    CSS = "CodeTree { width: 40; scrollbar-size-vertical: 1; overflow-x: hidden; }"

    def compose(self) -> ComposeResult:
        yield CodeTree()


async def test_counts_end_in_one_column_at_every_depth() -> None:
    app = TreeApp()
    async with app.run_test(size=(60, 12)) as pilot:
        tree = app.query_one(CodeTree)
        tree.show_codebook(BOOK)
        await pilot.pause()
        lines = ["".join(s.text for s in strip) for strip in tree.render_lines(tree.region)]
        shown = [line.rstrip() for line in lines[: len(BOOK.codes)]]
        assert [line.split()[-1] for line in shown] == ["3", "12", "7", "1", "5", "9", "6"]
        assert {cell_len(line) for line in shown} == {40 - 1}  # one cell kept for the scrollbar
