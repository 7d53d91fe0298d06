"""Undo and redo of coding actions, checked against what the database holds."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualcode.errors import QualcodeError
from qualcode.services import coding, corpus, memos, suggestions
from qualcode.services.history import CodingHistory
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store.models import Code, Suggestion

CODER = "anna"


def layer(project: Project) -> set[tuple[int, str, int | None, int | None]]:
    """The coder's codings as (segment, key, start, end)."""
    return {
        (c.segment_id, c.code_key, c.start_char, c.end_char)
        for turn in corpus.segments(project, 1, coders=[CODER])
        for c in turn.codings
    }


def test_apply_undo_redo_over_several_levels(coded_project: Project, turns) -> None:
    history = CodingHistory(coded_project, CODER)
    first, second = turns[1].id, turns[2].id
    added = history.apply(first, "temporality.breaks")
    assert [v.code_key for v in added.added] == ["temporality.breaks"]
    history.apply(second, "jobcrafting.workarounds")
    assert layer(coded_project) == {
        (first, "temporality.breaks", None, None),
        (second, "jobcrafting.workarounds", None, None),
    }

    undone = history.undo()
    assert undone is not None and undone.segment_ids == {second}
    assert layer(coded_project) == {(first, "temporality.breaks", None, None)}
    history.undo()
    assert layer(coded_project) == set()
    assert history.undo() is None and not history.can_undo

    history.redo()
    history.redo()
    assert len(layer(coded_project)) == 2
    assert history.redo() is None
    # A redone coding is a new row; undoing it again must still find it.
    history.undo()
    assert layer(coded_project) == {(first, "temporality.breaks", None, None)}


def test_undo_of_remove_restores_span_and_origin(coded_project: Project, turns) -> None:
    turn = turns[2]
    span = (turn.start_char + 2, turn.start_char + 12)
    coding.apply_code(
        coded_project, turn.id, "jobcrafting.workarounds", CODER, span=span, origin="suggestion"
    )
    history = CodingHistory(coded_project, CODER)
    removed = history.remove(turn.id, "jobcrafting.workarounds")
    assert [(v.start_char, v.end_char) for v in removed.removed] == [span]
    assert layer(coded_project) == set()
    history.undo()
    (restored,) = corpus.segments(coded_project, 1, coders=[CODER])[2].codings
    assert (restored.start_char, restored.end_char, restored.origin) == (*span, "suggestion")
    history.redo()
    assert layer(coded_project) == set()


def test_reapplying_an_existing_coding_is_not_recorded(coded_project: Project, turns) -> None:
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER)
    history = CodingHistory(coded_project, CODER)
    change = history.apply(turns[1].id, "temporality.breaks")
    assert not change and not history.can_undo
    assert layer(coded_project) == {(turns[1].id, "temporality.breaks", None, None)}


def test_a_new_action_clears_redo_and_depth_is_bounded(coded_project: Project, turns) -> None:
    history = CodingHistory(coded_project, CODER, depth=2)
    for turn in turns[:3]:
        history.apply(turn.id, "temporality.breaks")
    history.undo()
    history.undo()
    assert not history.can_undo  # the oldest step fell off
    history.apply(turns[3].id, "jobcrafting.task")
    assert not history.can_redo
    assert layer(coded_project) == {
        (turns[0].id, "temporality.breaks", None, None),
        (turns[3].id, "jobcrafting.task", None, None),
    }


def test_undo_of_a_vanished_coding_explains_and_moves_on(coded_project: Project, turns) -> None:
    history = CodingHistory(coded_project, CODER)
    history.apply(turns[1].id, "temporality.breaks")
    history.apply(turns[2].id, "jobcrafting.task")
    coding.remove_code(coded_project, turns[2].id, "jobcrafting.task", CODER)
    with pytest.raises(QualcodeError, match="Cannot undo 'apply jobcrafting.task'"):
        history.undo()
    history.undo()
    assert layer(coded_project) == set()


def everything(project: Project) -> list[tuple[object, ...]]:
    """Every turn with its bounds, times, memos and every coder's codings, ids included."""
    return [
        (
            turn.id,
            turn.ordinal,
            turn.start_char,
            turn.end_char,
            turn.start_time,
            turn.end_time,
            tuple(turn.memos),
            sorted(
                (c.id, c.coder, c.code_key, c.start_char, c.end_char, c.origin, c.memo)
                for c in turn.codings
            ),
        )
        for turn in corpus.segments(project, 1)
    ]


def suggest(project: Project, segment_id: int, key: str, status: str = "pending") -> int:
    """Store a suggestion of `key` for the coder on the turn; returns its id."""

    def work(session) -> int:
        coder = code_store.ensure_coder(session, CODER)
        code = session.scalar(select(Code).where(Code.key == key))
        row = Suggestion(
            segment_id=segment_id,
            code_id=code.id,
            coder_id=coder.id,
            score=0.8,
            model_version="test",
            status=status,
            reason="break",
        )
        session.add(row)
        session.flush()
        return row.id

    return project.write(work)


def statuses(project: Project) -> set[tuple[int, int, int, str]]:
    """Every stored suggestion as (id, segment, code id, status)."""
    return project.read(
        lambda session: {
            (row.id, row.segment_id, row.code_id, row.status)
            for row in session.scalars(select(Suggestion))
        }
    )


