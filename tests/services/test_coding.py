"""Coding: apply, remove, undo data, spans, memos, and split/join keeping codings."""

from __future__ import annotations

import itertools

import pytest

from qualcode.domain.corpus import SegmentView
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services import coding, corpus, memos, segmentation
from qualcode.services.project import Project
from qualcode.store.models import Transcript


def layer(project: Project, coder: str = "anna") -> set[tuple[int, str, int | None, int | None]]:
    """Every coding of the coder as (segment ordinal, code, start, end)."""
    views = corpus.segments(project, 1, coders=[coder])
    return {
        (view.ordinal, c.code_key, c.start_char, c.end_char) for view in views for c in view.codings
    }


def assert_tiled(views: list[SegmentView], text_length: int) -> None:
    assert views[0].start_char == 0 and views[-1].end_char == text_length
    for left, right in itertools.pairwise(views):
        assert left.end_char == right.start_char
    assert [view.ordinal for view in views] == list(range(len(views)))


def test_apply_is_idempotent_and_remove_returns_what_it_removed(
    coded_project: Project, turns
) -> None:
    first = coding.apply_code(coded_project, turns[1].id, "temporality.breaks", "anna")
    again = coding.apply_code(coded_project, turns[1].id, "temporality.breaks", "anna")
    assert first.id == again.id
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", "ben")
    assert layer(coded_project) == {(1, "temporality.breaks", None, None)}
    removed = coding.remove_code(coded_project, turns[1].id, "temporality.breaks", "anna")
    assert [view.code_key for view in removed] == ["temporality.breaks"]
    assert layer(coded_project) == set()
    assert layer(coded_project, "ben") == {(1, "temporality.breaks", None, None)}


def test_span_codings_are_checked_against_the_segment(coded_project: Project, turns) -> None:
    turn = turns[1]
    offset = turn.text.index("proper lunch break")
    view = coding.apply_code(
        coded_project,
        turn.id,
        "temporality.breaks",
        "anna",
        span=(offset, offset + len("proper lunch break")),
        relative=True,
    )
    text = coded_project.read(lambda session: session.get_one(Transcript, 1).text)
    assert text[view.start_char : view.end_char] == "proper lunch break"
    with pytest.raises(
        QualcodeError, match=r"Span 0:10000 is not inside segment \d+, whose text is 0:\d+"
    ):
        coding.apply_code(
            coded_project, turn.id, "temporality.breaks", "anna", span=(0, 10_000), relative=True
        )
    whole = coding.apply_code(
        coded_project,
        turn.id,
        "temporality.rhythm",
        "anna",
        span=(turn.start_char, turn.end_char),
    )
    assert not whole.is_span


def test_unknown_segment_code_or_coder_is_a_clear_error(coded_project: Project, turns) -> None:
    with pytest.raises(NotFoundError, match="No segment 999"):
        coding.apply_code(coded_project, 999, "temporality.breaks", "anna")
    with pytest.raises(NotFoundError, match="No code 'temporality.nap'"):
        coding.apply_code(coded_project, turns[1].id, "temporality.nap", "anna")
    with pytest.raises(NotFoundError, match="No coder 'zoe'"):
        coding.remove_code(coded_project, turns[1].id, "temporality.breaks", "zoe")


def test_memos_attach_to_segments(coded_project: Project, turns) -> None:
    memo = memos.add_memo(coded_project, "Lunch is a theme here.", "anna", segment_id=turns[1].id)
    assert memo.target == "segment"
    assert corpus.segments(coded_project, 1)[1].memos == ["Lunch is a theme here."]
    with pytest.raises(QualcodeError):
        memos.add_memo(coded_project, "  ", "anna")


def test_split_keeps_codings_with_their_text_and_join_restores_them(
    coded_project: Project, turns
) -> None:
    turn = turns[1]
    text_length = turns[-1].end_char
    at = turn.start_char + turn.text.index("The phone")
    lunch = turn.start_char + turn.text.index("lunch")
    phone = turn.start_char + turn.text.index("phone")
    crossing = (turn.start_char + turn.text.index("break"), phone + len("phone"))
    coding.apply_code(coded_project, turn.id, "temporality.breaks", "anna")
    coding.apply_code(coded_project, turn.id, "temporality.rhythm", "anna", span=(lunch, lunch + 5))
    coding.apply_code(
        coded_project, turn.id, "temporality.interruptions", "anna", span=(phone, phone + 5)
    )
    coding.apply_code(coded_project, turn.id, "temporality.behind_schedule", "anna", span=crossing)
    before = layer(coded_project)

    first, _second = segmentation.split_turn(coded_project, turn.id, at).segment_ids
    views = corpus.segments(coded_project, 1)
    assert_tiled(views, text_length)
    assert len(views) == 5
    assert views[1].text == "We never get a proper lunch break."
    assert views[2].text.startswith("The phone rings")
    assert views[2].speaker == "Anne"
    assert layer(coded_project) == {
        (1, "temporality.breaks", None, None),
        (2, "temporality.breaks", None, None),
        (1, "temporality.rhythm", lunch, lunch + 5),
        (2, "temporality.interruptions", phone, phone + 5),
        (1, "temporality.behind_schedule", crossing[0], at),
        (2, "temporality.behind_schedule", at, crossing[1]),
    }
    assert views[1].start_time == 10.0 and 10.0 < views[2].start_time < 30.0

    (joined,) = segmentation.join_turns(coded_project, first).segment_ids
    assert joined == first
    views = corpus.segments(coded_project, 1)
    assert_tiled(views, text_length)
    assert len(views) == 4
    after = layer(coded_project)
    assert (1, "temporality.breaks", None, None) in after
    assert (1, "temporality.rhythm", lunch, lunch + 5) in after
    assert (1, "temporality.interruptions", phone, phone + 5) in after
    # The cut span comes back as its two pieces, which together cover the same text.
    assert {c for c in after if c[1] == "temporality.behind_schedule"} == {
        (1, "temporality.behind_schedule", crossing[0], at),
        (1, "temporality.behind_schedule", at, crossing[1]),
    }
    assert before - after == {(1, "temporality.behind_schedule", *crossing)}


def test_join_turns_a_whole_turn_coding_on_one_side_into_a_span(
    coded_project: Project, turns
) -> None:
    coding.apply_code(coded_project, turns[2].id, "jobcrafting.workarounds", "anna")
    segmentation.join_turns(coded_project, turns[1].id)
    assert layer(coded_project) == {
        (1, "jobcrafting.workarounds", turns[2].start_char, turns[2].end_char)
    }


def test_split_and_join_refuse_impossible_requests(coded_project: Project, turns) -> None:
    with pytest.raises(QualcodeError, match="strictly inside"):
        segmentation.split_turn(coded_project, turns[1].id, turns[1].start_char)
    with pytest.raises(QualcodeError, match="last of its transcript"):
        segmentation.join_turns(coded_project, turns[-1].id)
