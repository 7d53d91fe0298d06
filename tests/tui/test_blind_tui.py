"""Blind mode on the coding screen: only the coder's own codings, and "blind" in the status."""

from __future__ import annotations

from qualcode.services import blind, coding, corpus
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.status_bar import StatusBar

from .conftest import CODER


async def open_transcript(pilot, settle) -> CodingScreen:
    pilot.app.open_transcript(corpus.get_transcript(pilot.app.project, 1))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


def status_text(screen: CodingScreen) -> str:
    return str(screen.query_one(StatusBar).render())


async def test_blind_mode_hides_other_layers_and_says_so(
    make_app, settle, wait_until, workbench_project
) -> None:
    turn = corpus.segments(workbench_project, 1)[1]
    coding.apply_code(workbench_project, turn.id, "temporality.breaks", "ben")
    coding.apply_code(workbench_project, turn.id, "temporality.interruptions", CODER)
    blind.set_blind_mode(workbench_project, True, actor=None)
    async with make_app().run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await wait_until(pilot, lambda: screen.blind)
        await pilot.press("j")
        await settle(pilot)
        shown = screen.view.turns[1].codings
        assert [(c.coder, c.code_key) for c in shown] == [(CODER, "temporality.interruptions")]
        assert "blind" in status_text(screen)


async def test_no_blind_flag_while_blind_mode_is_off(make_app, settle, wait_until) -> None:
    async with make_app().run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await wait_until(pilot, lambda: bool(screen.panel.pending))
        assert not screen.blind
        assert "blind" not in status_text(screen)
