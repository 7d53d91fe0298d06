"""The Agreement screen: the per-code table, a code's disagreements, adjudication and undo;
after each action the test checks the consensus layer and the adjudication log."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from qualcode.services import adjudication, coding, corpus, roles
from qualcode.services.project import Project
from qualcode.tui.screens.agreement import AgreementScreen, default_pair

SUPERVISOR = "sup"
SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
# (turn ordinal, code) per coder: they agree on turns 1 and 2 and differ about breaks on 6 and 7.
LAYERS = {
    "anna": [(1, "temporality.breaks"), (2, "jobcrafting.workarounds"), (6, "temporality.breaks")],
    "ben": [(1, "temporality.breaks"), (2, "jobcrafting.workarounds"), (7, "temporality.breaks")],
}


@pytest.fixture
def two_coders(workbench_project: Project) -> Project:
    turns = corpus.segments(workbench_project, 1)
    for coder, codings in LAYERS.items():
        for index, key in codings:
            coding.apply_code(workbench_project, turns[index].id, key, coder)
    return workbench_project


def consensus(project: Project) -> set[tuple[int, str]]:
    turns = corpus.segments(project, 1, coders=[adjudication.CONSENSUS])
    return {(turn.ordinal, c.code_key) for turn in turns for c in turn.codings}


async def settled(pilot: Pilot) -> None:
    """Wait until no worker runs: a finished worker may start the next (load, then
    suggestions; coder pair, then table), so one wait is not enough."""
    await pilot.pause()
    for _ in range(10):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


async def open_breaks(pilot: Pilot) -> AgreementScreen:
    await settled(pilot)
    await pilot.press("f5")
    await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AgreementScreen)
    assert screen.pair == ("anna", "ben")
    table = screen.query_one("#agreement-codes", DataTable)
    table.move_cursor(row=[row.code for row in screen.rows].index("temporality.breaks"))
    await pilot.press("enter")
    await settled(pilot)
    return screen


def test_default_pair_is_the_two_coders_with_most_codings() -> None:
    assert default_pair([("carla", 3), ("anna", 9), ("ben", 9)]) == ("anna", "ben")
    assert default_pair([("anna", 9)]) is None


async def test_table_drill_adjudicate_with_memo_and_undo(make_app, two_coders) -> None:
    app = make_app(coder=SUPERVISOR)
    async with app.run_test() as pilot:
        screen = await open_breaks(pilot)
        breaks = next(row for row in screen.rows if row.code == "temporality.breaks")
        assert (breaks.both, breaks.a_only, breaks.b_only) == (1, 1, 1)
        assert [item.ordinal for item in screen.items] == [6, 7]
        await pilot.press("m", *"anna heard it", "enter")
        await pilot.press("a")  # take A (anna) on the first disagreement
        await settled(pilot)
        assert consensus(two_coders) == {(6, "temporality.breaks")}
        (entry,) = adjudication.adjudication_log(two_coders)
        assert (entry.decision, entry.memo, entry.supervisor) == (
            "take:anna",
            "anna heard it",
            "sup",
        )
        assert screen.items[0].resolution is not None
        await pilot.press("down", "n")  # neither, on the second one
        await settled(pilot)
        assert consensus(two_coders) == {(6, "temporality.breaks")}
        assert [e.decision for e in adjudication.adjudication_log(two_coders)] == [
            "take:anna",
            "neither",
        ]
        await pilot.press("up", "u")
        await settled(pilot)
        assert consensus(two_coders) == set()
        log = adjudication.adjudication_log(two_coders)
        assert log[0].undone_at is not None and log[1].active
        await pilot.press("escape")
        await settled(pilot)
        assert screen.code is None


async def test_a_coder_who_is_not_supervisor_is_refused_without_a_crash(
    make_app, two_coders
) -> None:
    roles.add_coder(two_coders, SUPERVISOR, roles.SUPERVISOR)
    app = make_app(coder="anna")
    async with app.run_test() as pilot:
        await open_breaks(pilot)
        await pilot.press("o")  # both
        await settled(pilot)
        assert any("Only a supervisor" in n.message for n in app._notifications)
        assert adjudication.adjudication_log(two_coders) == []
        assert consensus(two_coders) == set()


@SIZES
async def test_agreement_screen_shows_the_services_table(make_app, two_coders, size) -> None:
    # A check of the cells rather than an SVG snapshot: DataTable sometimes paints one frame
    # with the header-sized columns before it re-measures them, which made snapshots flaky.
    app = make_app(coder=SUPERVISOR)
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AgreementScreen)
        table = screen.query_one("#agreement-codes", DataTable)
        shown = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
        assert [row[0] for row in shown] == [row.code for row in screen.rows]
        assert [row[0] for row in shown] == [
            "temporality.breaks",
            "jobcrafting.workarounds",
            "(all codes)",
        ]
        assert shown[0][4:10] == ["75.0%", "8", "1", "1", "1", "5"]


async def measured(pilot: Pilot, table: DataTable) -> None:
    """Wait until the table has measured its columns from the cells (it does so when idle)
    and has painted them: under load a snapshot caught the frame with header-sized columns."""
    code_column = next(iter(table.columns.values()))
    widest = max(len(str(table.get_row_at(r)[0])) for r in range(table.row_count))
    for _ in range(100):
        await pilot.pause(0.05)
        if (
            code_column.content_width >= widest
            and not table._updated_cells
            and not table._require_update_dimensions
        ):
            break
    table.refresh(layout=True)
    await pilot.pause()
    await pilot.pause()


def test_agreement_screen_snapshot_80x24(snap_compare, make_app, two_coders) -> None:
    """At 80x24 the coefficients show next to the pinned code column, with every key."""

    async def open_agreement(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("f5")
        await settled(pilot)
        table = pilot.app.screen.query_one("#agreement-codes", DataTable)
        table.refresh(layout=True)  # columns measured from the cells, not the header
        await settled(pilot)
        await measured(pilot, table)

    app = make_app(coder=SUPERVISOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_agreement)


@SIZES
async def test_the_coefficients_show_without_scrolling(make_app, two_coders, size) -> None:
    app = make_app(coder=SUPERVISOR)
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        await pilot.press("f5")
        await settled(pilot)
        table = pilot.app.screen.query_one("#agreement-codes", DataTable)
        header = table.render_lines(Region(0, 0, *table.size))[0].text
        assert all(name in header for name in ("Code", "α", "κ", "AC1", "Agree"))
        assert table.fixed_columns == 1


async def test_disagreements_name_turns_by_their_1_based_number(make_app, two_coders) -> None:
    app = make_app(coder=SUPERVISOR)
    async with app.run_test() as pilot:
        screen = await open_breaks(pilot)
        table = screen.query_one("#disagreements", DataTable)
        turns = [str(table.get_row_at(r)[1]) for r in range(table.row_count)]
        assert turns == ["7", "8"]  # ordinals 6 and 7: the seventh and eighth turns
        shown = screen.query_one("#disagreement-detail", Static)
        detail = " ".join(strip.text for strip in shown.render_lines(Region(0, 0, *shown.size)))
        assert ", turn 7" in detail
