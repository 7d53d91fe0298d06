"""A day of coding at 80x24 (issue 20): every key reachable and shown, turn headers and
chips whole, dialogs wrapped, Compare and Agreement readable, Esc at the coder prompt, and
the workbench reopening where the coder was."""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Tree

from qualcode.domain.coding import CodingView
from qualcode.domain.corpus import SegmentView
from qualcode.services import coding, corpus, done
from qualcode.tui.app import QualcodeApp
from qualcode.tui.coder_memory import remembered_place
from qualcode.tui.modals.code_picker import Choice, CodePicker
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.corpus import CorpusScreen
from qualcode.tui.widgets.key_bar import KeyBar, fit
from qualcode.tui.widgets.status_bar import StatusBar
from qualcode.tui.widgets.turn_render import (
    GUTTER,
    CodeLook,
    TurnStyles,
    layout_turn,
    render_turn,
)

from .conftest import CODER

SMALL = (80, 24)


def shown_lines(widget: Widget) -> list[str]:
    """The text a widget shows on screen, line by line."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.size))]


def shown_words(widget: Widget) -> str:
    return " ".join(" ".join(shown_lines(widget)).split())


async def open_coding(pilot: Pilot, settle) -> CodingScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


# -- the key bar ---------------------------------------------------------------------------


async def test_the_key_bar_shows_the_screens_quit_and_the_most_used_keys_at_80x24(
    make_app, settle
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_coding(pilot, settle)
        bar = screen.query_one(KeyBar)
        keys = {key for key, _ in bar.shown}
        assert {"?", "f1", "f3", "f4", "f5", "f6", "^q"} <= keys  # always there
        assert "f2" not in keys  # not this screen's own
        assert {"c", "1-9", "v", "x", "u", "n", "m", "/"} <= keys  # the most used
        text = "\n".join(shown_lines(bar))
        assert len(shown_lines(bar)) == 2
        for key, description in bar.shown:
            assert f"{key} {description}" in text  # no key is cut in two
        await pilot.press("j", "v")  # selecting: the selection keys show
        keys = {key for key, _ in bar.shown}
        assert {"shift+→", "esc", "f6", "^q"} <= keys


def test_the_key_bar_wraps_between_keys_and_drops_what_does_not_fit() -> None:
    items = [("a", "x" * 10), ("b", "y" * 10), ("c", "z" * 10)]  # 13 cells each
    assert fit(items, 30, 1) == items[:2]
    assert fit(items, 30, 2) == items
    assert fit(items, 20, 2) == items[:2]


def test_the_key_bar_keeps_the_essential_keys_and_drops_the_others_from_the_end() -> None:
    items = [(key, key * 10) for key in "?abcq"]  # 13 cells each, two to a line of 30
    first, a, b, _c, last = items
    assert fit(items, 30, 1, essential={first, last}) == [first, last]
    assert fit(items, 30, 2, essential={first, last}) == [first, a, b, last]
    assert fit(items, 30, 1, essential={first, a, b}) == [first, a]  # they do not fit


# -- turns ---------------------------------------------------------------------------------

STYLES = TurnStyles(*(Style() for _ in range(8)))


def test_a_narrow_turn_header_keeps_its_time_and_memo_marker() -> None:
    turn = SegmentView(
        id=9,
        transcript_id=1,
        ordinal=4,
        speaker="SUSANNE",
        role="deputy head nurse of the surgical ward",
        start_char=0,
        end_char=5,
        start_time=29.0,
        end_time=None,
        text="Hello",
        memos=["why"],
    )
    width = 40
    header = render_turn(turn, 5, layout_turn(turn, width, {}), width, STYLES, {})[0].text
    assert header.startswith(" " * GUTTER + "5 SUSANNE · deputy")
    assert header.rstrip().endswith("00:00:29  ✎ 1")
    assert "…" in header and len(header) == width


def test_code_chips_are_shortened_never_cut() -> None:
    text = "We never get a proper lunch break, the phone rings all the time."
    key = "temporality.breaks"
    codings = [
        CodingView(id=1, code_key=key, coder="anna", segment_id=9),
        CodingView(id=2, code_key=key, coder="anna", segment_id=9, start_char=15, end_char=55),
    ]
    turn = SegmentView(
        id=9,
        transcript_id=1,
        ordinal=1,
        speaker="A",
        role=None,
        start_char=0,
        end_char=len(text),
        start_time=None,
        end_time=None,
        text=text,
        codings=codings,
    )
    name = "Breaks, meals and the lack of them during long shifts"
    looks = {key: CodeLook.make(name, "#cc3333", Color(0, 0, 0))}
    for width in (24, 30, 47):
        inner = width - GUTTER
        chips = [label for row in layout_turn(turn, width, looks).chips for label, _ in row]
        assert len(chips) == 2
        assert chips[0].startswith(" Breaks") and chips[0].endswith("… ")
        assert chips[1].endswith("” ")  # the quoted start of the span is closed
        assert all(len(label) < inner for label in chips)


def test_code_chips_take_the_whole_width_and_wrap_rather_than_shorten() -> None:
    text = "We never get a proper lunch break, the phone rings all the time."
    keys = ("temporality.predictability", "temporality.breaks", "jobcrafting.workarounds")
    names = ("Planning and predictability", "Breaks", "Workarounds and parallel systems")
    turn = SegmentView(
        id=9,
        transcript_id=1,
        ordinal=1,
        speaker="A",
        role=None,
        start_char=0,
        end_char=len(text),
        start_time=None,
        end_time=None,
        text=text,
        codings=[
            CodingView(id=n, code_key=key, coder="anna", segment_id=9) for n, key in enumerate(keys)
        ],
    )
    looks = {
        key: CodeLook.make(name, "#cc3333", Color(0, 0, 0))
        for key, name in zip(keys, names, strict=True)
    }
    width = 47  # the transcript's width on the coding screen at 80x24
    rows = [[label for label, _ in row] for row in layout_turn(turn, width, looks).chips]
    assert [label.strip() for row in rows for label in row] == list(names)  # whole names
    assert len(rows) == 2  # the third does not fit beside the first two: a second line
    assert all(sum(len(label) + 1 for label in row) <= width - GUTTER for row in rows)


# -- dialogs -------------------------------------------------------------------------------

PROMOTE = "Key for open.it_system in the codebook file (e.g. temporality.it_system)"
WRITE = "The codebook in use is the one shipped with qualcode. Write your copy to:"
TEXT_HINT = "Enter to accept · Esc to cancel"
PICKER_HINT = "↑↓ to move · Enter to pick · Esc to cancel"


async def test_dialogs_wrap_their_text_and_fit_80x24(make_app, settle) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for dialog, question, hint in (
            (TextPrompt(PROMOTE, value="open.it_system"), PROMOTE, TEXT_HINT),
            (TextPrompt(WRITE, value="/home/anna/three_concepts.yaml"), WRITE, TEXT_HINT),
            (CodePicker(WRITE, [Choice("a", "A code", "#ff0000")]), WRITE, PICKER_HINT),
        ):
            app.push_screen(dialog)
            await settle(pilot)
            box = dialog.query_one(".dialog")
            assert app.screen.region.contains_region(box.region)
            assert shown_words(dialog.query_one(".dialog-title")) == question
            assert shown_words(dialog.query_one(".dialog-hint")) == hint
            dialog.dismiss(None)
            await settle(pilot)


# -- who is coding -------------------------------------------------------------------------


async def test_esc_at_who_is_coding_asks_again_and_ctrl_q_quits(make_app, settle) -> None:
    app = make_app(coder=None)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        assert "Ctrl+Q quits" in shown_words(app.screen.query_one(".dialog-hint"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, TextPrompt)
        await pilot.press(*"bo", "enter")
        await settle(pilot)
        assert app.coder == "bo"
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


# -- where the coder was -------------------------------------------------------------------


async def test_the_workbench_reopens_at_the_last_transcript_and_turn(
    make_app, settle, wait_until, workbench_project
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_coding(pilot, settle)
        await pilot.press("j", "j", "j")
        await settle(pilot)
    turn = corpus.segments(workbench_project, 1)[3]
    assert remembered_place(workbench_project.name, CODER) == (1, turn.id)

    again = make_app()
    async with again.run_test(size=SMALL) as pilot:
        await wait_until(pilot, lambda: isinstance(again.screen, CodingScreen))
        screen = again.screen
        assert isinstance(screen, CodingScreen)
        await wait_until(pilot, lambda: screen.view.current is not None)
        await settle(pilot)
        assert screen.view.current is not None and screen.view.current.id == turn.id

    other = make_app(coder="bo")  # another coder starts on the corpus
    async with other.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not isinstance(other.screen, CodingScreen)


async def test_a_transcript_opened_while_the_coding_screen_is_still_being_built_opens(
    make_app, settle, wait_until, workbench_project, monkeypatch
) -> None:
    # On a loaded machine the remembered place is read before the coding screen built
    # behind the corpus has its widgets; opening then raised and left the corpus shown.
    turn = corpus.segments(workbench_project, 1)[3]
    info = corpus.get_transcript(workbench_project, 1)

    def open_at_once(app: QualcodeApp) -> None:
        (screen,) = app.get_screen_stack("coding")
        assert not screen.is_mounted  # the case under test
        app.open_transcript(info, turn.id)

    monkeypatch.setattr(QualcodeApp, "open_where_left", open_at_once)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CodingScreen))
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await wait_until(pilot, lambda: screen.view.current is not None)
        await settle(pilot)
        assert screen.view.current is not None and screen.view.current.id == turn.id


# -- done marks and every coder's progress -------------------------------------------------


async def test_d_marks_a_transcript_done_and_the_corpus_shows_each_coder(
    make_app, settle, workbench_project
) -> None:
    turns = corpus.segments(workbench_project, 1)
    coding.apply_code(workbench_project, turns[0].id, "temporality.breaks", "bo")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert done.done_marks(workbench_project) == {1: [CODER]}
        screen = app.screen
        assert isinstance(screen, CorpusScreen)
        tree = screen.query_one("#corpus-tree", Tree)
        assert tree.cursor_node is not None and str(tree.cursor_node.label).endswith("✓")
        status = shown_words(screen.query_one(StatusBar))
        assert f"{CODER} 0% ✓" in status and "bo 12%" in status  # 1 of 8 turns
        await pilot.press("D")  # takes the mark back
        await settle(pilot)
        assert done.done_marks(workbench_project) == {}
