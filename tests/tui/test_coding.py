"""Coding from the keyboard; after each action the test checks what the database holds."""

from __future__ import annotations

from pathlib import Path

from qualcode.services import codebooks, coding, corpus, memos
from qualcode.tui.modals.code_picker import CodePicker
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView

from .conftest import CODER


async def open_transcript(pilot, settle) -> CodingScreen:
    pilot.app.open_transcript(corpus.get_transcript(pilot.app.project, 1))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


async def test_favourite_keys_apply_and_undo_redo_several_levels(make_app, settle, layer) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "1", "j", "2", "j", "3")
        await settle(pilot)
        assert layer() == {
            (2, "temporality.breaks", None),
            (3, "jobcrafting.workarounds", None),
            (4, "temporality.interruptions", None),
        }
        assert [c.code_key for c in screen.view.turns[1].codings] == ["temporality.breaks"]
        await pilot.press("u", "u")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None)}
        assert screen.view.turns[2].codings == []
        await pilot.press("U")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None), (3, "jobcrafting.workarounds", None)}
        await pilot.press("u", "u", "u", "u")
        await settle(pilot)
        assert layer() == set()


async def test_picker_applies_a_code_found_by_its_terms(make_app, settle, layer) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_transcript(pilot, settle)
        await pilot.press("j", "j", "c")
        await settle(pilot)
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"paper list", "enter")
        await settle(pilot)
        assert layer() == {(3, "jobcrafting.workarounds", None)}
        assert app.screen.code_tree.counts["jobcrafting.workarounds"] == 1


async def test_remove_asks_which_code_when_there_are_several(
    make_app, settle, layer, workbench_project
) -> None:
    turn = corpus.segments(workbench_project, 1)[1]
    for key in ("temporality.breaks", "temporality.interruptions"):
        coding.apply_code(workbench_project, turn.id, key, CODER)
    app = make_app()
    async with app.run_test() as pilot:
        await open_transcript(pilot, settle)
        await pilot.press("j", "x")
        await settle(pilot)
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"interr", "enter")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None)}
        await pilot.press("x")  # one code left: removed at once
        await settle(pilot)
        assert layer() == set()
        await pilot.press("u")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None)}


async def test_open_code_is_created_in_place_and_applied(
    make_app, settle, layer, workbench_project
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "j", "j", "j", "n")
        await pilot.press(*"IT system", "enter")
        await settle(pilot)
        assert layer() == {(5, "open.it_system", None)}
        code = codebooks.codebook_info(workbench_project).get("open.it_system")
        assert code is not None and code.is_open
        assert screen.code_tree.codes["open.it_system"].name == "IT system"
        assert screen.focused is screen.view


