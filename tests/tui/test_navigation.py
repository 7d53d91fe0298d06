"""Opening transcripts, moving the cursor, searching, switching screens, the palette."""

from __future__ import annotations

from textual.widgets import Input, Tree

from qualcode.domain.imports import ImportSpec
from qualcode.services import corpus, importing, reading
from qualcode.tui.components.turn_reader import FIRST
from qualcode.tui.modals.key_help import KeyHelp
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.corpus import CorpusScreen

from .conftest import FIXTURES


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


async def test_a_transcript_left_at_once_is_not_read_to_its_end(
    make_app, settle, monkeypatch, workbench_project, tmp_path
) -> None:
    # Reading the rest of a long transcript takes the interpreter for seconds that the next
    # transcript's first paint needs; a read replaced before its first screenful is painted
    # stops there.
    copy = tmp_path / "second.txt"
    copy.write_text((FIXTURES / "focus_group.txt").read_text() + "\nAnne: One more.\n")
    importing.import_one(workbench_project, ImportSpec(path=copy, department="Ward"))
    one, two = (corpus.get_transcript(workbench_project, ref) for ref in (1, 2))
    app = make_app()
    calls: list[tuple[int, int | None]] = []
    real = reading.coder_turns

    def recording(project, transcript_id, coder, *, first=None, stop=None):
        calls.append((transcript_id, first))
        if (transcript_id, first) == (1, FIRST):
            # The coder opens the second transcript while the first one's screenful is read.
            app.call_from_thread(app.open_transcript, two)
        return real(project, transcript_id, coder, first=first, stop=stop)

    monkeypatch.setattr(reading, "coder_turns", recording)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_transcript(one)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert {turn.transcript_id for turn in screen.view.turns} == {2}
        assert len(screen.view.turns) == len(corpus.segments(workbench_project, 2))
        assert calls[0] == (1, FIRST)
        assert (2, None) in calls  # the one shown is read whole
        assert (1, None) not in calls  # the one left is not
