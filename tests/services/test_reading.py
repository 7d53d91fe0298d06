"""Reading a transcript's turns (one read for the CLI and the workbench) and noticing changes."""

from __future__ import annotations

from qualcode.services import blind, codebooks, coding, corpus, memos, reading, segmentation
from qualcode.services.project import Project

CODER = "anna"


def test_segments_carry_the_codings_asked_for_and_the_memos(coded_project: Project, turns) -> None:
    span = (turns[1].start_char + 3, turns[1].start_char + 12)
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER, span=span)
    coding.apply_code(coded_project, turns[2].id, "jobcrafting.workarounds", CODER)
    coding.apply_code(coded_project, turns[2].id, "temporality.breaks", "bo")
    memos.add_memo(coded_project, "paper list", "bo", segment_id=turns[2].id)
    everyone = corpus.segments(coded_project, 1)
    assert [(v.id, v.text) for v in everyone] == [(t.id, t.text) for t in turns]
    assert [(c.coder, c.code_key, c.start_char, c.end_char) for c in everyone[1].codings] == [
        (CODER, "temporality.breaks", *span)
    ]
    assert sorted((c.coder, c.code_key) for c in everyone[2].codings) == [
        (CODER, "jobcrafting.workarounds"),
        ("bo", "temporality.breaks"),
    ]
    own = corpus.segments(coded_project, 1, coders=[CODER])
    assert [(c.coder, c.code_key) for c in own[2].codings] == [(CODER, "jobcrafting.workarounds")]
    assert own[2].memos == ["paper list"]  # everyone's memos while blind mode is off
    # The workbench reads the same turns, the first ones first.
    assert reading.coder_turns(coded_project, 1, CODER) == own
    assert reading.coder_turns(coded_project, 1, CODER, first=2) == own[:2]
    assert not any(v.codings for v in reading.coder_turns(coded_project, 1, "nobody"))


def test_change_stamp_moves_with_codings_memos_and_segments(coded_project: Project, turns) -> None:
    stamps = [reading.change_stamp(coded_project, 1, CODER)]
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER)
    stamps.append(reading.change_stamp(coded_project, 1, CODER))
    memos.add_memo(coded_project, "note", CODER, segment_id=turns[1].id)
    stamps.append(reading.change_stamp(coded_project, 1, CODER))
    segmentation.split_turn(coded_project, turns[1].id, turns[1].start_char + 5)
    stamps.append(reading.change_stamp(coded_project, 1, CODER))
    coding.apply_code(coded_project, turns[0].id, "temporality.breaks", "bo")  # another layer
    stamps.append(reading.change_stamp(coded_project, 1, CODER))
    assert len(set(stamps)) == 4 and stamps[-1] == stamps[-2]


def test_code_counts_are_the_coders_own(coded_project: Project, turns) -> None:
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER)
    coding.apply_code(coded_project, turns[2].id, "temporality.breaks", "bo")
    assert reading.code_counts(coded_project, CODER) == {"temporality.breaks": 1}
    assert reading.code_counts(coded_project, "nobody") == {}
    assert codebooks.codebook_info(coded_project).get("temporality.breaks").n_codings == 2


def test_blind_mode_hides_other_coders_memos(coded_project: Project, turns) -> None:
    memos.add_memo(coded_project, "anna's thought", "anna", segment_id=turns[1].id)
    memos.add_memo(coded_project, "ben's thought", "ben", segment_id=turns[1].id)
    seen = reading.coder_turns(coded_project, 1, "anna")[1].memos
    assert seen == ["anna's thought", "ben's thought"]
    blind.set_blind_mode(coded_project, True, actor=None)
    assert reading.coder_turns(coded_project, 1, "anna")[1].memos == ["anna's thought"]
    assert reading.coder_turns(coded_project, 1, "carl")[1].memos == []


def test_turns_validated_in_blocks_are_the_turns_validated_at_once(
    coded_project: Project, turns, monkeypatch
) -> None:
    coding.apply_code(coded_project, turns[2].id, "jobcrafting.workarounds", CODER)
    memos.add_memo(coded_project, "a note", CODER, segment_id=turns[3].id)
    whole = corpus.segments(coded_project, 1)
    assert len(whole) > 3
    monkeypatch.setattr(corpus, "VALIDATE_BLOCK", 2)  # blocks of 2, the last one short
    assert corpus.segments(coded_project, 1) == whole


def test_a_read_told_to_stop_ends_at_the_next_block(coded_project: Project, monkeypatch) -> None:
    whole = corpus.segments(coded_project, 1)
    monkeypatch.setattr(corpus, "VALIDATE_BLOCK", 2)
    asked: list[int] = []

    def stop_after_one_block() -> bool:
        asked.append(1)
        return len(asked) > 1

    assert corpus.segments(coded_project, 1, stop=stop_after_one_block) == whole[:2]
    assert reading.coder_turns(coded_project, 1, CODER, stop=lambda: True) == []
