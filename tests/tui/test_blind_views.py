"""Blind mode on the Agreement and Compare screens comes from the services' one rule: a
coder is told that agreement is a supervisor's view, and compares and quotes only their own
layer; a supervisor sees every layer."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from qualcode.services import blind, coding, corpus, roles
from qualcode.services.project import Project
from qualcode.tui.modals.quotes import QuotesDialog
from qualcode.tui.screens.agreement import AgreementScreen
from qualcode.tui.screens.compare import CompareScreen

from .conftest import CODER

SUPERVISOR = "sup"


def blind_with_two_coders(project: Project) -> None:
    """anna and ben both code breaks on turn 1; ben alone on turn 6; blind mode on."""
    turns = corpus.segments(project, 1)
    for coder, index in [(CODER, 1), ("ben", 1), ("ben", 6)]:
        coding.apply_code(project, turns[index].id, "temporality.breaks", coder)
    roles.add_coder(project, SUPERVISOR, roles.SUPERVISOR)
    blind.set_blind_mode(project, True, actor=SUPERVISOR)


async def open_screen(pilot: Pilot, key: str) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.press(key)
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


async def quoted(pilot: Pilot, screen: CompareScreen) -> list[tuple[int, list[str]]]:
    """The quotes a Compare cell of breaks opens: each turn's index and who coded it."""
    screen.read_quotes(screen.choice, "temporality.breaks", None)
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    dialog = pilot.app.screen
    assert isinstance(dialog, QuotesDialog)
    turns = {
        turn.id: index
        for index, turn in enumerate(corpus.segments(screen.project, 1, actor=SUPERVISOR))
    }
    found = [(turns[quote.segment_id], quote.coders) for quote in dialog.quotes]
    await pilot.press("escape")
    return found


async def test_agreement_is_a_supervisors_view(make_app, workbench_project) -> None:
    blind_with_two_coders(workbench_project)
    async with make_app(coder=CODER).run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f5")
        screen = pilot.app.screen
        assert isinstance(screen, AgreementScreen)
        head = str(screen.query_one("#agreement-head", Static).render())
        assert "Blind mode is on: only a supervisor sees agreement between coders." in head
        assert screen.rows == []
    async with make_app(coder=SUPERVISOR).run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f5")
        screen = pilot.app.screen
        assert isinstance(screen, AgreementScreen)
        assert "temporality.breaks" in [row.code for row in screen.rows]


async def test_compare_offers_and_quotes_only_the_coders_own_layer(
    make_app, workbench_project
) -> None:
    blind_with_two_coders(workbench_project)
    async with make_app(coder=CODER).run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f4")
        screen = pilot.app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.options["layer"] == [(f"coder {CODER}", CODER)]
        assert screen.choice.layer == CODER
        breaks = next(i for i, code in enumerate(screen.view.codes) if code[1] == "temporality")
        assert screen.view.values[breaks][-1] == 1  # anna's one turn, not ben's two
        assert await quoted(pilot, screen) == [(1, [CODER])]
    async with make_app(coder=SUPERVISOR).run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f4")
        screen = pilot.app.screen
        assert isinstance(screen, CompareScreen)
        assert [value for _, value in screen.options["layer"]][:1] == ["all"]
        breaks = next(i for i, code in enumerate(screen.view.codes) if code[1] == "temporality")
        assert screen.view.values[breaks][-1] == 2  # turns 1 and 6
        assert await quoted(pilot, screen) == [(1, [CODER, "ben"]), (6, ["ben"])]
