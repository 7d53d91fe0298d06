"""Suggestions made a window of turns at a time equal those made for the whole transcript."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from qualcode.domain.imports import ImportSpec
from qualcode.services import coding, corpus, importing, suggestions
from qualcode.services.project import Project
from qualcode.services.suggestion_queue import window_suggestions
from qualcode.services.suggestion_window import LazySuggestions
from qualcode.store.models import Suggestion

LINES = [
    "Moderator: Do you get a lunch break, or does the phone ring?",
    "Anne: We never get a proper lunch break. The phone rings all the time.",
    "Bo: I keep a paper list next to the system, a workaround for the shifts.",
    "Anne: Yes.",
    "Carl: Disturbed all day, no break, the phone again and again.",
    "Bo: The paper list is our workaround when the system is down.",
]
TURNS = 48
ALL = (0, TURNS)


@pytest.fixture
def long_project(coded_project: Project, write_file) -> Project:
    """Transcript 2: 48 turns, the six above eight times over; the moderator's role set."""
    path = write_file("long.txt", "\n".join(LINES * (TURNS // len(LINES))) + "\n")
    spec = ImportSpec(path=path, department="Ward", roles={"Moderator": "Moderator"})
    importing.import_one(coded_project, spec)
    return coded_project


def pending(project: Project) -> dict[int, list[tuple[str, float, str]]]:
    found = window_suggestions(project, 2, "anna", *ALL)
    return {
        segment: [(s.code_key, s.score, s.reason) for s in items]
        for segment, items in found.items()
    }


def clear(project: Project) -> None:
    """Forget every suggestion (as a project that was never suggested for)."""
    project.write(lambda session: session.execute(delete(Suggestion)))


def test_a_window_gets_what_the_whole_transcript_gets_for_its_turns(long_project) -> None:
    turns = corpus.segments(long_project, 2)
    coding.apply_code(long_project, turns[21].id, "temporality.breaks", "anna")
    lazy = LazySuggestions(long_project, "anna")
    assert lazy.generate(2, 20, 29) == 10
    windowed = pending(long_project)
    in_window = {turn.id for turn in turns[20:30]}
    assert windowed and set(windowed) <= in_window  # nothing outside the window
    clear(long_project)
    suggestions.suggest_for_transcript(long_project, 2, "anna")
    whole = pending(long_project)
    assert {segment: whole[segment] for segment in in_window if segment in whole} == windowed
    assert set(whole) - in_window  # the whole transcript had more to offer


def test_a_window_is_made_once_and_extended_as_asked(long_project) -> None:
    lazy = LazySuggestions(long_project, "anna")
    assert lazy.generate(0, 0, 0) == 0  # no such transcript's turns: nothing to do
    assert lazy.generate(2, 0, 9) == 10
    first = pending(long_project)
    assert lazy.generate(2, 0, 9) == 0  # looked at already this session
    assert lazy.generate(2, 5, 14) == 5  # only the turns not looked at
    assert set(first) < set(pending(long_project))
    # A new session suggests only for the turns that have no suggestion yet.
    bare = [t for t in corpus.segments(long_project, 2)[:20] if t.id not in pending(long_project)]
    assert 5 < len(bare) < 20  # 15..19, and the turns in 0..14 nothing was found for
    assert LazySuggestions(long_project, "anna").generate(2, 0, 19) == len(bare)


def test_a_cancelled_window_stores_nothing(long_project) -> None:
    lazy = LazySuggestions(long_project, "anna")
    assert lazy.generate(2, 0, 9, cancelled=lambda: True) == 0
    assert pending(long_project) == {}
