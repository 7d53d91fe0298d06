"""The suggestions panel: generated when a transcript opens, accepted and rejected by key."""

from __future__ import annotations

from sqlalchemy import select

from qualcode.services import corpus, metadata, suggestions
from qualcode.store import codes as code_store
from qualcode.store.models import Code, Suggestion
from qualcode.tui.components.suggestions_panel import SuggestionsPanel
from qualcode.tui.screens.coding import CodingScreen

from .conftest import CODER


async def open_on_second_turn(pilot, settle, wait_until) -> CodingScreen:
    pilot.app.open_transcript(corpus.get_transcript(pilot.app.project, 1))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    await wait_until(pilot, lambda: bool(screen.panel.pending))
    await pilot.press("g", "j")  # "We never get a proper lunch break. The phone rings ..."
    await settle(pilot)
    return screen


def statuses(project) -> dict[str, str]:
    turn = corpus.segments(project, 1)[1]
    return project.read(
        lambda session: {
            str(row.code_id): row.status
            for row in session.scalars(select(Suggestion).where(Suggestion.segment_id == turn.id))
        }
    )


async def test_opening_generates_and_accept_codes_the_turn(
    make_app, settle, wait_until, layer, workbench_project
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_on_second_turn(pilot, settle, wait_until)
        panel = screen.query_one(SuggestionsPanel)
        assert panel.top is not None and panel.top.code_key == "temporality.breaks"
        assert "break" in panel.top.reason
        await pilot.press("a")
        # The code shows at once, before the write is saved.
        assert [c.code_key for c in screen.view.current.codings] == ["temporality.breaks"]
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None)}
        turn = corpus.segments(workbench_project, 1, coders=[CODER])[1]
        assert [c.origin for c in turn.codings] == ["suggestion"]
        assert panel.top is not None and panel.top.code_key == "temporality.interruptions"


async def test_undo_takes_an_accepted_suggestion_back(
    make_app, settle, wait_until, layer, workbench_project
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_on_second_turn(pilot, settle, wait_until)
        panel = screen.query_one(SuggestionsPanel)
        await pilot.press("a")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None)}
        assert "accepted" in statuses(workbench_project).values()
        await pilot.press("u")
        await settle(pilot)
        assert layer() == set()
        assert set(statuses(workbench_project).values()) == {"pending"}
        assert screen.view.current.codings == []
        assert panel.top is not None and panel.top.code_key == "temporality.breaks"
        await pilot.press("U")
        await settle(pilot)
        assert layer() == {(2, "temporality.breaks", None)}
        assert "accepted" in statuses(workbench_project).values()
        turn = corpus.segments(workbench_project, 1, coders=[CODER])[1]
        assert [c.origin for c in turn.codings] == ["suggestion"]
        assert panel.top is not None and panel.top.code_key == "temporality.interruptions"


async def test_reject_marks_it_rejected_and_it_is_not_offered_again(
    make_app, settle, wait_until, workbench_project
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_on_second_turn(pilot, settle, wait_until)
        panel = screen.query_one(SuggestionsPanel)
        await pilot.press("r")
        await settle(pilot)
        assert panel.top is not None and panel.top.code_key == "temporality.interruptions"
    turn = corpus.segments(workbench_project, 1)[1]
    assert "rejected" in statuses(workbench_project).values()
    suggestions.suggest_for_transcript(workbench_project, 1, CODER)
    pending = suggestions.pending_suggestions(workbench_project, turn.id, CODER)
    assert [s.code_key for s in pending] == ["temporality.interruptions"]
    async with make_app().run_test() as pilot:  # a new session does not show it either
        screen = await open_on_second_turn(pilot, settle, wait_until)
        shown = screen.query_one(SuggestionsPanel).suggestions
        assert [s.code_key for s in shown] == ["temporality.interruptions"]


async def test_toggle_key_hides_and_shows_the_panel(make_app, settle, wait_until) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_on_second_turn(pilot, settle, wait_until)
        slot = screen.query_one("#suggestions-slot")
        assert slot.has_class("-shown")
        await pilot.press("S")
        assert not slot.has_class("-shown")
        await pilot.press("S")
        assert slot.has_class("-shown")


async def test_moderator_turns_are_not_offered_suggestions(
    make_app, settle, wait_until, workbench_project
) -> None:
    """Issue 20 item 10: a suggestion stored for the moderator's turn (made before the
    speaker's role was set) is not offered; the participants' are."""
    moderator, anne = corpus.segments(workbench_project, 1)[:2]
    suggestions.suggest_for_transcript(workbench_project, 1, CODER)

    def store_one(session) -> None:
        coder = code_store.ensure_coder(session, CODER)
        code = session.scalar(select(Code).where(Code.key == "jobcrafting"))
        session.add(
            Suggestion(
                segment_id=moderator.id,
                code_id=code.id,
                coder_id=coder.id,
                score=0.9,
                model_version="before the role was set",
                reason="hear",
            )
        )

    workbench_project.write(store_one)
    metadata.set_speaker_role(workbench_project, 1, "Moderator", "moderator")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_on_second_turn(pilot, settle, wait_until)
        assert anne.id in screen.panel.pending and moderator.id not in screen.panel.pending
        await pilot.press("g")  # the moderator's turn
        await settle(pilot)
        assert screen.panel.top is None
        await pilot.press("a")
        await settle(pilot)
        assert corpus.segments(workbench_project, 1, coders=[CODER])[0].codings == []
