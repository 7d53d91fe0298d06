"""The workbench reads and makes suggestions for the turns around the cursor only, extends
them as the cursor moves, and stops a read for a transcript it has left."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, select

from qualcode.domain.imports import ImportSpec
from qualcode.services import corpus, importing, suggestions
from qualcode.services.project import Project
from qualcode.services.suggestion_window import LazySuggestions
from qualcode.store.models import Suggestion
from qualcode.tui.screens import coding
from qualcode.tui.screens.coding import CodingScreen

from .conftest import CODER

LINES = [
    "Moderator: Do you get a lunch break, or does the phone ring?",
    "Anne: We never get a proper lunch break. The phone rings all the time.",
    "Bo: I keep a paper list next to the system, a workaround for the shifts.",
    "Anne: Yes.",
    "Carl: Disturbed all day, no break, the phone again and again.",
    "Bo: The paper list is our workaround when the system is down.",
]


@pytest.fixture
def long_transcript(workbench_project: Project, write_file, monkeypatch) -> Project:
    """Transcript 2: 48 turns; the window is 5 turns either side of the cursor."""
    path = write_file("long.txt", "\n".join(LINES * 8) + "\n")
    spec = ImportSpec(path=path, department="Ward", roles={"Moderator": "Moderator"})
    importing.import_one(workbench_project, spec)
    monkeypatch.setattr(coding, "AROUND", 5)
    monkeypatch.setattr(coding, "MARGIN", 2)
    return workbench_project


def suggested_ordinals(project: Project) -> set[int]:
    """Ordinals of transcript 2's turns that have any stored suggestion."""
    ids = {turn.id: turn.ordinal for turn in corpus.segments(project, 2)}
    stored = project.read(lambda session: set(session.scalars(select(Suggestion.segment_id))))
    return {ids[segment] for segment in stored if segment in ids}


async def open_long(pilot, settle) -> CodingScreen:
    pilot.app.open_transcript(corpus.get_transcript(pilot.app.project, 2))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


async def test_suggestions_are_read_and_made_around_the_cursor(
    make_app, settle, long_transcript
) -> None:
    turns = corpus.segments(long_transcript, 2)
    async with make_app().run_test(size=(80, 24)) as pilot:
        screen = await open_long(pilot, settle)
        made = suggested_ordinals(long_transcript)
        assert made and made <= set(range(6))  # the cursor on turn 0: turns 0..5
        assert set(screen.panel.pending) <= {turn.id for turn in turns[:6]}
        screen.view.move_cursor(31)  # Anne: lunch break, phone
        await settle(pilot)
        made = suggested_ordinals(long_transcript)
        assert made & set(range(26, 37)) and made <= set(range(6)) | set(range(26, 37))
        shown = [(s.code_key, s.score, s.reason) for s in screen.panel.suggestions]
        screen.view.move_cursor(35)  # near the window's edge: the window moves with it
        await settle(pilot)
        assert max(suggested_ordinals(long_transcript)) == 40  # not 41, Bo on paper lists
    # The same as made for the whole transcript at once.
    long_transcript.write(lambda session: session.execute(delete(Suggestion)))
    suggestions.suggest_for_transcript(long_transcript, 2, CODER)
    whole = suggestions.pending_suggestions(long_transcript, turns[31].id, CODER)
    assert shown and shown == [(s.code_key, s.score, s.reason) for s in whole]


async def test_leaving_a_transcript_cancels_its_suggestions(
    make_app, settle, wait_until, long_transcript, monkeypatch
) -> None:
    entered, stopped = threading.Event(), threading.Event()

    def slow(lazy, transcript_id, first, last, cancelled, started):
        if transcript_id != 2:
            return 0
        entered.set()
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        if cancelled():
            stopped.set()
        return 0

    monkeypatch.setattr(LazySuggestions, "generate", slow)
    async with make_app().run_test(size=(80, 24)) as pilot:
        pilot.app.open_transcript(corpus.get_transcript(long_transcript, 2))
        await wait_until(pilot, entered.is_set)
        pilot.app.open_transcript(corpus.get_transcript(long_transcript, 1))
        await wait_until(pilot, stopped.is_set)
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.transcript_id == 1
