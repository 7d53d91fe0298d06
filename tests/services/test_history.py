"""Undo and redo of coding actions, checked against what the database holds."""

from __future__ import annotations

import pytest

from qualcode.errors import QualcodeError
from qualcode.services import coding, corpus, segmentation
from qualcode.services.history import CodingHistory
from qualcode.services.project import Project

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


def test_forget_drops_steps_on_split_turns(coded_project: Project, turns) -> None:
    history = CodingHistory(coded_project, CODER)
    history.apply(turns[1].id, "temporality.breaks")
    history.apply(turns[2].id, "jobcrafting.task")
    first, second = segmentation.split_segment(coded_project, turns[1].id, turns[1].start_char + 5)
    history.forget({first, second})
    history.undo()
    assert not history.can_undo
    assert {key for _, key, _, _ in layer(coded_project)} == {"temporality.breaks"}


def test_undo_of_a_vanished_coding_explains_and_moves_on(coded_project: Project, turns) -> None:
    history = CodingHistory(coded_project, CODER)
    history.apply(turns[1].id, "temporality.breaks")
    history.apply(turns[2].id, "jobcrafting.task")
    coding.remove_code(coded_project, turns[2].id, "jobcrafting.task", CODER)
    with pytest.raises(QualcodeError, match="Cannot undo 'apply jobcrafting.task'"):
        history.undo()
    history.undo()
    assert layer(coded_project) == set()
