"""Card sections in the workbench: the header where a section starts, next and previous card,
moving a start and giving marked turns to a card (undoable), and card on the Compare screen.
Each test checks what the database holds, at 80x24 first."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from qualcode.services import cards, coding, corpus
from qualcode.services.project import Project
from qualcode.tui.modals.code_picker import CodePicker
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.compare import CompareScreen

from .conftest import CODER

SIZE = (80, 24)


@pytest.fixture
def with_cards(workbench_project: Project) -> Project:
    """The fixture's eight turns (ordinals 0-7): opening 0, breaks 1-4 (Anne: "We never get a
    proper lunch break"), help 5-7 (the moderator: "What would help?"), set by hand."""
    for key, text in [
        ("breaks", "I get the breaks I need during the working day."),
        ("help", "Help arrives when the ward needs it."),
    ]:
        cards.add_card(workbench_project, cards.make_card(key, {"en": text}))
    cards.set_section_start(workbench_project, 2, "breaks")
    cards.set_section_start(workbench_project, 6, "help")
    for segment, key in [(2, "temporality.breaks"), (3, "jobcrafting.workarounds")]:
        coding.apply_code(workbench_project, segment, key, CODER)
    coding.apply_code(workbench_project, 7, "temporality.breaks", CODER)
    return workbench_project


def spans(project: Project) -> list[tuple[str, int, int]]:
    return [(s.label, s.first_ordinal, s.last_ordinal) for s in cards.sections(project, "1")]


async def open_transcript(pilot: Pilot, settle) -> CodingScreen:
    pilot.app.open_transcript(corpus.get_transcript(pilot.app.project, 1))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


def shown(screen: CodingScreen) -> list[str]:
    view = screen.view
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


async def test_headers_and_next_previous_card(make_app, with_cards, settle) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_transcript(pilot, settle)
        lines = shown(screen)
        assert lines[0].startswith(" ▶ opening (before the first card)")
        header = next(line for line in lines if "▶ card breaks" in line)
        assert len(header.rstrip()) <= screen.view.size.width  # nothing clipped at 80x24
        assert "I get the breaks" in header
        await pilot.press("right_square_bracket")
        assert screen.view.cursor == 1
        await pilot.press("right_square_bracket")
        assert screen.view.cursor == 5
        assert any("▶ card help" in line for line in shown(screen))  # scrolled into sight
        await pilot.press("right_square_bracket")  # no card after: stays
        assert screen.view.cursor == 5
        await pilot.press("left_square_bracket")
        assert screen.view.cursor == 1


async def test_moving_a_section_start_is_undoable(make_app, with_cards, settle) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "j", "j", "j", "j", "j")  # turn 7, in the help section
        await pilot.press("left_curly_bracket")
        await settle(pilot)
        assert spans(with_cards) == [("opening", 0, 0), ("breaks", 1, 3), ("help", 4, 7)]
        assert screen.view.turns[4].section is not None
        assert screen.view.turns[4].section.card_key == "help"
        await pilot.press("u")
        await settle(pilot)
        assert spans(with_cards) == [("opening", 0, 0), ("breaks", 1, 4), ("help", 5, 7)]
        assert screen.view.turns[4].section is None
        await pilot.press("U")
        await settle(pilot)
        assert spans(with_cards)[2] == ("help", 4, 7)


async def test_marked_turns_go_to_a_card_and_come_back(make_app, with_cards, settle) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "j", "V", "j")  # turns 3 and 4 marked
        assert screen.view.marked == range(2, 4)
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"help", "enter")
        await settle(pilot)
        assert spans(with_cards) == [
            ("opening", 0, 0),
            ("breaks", 1, 1),
            ("help", 2, 3),
            ("breaks", 4, 4),
            ("help", 5, 7),
        ]
        assert screen.mark is None and screen.view.marked is None
        await pilot.press("u")
        await settle(pilot)
        assert spans(with_cards) == [("opening", 0, 0), ("breaks", 1, 4), ("help", 5, 7)]
        # no mark: the cursor turn opens a section
        await pilot.press("K")
        await settle(pilot)
        await pilot.press(*"help", "enter")
        await settle(pilot)
        assert spans(with_cards)[2] == ("help", 3, 4)


async def test_compare_screen_offers_card(make_app, with_cards, settle) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        for _ in range(3):  # department, group kind, role, card
            await pilot.press("d")
            await settle(pilot)
        view = screen.view
        assert view is not None and view.choice.by == "card"
        assert view.groups == ["breaks", "help"]
        # turns 2-5 and 6-8 (the fixture gives no speaker a role: every turn counts);
        # turn 1, the opening, counts in no card
        assert view.report.comparison.group_turns == [4, 3]
        rows = {key: counts for (_, key, _), counts in zip(view.codes, view.values, strict=True)}
        assert rows["temporality"][:2] == [1, 1]
        assert "in a card's section" in view.report.scope


@pytest.mark.parametrize("size", [SIZE, (160, 48)], ids=["80x24", "160x48"])
def test_coding_screen_with_card_headers_snapshot(snap_compare, make_app, with_cards, size):
    async def to_the_card(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("enter")
        for _ in range(5):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("right_square_bracket", "V", "j")

    assert snap_compare(make_app(), terminal_size=size, run_before=to_the_card)
