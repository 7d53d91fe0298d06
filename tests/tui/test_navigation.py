"""Opening transcripts, moving the cursor, searching, switching screens, the palette."""

from __future__ import annotations

from textual.widgets import Input, Tree

from qualcode.tui.modals.key_help import KeyHelp
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.corpus import CorpusScreen


async def test_corpus_lists_departments_and_opens_a_transcript(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#corpus-tree", Tree)
        (department,) = tree.root.children
        assert "Ward" in str(department.label)
        (leaf,) = department.children
        assert "Ward: staff group" in str(leaf.label) and "8" in str(leaf.label)
        assert tree.cursor_node is leaf
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert len(screen.view.turns) == 8 and screen.view.cursor == 0
        assert screen.focused is screen.view


async def test_typing_filters_the_corpus(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press(*"surgery")
        tree = app.screen.query_one("#corpus-tree", Tree)
        assert app.screen.query_one("#corpus-filter", Input).value == "surgery"
        assert not tree.root.children
        await pilot.press("escape")
        assert len(tree.root.children) == 1
        assert app.screen.focused is tree


async def test_cursor_keys_move_turn_by_turn(make_app, settle) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.view
        await pilot.press("j", "down", "j")
        assert view.cursor == 3
        await pilot.press("k", "up")
        assert view.cursor == 1
        await pilot.press("G")
        assert view.cursor == 7
        assert view.scroll_offset.y > 0  # the last turn was scrolled into view
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert view.cursor > 1
        await pilot.press("pageup")
        assert view.cursor == 0


async def test_search_jumps_to_the_next_matching_turn(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.view
        await pilot.press("slash", *"phone", "enter")
        assert view.cursor == 1 and view.search == "phone"
        await pilot.press("slash", "enter")  # the term is kept: Enter finds the next one
        assert view.cursor == 6
        await pilot.press("escape")
        assert view.search == ""


async def test_function_keys_switch_screens(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f2")  # nothing open yet: stays, and says why
        assert isinstance(app.screen, CorpusScreen)
        assert any("Open a transcript first" in n.message for n in app._notifications)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("f1", "enter")
        await settle(pilot)
        await pilot.press("j", "f3", "f2")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.view.cursor == 1


async def test_palette_offers_the_screen_actions(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Undo", "Redo", "Split", "Join", "Memo", "Open code", "Go to Codebook"} <= titles


async def test_question_mark_lists_the_keys_of_the_screen(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, KeyHelp)
        keys = dict((what, key) for key, what in app.screen.keys)
        assert keys["Next turn"] == "j ↓"
        assert keys["Apply a favourite code (the codebook lists them)"] == "1-9"
        assert keys["Caret left (selecting)"] == "← h"  # listed even while not selecting
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)


async def test_first_run_asks_who_is_coding(make_app, settle) -> None:
    app = make_app(coder=None)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"bo", "enter", "enter")  # a quick second Enter must not crash it
        await settle(pilot)
        assert app.coder == "bo" and isinstance(app.screen, CorpusScreen | CodingScreen)


async def test_a_dialog_answers_only_once(make_app, settle) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        answers: list[str | None] = []
        prompt = TextPrompt("Name?")
        app.push_screen(prompt, answers.append)
        await pilot.pause()
        prompt.answer("a")
        prompt.answer("b")  # e.g. a second Enter that arrives while the dialog closes
        await settle(pilot)
        assert answers == ["a"] and isinstance(app.screen, CorpusScreen)
