"""The workbench's fast read gives exactly what corpus.segments gives, and notices changes."""

from __future__ import annotations

from qualcode.services import blind, codebooks, coding, corpus, reading, segmentation
from qualcode.services.project import Project

CODER = "anna"


def test_coder_turns_equal_corpus_segments(coded_project: Project, turns) -> None:
    span = (turns[1].start_char + 3, turns[1].start_char + 12)
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER, span=span)
    coding.apply_code(coded_project, turns[2].id, "jobcrafting.workarounds", CODER)
    coding.apply_code(coded_project, turns[2].id, "temporality.breaks", "bo")
    coding.add_memo(coded_project, "paper list", "bo", segment_id=turns[2].id)
    expected = corpus.segments(coded_project, 1, coders=[CODER])
    assert reading.coder_turns(coded_project, 1, CODER) == expected
    assert reading.coder_turns(coded_project, 1, CODER, first=2) == expected[:2]
    assert reading.coder_turns(coded_project, 1, "nobody") == corpus.segments(
        coded_project, 1, coders=[]
    )


def test_change_stamp_moves_with_codings_memos_and_segments(coded_project: Project, turns) -> None:
    stamps = [reading.change_stamp(coded_project, 1, CODER)]
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER)
    stamps.append(reading.change_stamp(coded_project, 1, CODER))
    coding.add_memo(coded_project, "note", CODER, segment_id=turns[1].id)
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
    coding.add_memo(coded_project, "anna's thought", "anna", segment_id=turns[1].id)
    coding.add_memo(coded_project, "ben's thought", "ben", segment_id=turns[1].id)
    seen = reading.coder_turns(coded_project, 1, "anna")[1].memos
    assert seen == ["anna's thought", "ben's thought"]
    blind.set_blind_mode(coded_project, True, actor=None)
    assert reading.coder_turns(coded_project, 1, "anna")[1].memos == ["anna's thought"]
    assert reading.coder_turns(coded_project, 1, "carl")[1].memos == []