async def test_span_coding_codes_the_selected_words_snapped_to_whole_words(
    make_app, settle, layer
) -> None:
    """The coded span takes whole words, without the full stop or spaces at its ends."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_transcript(pilot, settle)
        # Turn 2: "We never get a proper lunch break. The phone rings ..."
        await pilot.press("j", "v", "w", "w", "w", "w", "W", "W", "W")
        assert screen.view.selection is not None
        await pilot.press("1")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", "proper lunch break")}
        assert screen.view.selection is None
        # "nev" of "never": the whole word is coded
        await pilot.press("v", "w", "shift+right", "shift+right", "c", *"interr", "enter")
        await settle(pilot)
        assert (2, "temporality.interruptions", "never") in layer()
        # from "ver" of "never" over the space to "g" of "get": "never get"
        await pilot.press("v", "w", "l", "l", "shift+right", "shift+right", "shift+right")
        await pilot.press("shift+right", "n", *"pressure", "enter")
        await settle(pilot)
        assert (2, "open.pressure", "never get") in layer()


async def test_a_selection_without_a_word_codes_nothing(make_app, settle, layer) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_transcript(pilot, settle)
        # Turn 2: the caret on the space after "We"
        await pilot.press("j", "v", "l", "l", "1")
        await settle(pilot)
        assert layer() == set()
        assert screen.view.selection is not None  # still selecting, to move onto a word


async def test_split_and_join_keep_codings_on_their_text(
    make_app, settle, layer, workbench_project
) -> None:
    turn = corpus.segments(workbench_project, 1)[1]
    start = turn.text.index("The phone")
    span = (turn.start_char + start, turn.start_char + start + len("The phone rings"))
    coding.apply_code(workbench_project, turn.id, "temporality.interruptions", CODER, span=span)
    coding.apply_code(workbench_project, turn.id, "temporality.breaks", CODER)
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "s")  # at the first sentence boundary
        await settle(pilot)
        turns = corpus.segments(workbench_project, 1)
        assert len(turns) == 9
        assert turns[1].text == "We never get a proper lunch break."
        assert layer() == {
            (2, "temporality.breaks", None),
            (3, "temporality.breaks", None),
            (3, "temporality.interruptions", "The phone rings"),
        }
        assert len(screen.view.turns) == 9 and screen.view.cursor == 1
        await pilot.press("J")
        await settle(pilot)
        assert len(corpus.segments(workbench_project, 1)) == 8
        assert layer() == {
            (2, "temporality.breaks", None),
            (2, "temporality.interruptions", "The phone rings"),
        }


async def test_undo_and_redo_split_and_join(make_app, settle, layer, workbench_project) -> None:
    """Undoing a join puts both turns back with every coding as it was, spans included."""
    turns = corpus.segments(workbench_project, 1)
    second, third = turns[1], turns[2]
    phone = second.start_char + second.text.index("The phone")
    coding.apply_code(workbench_project, second.id, "temporality.breaks", CODER)
    coding.apply_code(
        workbench_project, second.id, "temporality.interruptions", CODER, span=(phone, phone + 15)
    )
    coding.apply_code(workbench_project, third.id, "jobcrafting.workarounds", CODER)
    coding.apply_code(
        workbench_project,
        third.id,
        "temporality.breaks",
        "ben",
        span=(third.start_char + 2, third.start_char + 8),
    )
    memos.add_memo(workbench_project, "a paper list", CODER, segment_id=third.id)
    unsplit = all_codings(workbench_project)
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "J")  # join turns 2 and 3
        await settle(pilot)
        joined = all_codings(workbench_project)
        assert len(corpus.segments(workbench_project, 1)) == 7
        assert len(screen.view.turns) == 7
        await pilot.press("u")
        await settle(pilot)
        assert all_codings(workbench_project) == unsplit
        assert corpus.segments(workbench_project, 1)[2].memos == ["a paper list"]
        assert [c.code_key for c in screen.view.turns[2].codings] == ["jobcrafting.workarounds"]
        assert len(screen.view.turns) == 8 and screen.view.cursor == 1
        await pilot.press("U")
        await settle(pilot)
        assert all_codings(workbench_project) == joined

        await pilot.press("u", "s")  # back to two turns; split turn 2 at its first sentence
        await settle(pilot)
        assert len(corpus.segments(workbench_project, 1)) == 9
        assert layer() == {
            (2, "temporality.breaks", None),
            (3, "temporality.breaks", None),
            (3, "temporality.interruptions", "The phone rings"),
            (4, "jobcrafting.workarounds", None),
        }
        await pilot.press("u")
        await settle(pilot)
        assert all_codings(workbench_project) == unsplit
        assert len(screen.view.turns) == 8


def all_codings(project) -> list[tuple[object, ...]]:
    """Every coder's codings with their ids, turns (by bounds), spans and origins."""
    return sorted(
        (c.id, turn.start_char, turn.end_char, c.coder, c.code_key, c.start_char, c.end_char)
        for turn in corpus.segments(project, 1)
        for c in turn.codings
    )


async def test_split_at_the_caret(make_app, settle, workbench_project) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_transcript(pilot, settle)
        await pilot.press("j", "j", "v", "w", "w", "w", "s")  # "I keep a |paper list ..."
        await settle(pilot)
        texts = [turn.text for turn in corpus.segments(workbench_project, 1)]
        assert texts[2] == "I keep a" and texts[3].startswith("paper list next to the system.")


async def test_memo_is_saved_and_shown(make_app, settle, workbench_project) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_transcript(pilot, settle)
        await pilot.press("j", "j", "m")
        await pilot.press(*"Paper list as a parallel system", "ctrl+s")
        await settle(pilot)
        turn = corpus.segments(workbench_project, 1)[2]
        assert turn.memos == ["Paper list as a parallel system"]
        assert [memo.coder for memo in memos.list_memos(workbench_project)] == [CODER]
        assert screen.view.turns[2].memos == turn.memos
        assert screen.query_one("#memos").display


async def test_keymap_remaps_a_binding_by_its_id(make_app, settle, layer) -> None:
    app = make_app(keymap={"coding.undo": "z"})
    async with app.run_test() as pilot:
        await open_transcript(pilot, settle)
        await pilot.press("1", "z")
        await settle(pilot)
        assert layer() == set()
        assert isinstance(app.screen.query_one(TranscriptView), TranscriptView)


async def test_picker_stays_quick_with_the_full_codebook(
    make_app, settle, layer, workbench_project
) -> None:
    """The shipped codebook has hundreds of matcher terms; typing must not stall the app."""
    shipped = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"
    codebooks.load_codebook_file(workbench_project, shipped)
    app = make_app()
    async with app.run_test() as pilot:
        await open_transcript(pilot, settle)
        await pilot.press("j", "c", *"reorgan", "enter")
        await settle(pilot)
        assert layer() == {(2, "temporality.reorganisation", None)}
