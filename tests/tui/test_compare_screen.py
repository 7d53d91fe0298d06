"""The Compare screen shows the analysis services' numbers, their quotes, and their turns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from qualcode.domain.imports import ImportSpec
from qualcode.domain.layer import Layer
from qualcode.services import analysis, coding, corpus, importing, quotes
from qualcode.services.analysis import (
    CompareQuery,
    FrequencyQuery,
    TurnScope,
)
from qualcode.services.project import Project
from qualcode.services.quotes import QuoteQuery
from qualcode.tui.modals.quotes import QuotesDialog
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.compare import CompareScreen
from qualcode.tui.widgets.compare_table import CompareTable

from .conftest import CODER

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
PHARMACY = """\
[00:00:03] Moderator: What gets in the way of your work?
[00:00:09] Dana: We keep our own paper list of the orders, because the system loses them.
[00:00:20] Eve: There is no time for a break when the ward calls every five minutes.
[00:00:41] Dana: I built a spreadsheet as a workaround for the stock counts.
[00:00:58] Eve: And the phone interrupts every count.
[00:01:10] Dana: We skip lunch on delivery days.
"""


@pytest.fixture
def compared(workbench_project: Project, tmp_path: Path) -> Project:
    """Two departments, coded by two coders (anna and bo) so that the layers differ."""
    path = tmp_path / "pharmacy.txt"
    path.write_text(PHARMACY, encoding="utf-8")
    importing.import_one(
        workbench_project,
        ImportSpec(
            path=path,
            title="Pharmacy: managers group",
            department="Pharmacy",
            group_kind="managers",
            recorded_on=date(2025, 4, 2),
            roles={"Dana": "manager", "Eve": "staff", "Moderator": "moderator"},
        ),
    )
    ward = corpus.segments(workbench_project, 1)
    pharmacy = corpus.segments(workbench_project, 2)
    for turns, number, key, coder in [
        (ward, 1, "temporality.breaks", CODER),
        (ward, 1, "temporality.interruptions", CODER),
        (ward, 2, "jobcrafting.workarounds", CODER),
        (ward, 6, "temporality.breaks", CODER),
        (ward, 6, "temporality.breaks", "bo"),
        (ward, 7, "temporality.interruptions", "bo"),
        (pharmacy, 1, "jobcrafting.workarounds", CODER),
        (pharmacy, 3, "jobcrafting.workarounds", CODER),
        (pharmacy, 3, "jobcrafting.workarounds", "bo"),
        (pharmacy, 2, "temporality.breaks", "bo"),
        (pharmacy, 4, "temporality.interruptions", CODER),
        (pharmacy, 5, "temporality.breaks", CODER),
    ]:
        coding.apply_code(workbench_project, turns[number].id, key, coder)
    return workbench_project


def cell_text(value: int | float | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def expected_rows(project: Project, by: str, measure: str, layer: Layer) -> list[list[str]]:
    """The services' answer as table rows: code, name, each group's value and mark, total."""
    comparison = analysis.compare(project, CompareQuery(by=by, layer=layer)).comparison
    keys = tuple(key for _, key, _ in comparison.codes)
    table = analysis.frequency(
        project, FrequencyQuery(by=(by,), measure=measure, layer=layer, codes=keys, depth=1)
    ).tables[0]
    assert table.columns[2:-1] == comparison.groups
    marks = {"over": " ▲", "under": " ▼", None: "  "}
    rows = []
    for r, row in enumerate(analysis.code_rows(table)):
        groups = [
            cell_text(value)  # type: ignore[arg-type]
            + marks[comparison.style(r, c)]
            + ("" if comparison.testable(r, c) else "°")
            for c, value in enumerate(row[2:-1])
        ]
        rows.append([str(row[0]), str(row[1]), *groups, cell_text(row[-1]) + "  "])  # type: ignore[arg-type]
    return rows


def shown_rows(table: CompareTable) -> list[list[str]]:
    return [[cell.plain for cell in table.get_row_at(r)] for r in range(table.row_count)]


def shown_groups(table: CompareTable) -> list[str]:
    return [str(column.label) for column in table.columns.values()][2:-1]


async def open_compare(pilot: Pilot) -> CompareScreen:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.press("f4")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def test_table_shows_the_services_numbers_for_each_choice(make_app, compared, settle):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        table = screen.query_one(CompareTable)
        everyone = Layer()
        assert shown_groups(table) == ["Pharmacy", "Ward"]
        assert shown_rows(table) == expected_rows(compared, "department", "turns", everyone)
        shown = str(screen.query_one("#compare-test").render())
        assert "Scope: participant turns (not moderator, facilitator, interviewer)" in shown
        assert "Unit: turn; N = " in shown
        assert "° expected count below 5: not judged" in shown

        await pilot.press("d")  # by group kind
        await settle(pilot)
        assert shown_groups(table) == ["managers", "staff"]
        assert shown_rows(table) == expected_rows(compared, "group-kind", "turns", everyone)

        await pilot.press("l", "l")  # all coders -> anna -> bo
        await settle(pilot)
        bo = Layer.coder("bo")
        assert screen.choice.layer == "bo"
        assert shown_rows(table) == expected_rows(compared, "group-kind", "turns", bo)
        assert shown_rows(table) != expected_rows(compared, "group-kind", "turns", everyone)

        await pilot.press(*"mmmmm", "d")  # % of turns, by speaker role
        await settle(pilot)
        assert (screen.choice.measure, screen.choice.by) == ("percent", "speaker-role")
        assert shown_rows(table) == expected_rows(compared, "speaker-role", "percent", bo)


async def test_enter_on_a_cell_lists_its_quotes_and_a_quote_opens_its_turn(
    make_app, compared, settle, wait_until
):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_compare(pilot)
        table = screen.query_one(CompareTable)
        row = next(r for r, code in enumerate(screen.view.codes) if code[1] == "jobcrafting")
        table.cursor_coordinate = Coordinate(row, 2)  # jobcrafting x Pharmacy
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, QuotesDialog))
        dialog = app.screen
        scope = quotes.scope_for_group(TurnScope(), "department", "Pharmacy")
        expected = quotes.quotes(compared, QuoteQuery(code="jobcrafting", scope=scope)).quotes
        assert len(expected) == 2
        assert dialog.quotes == expected
        options = dialog.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            str(quote.segment_id) for quote in expected
        ]

        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CodingScreen))
        await settle(pilot)
        coding_screen = app.screen
        assert app.transcript is not None and app.transcript.id == expected[1].transcript_id
        assert coding_screen.view.current is not None
        assert coding_screen.view.current.id == expected[1].segment_id


@SIZES
def test_compare_screen(snap_compare, make_app, compared, size) -> None:
    async def open_and_move(pilot: Pilot) -> None:
        await open_compare(pilot)
        await pilot.press("down")

    assert snap_compare(make_app(), terminal_size=size, run_before=open_and_move)


async def test_the_code_column_stays_while_the_groups_scroll(make_app, compared) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        table = screen.query_one(CompareTable)
        assert table.fixed_columns == 1
        for _ in range(len(table.columns)):
            await pilot.press("right")
        await pilot.pause()
        lines = [strip.text for strip in table.render_lines(Region(0, 0, *table.size))]
        assert "Total" in lines[0] and lines[0].lstrip().startswith("Code")
        assert lines[1].lstrip().startswith(shown_rows(table)[0][0])


async def test_at_80x24_the_notes_scroll_instead_of_cutting_the_warnings(
    make_app, compared
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        await pilot.pause()
        notes = screen.query_one("#compare-notes")
        test = screen.query_one("#compare-test", Static)
        text = str(test.render())
        assert "⚠" in text  # the study has warnings (few focus groups per department)
        # more lines than fit at 80x24: the scroll bar shows, and the last line is reachable
        assert test.size.height > notes.size.height  # wrapped lines
        assert notes.show_vertical_scrollbar
        notes.scroll_end(animate=False)
        await pilot.pause()
        assert notes.scroll_y == notes.max_scroll_y > 0