@pytest.fixture
def busy_turns(coded_project: Project, turns) -> Project:
    """Turns 2 and 3 coded by two coders, whole and in spans, with a memo and suggestions."""
    second, third = turns[1], turns[2]
    lunch = second.start_char + second.text.index("proper lunch")
    coding.apply_code(coded_project, second.id, "temporality.breaks", CODER)
    coding.apply_code(
        coded_project, second.id, "temporality.interruptions", CODER, span=(lunch, lunch + 40)
    )
    coding.apply_code(coded_project, third.id, "temporality.breaks", CODER)
    coding.apply_code(
        coded_project,
        third.id,
        "jobcrafting.workarounds",
        "ben",
        span=(third.start_char + 2, third.start_char + 20),
    )
    memos.add_memo(coded_project, "paper again", "ben", segment_id=third.id)
    suggest(coded_project, second.id, "jobcrafting.task")
    suggest(coded_project, third.id, "temporality.interruptions", status="rejected")
    return coded_project


def test_undo_of_a_join_restores_both_turns_exactly(busy_turns: Project, turns) -> None:
    before, suggested = everything(busy_turns), statuses(busy_turns)
    history = CodingHistory(busy_turns, CODER)
    joined = history.join(turns[1].id)
    assert joined.turns == (turns[1].id,)
    after = everything(busy_turns)
    assert len(after) == len(before) - 1

    undone = history.undo()
    assert undone is not None and undone.turns == (turns[1].id, turns[2].id)
    assert everything(busy_turns) == before
    assert statuses(busy_turns) == suggested  # the pending one and the rejected one

    history.redo()
    assert everything(busy_turns) == after
    history.undo()
    assert everything(busy_turns) == before


def test_undo_of_a_split_restores_the_turn_and_later_steps_still_undo(
    busy_turns: Project, turns
) -> None:
    history = CodingHistory(busy_turns, CODER)
    start = everything(busy_turns)
    history.apply(turns[1].id, "jobcrafting.task")
    before = everything(busy_turns)
    at = turns[1].start_char + turns[1].text.index("The phone")  # inside the coded span
    split = history.split(turns[1].id, at)
    first, second = split.turns
    assert first == turns[1].id
    history.apply(second, "jobcrafting.workarounds")
    after = everything(busy_turns)
    assert len(after) == len(before) + 1

    history.undo()  # the apply on the second half
    history.undo()  # the split
    assert everything(busy_turns) == before
    history.undo()  # the apply before the split: its coding kept its id
    assert everything(busy_turns) == start

    history.redo()
    history.redo()
    history.redo()
    assert everything(busy_turns) == after
    assert not history.can_redo


def test_undo_of_an_accepted_suggestion_makes_it_pending_again(
    coded_project: Project, turns
) -> None:
    turn = turns[1]
    suggestion = suggest(coded_project, turn.id, "temporality.breaks")
    history = CodingHistory(coded_project, CODER)
    accepted = history.accept(turn.id, suggestion)
    assert [v.origin for v in accepted.added] == ["suggestion"] and accepted.suggestions
    assert layer(coded_project) == {(turn.id, "temporality.breaks", None, None)}
    assert suggestions.pending_suggestions(coded_project, turn.id, CODER) == []

    undone = history.undo()
    assert undone is not None and [v.code_key for v in undone.removed] == ["temporality.breaks"]
    assert layer(coded_project) == set()
    (pending,) = suggestions.pending_suggestions(coded_project, turn.id, CODER)
    assert (pending.id, pending.status) == (suggestion, "pending")

    history.redo()
    assert layer(coded_project) == {(turn.id, "temporality.breaks", None, None)}
    assert suggestions.pending_suggestions(coded_project, turn.id, CODER) == []


def test_accepting_a_code_already_there_keeps_it_on_undo(coded_project: Project, turns) -> None:
    turn = turns[1]
    coding.apply_code(coded_project, turn.id, "temporality.breaks", CODER)
    suggestion = suggest(coded_project, turn.id, "temporality.breaks")
    history = CodingHistory(coded_project, CODER)
    assert history.accept(turn.id, suggestion).added == ()
    history.undo()
    assert layer(coded_project) == {(turn.id, "temporality.breaks", None, None)}
    assert [s.id for s in suggestions.pending_suggestions(coded_project, turn.id, CODER)] == [
        suggestion
    ]


def test_undo_after_remove_and_its_undo_still_finds_the_coding(
    coded_project: Project, turns
) -> None:
    history = CodingHistory(coded_project, CODER)
    history.apply(turns[1].id, "temporality.breaks")
    history.remove(turns[1].id, "temporality.breaks")
    history.undo()  # the coding is back, under its old id
    history.undo()  # so the apply can be undone
    assert layer(coded_project) == set()
    assert not history.can_undo


def test_a_join_is_not_undone_over_another_coders_new_work(busy_turns: Project, turns) -> None:
    history = CodingHistory(busy_turns, CODER)
    history.join(turns[1].id)
    after = everything(busy_turns)
    coding.apply_code(busy_turns, turns[1].id, "jobcrafting.task", "ben")
    with pytest.raises(QualcodeError, match="Cannot undo 'join'"):
        history.undo()
    assert len(everything(busy_turns)) == len(after)
    assert ("jobcrafting.task", "ben") in {
        (c.code_key, c.coder) for c in corpus.segments(busy_turns, 1)[1].codings
    }
    assert not history.can_undo
