"""Segment-level agreement as MAXQDA's Intercoder Agreement defines it."""

import pytest

from qualcode.analysis.agreement import CodedSegment, segment_agreement
from qualcode.errors import QualcodeError

A = [CodedSegment(0, 100, "X"), CodedSegment(200, 300, "X"), CodedSegment(400, 500, "Y")]
B = [
    CodedSegment(5, 100, "X"),  # overlaps A's first X by 95 of a 100-character union
    CodedSegment(250, 300, "X"),  # overlaps A's second X by 50 of 100
    CodedSegment(400, 500, "Y"),  # identical
    CodedSegment(600, 700, "Y"),  # nothing on A's side
]


def test_hand_computed_segment_example():
    """At 90 % overlap: X - A matches 1 of 2, B matches 1 of 2 -> 2 of 4; Y - A matches 1 of
    1, B 1 of 2 -> 2 of 3. Total 4 matched, 3 unmatched: P_observed = 4/7.
    Two codes, so P_chance = 1/2 and kappa_n = (4/7 - 1/2) / (1 - 1/2) = 1/7."""
    result = segment_agreement([(A, B)])
    x, y = result.codes
    assert (x.code, x.matched_a, x.unmatched_a, x.matched_b, x.unmatched_b) == ("X", 1, 1, 1, 1)
    assert (y.code, y.matched_a, y.unmatched_a, y.matched_b, y.unmatched_b) == ("Y", 1, 0, 1, 1)
    assert x.percent_agreement == pytest.approx(0.5)
    assert y.percent_agreement == pytest.approx(2 / 3)
    assert (result.matched, result.unmatched) == (4, 3)
    assert result.percent_agreement == pytest.approx(4 / 7)
    assert result.kappa == pytest.approx(1 / 7)


def test_lower_overlap_threshold():
    """At 50 % the half-overlapping X segments match too: 6 of 7, kappa_n = 5/7."""
    result = segment_agreement([(A, B)], min_overlap=0.5)
    assert result.percent_agreement == pytest.approx(6 / 7)
    assert result.kappa == pytest.approx(5 / 7)


def test_counts_add_up_over_documents():
    result = segment_agreement([(A, B), (A, B)])
    assert (result.matched, result.unmatched) == (8, 6)
    assert result.percent_agreement == pytest.approx(4 / 7)


def test_declared_codes_restrict_and_set_the_number_of_codes():
    """Only X is compared, but with four declared codes P_chance = 1/4:
    kappa_n = (1/2 - 1/4) / (3/4) = 1/3; a declared code nobody used has no percentage."""
    result = segment_agreement([(A, B)], codes=["X", "Z", "W", "V"])
    assert [c.code for c in result.codes] == ["V", "W", "X", "Z"]
    assert result.percent_agreement == pytest.approx(0.5)
    assert result.kappa == pytest.approx(1 / 3)
    assert result.codes[0].percent_agreement is None


def test_a_single_code_has_no_chance_correction():
    result = segment_agreement([([CodedSegment(0, 10, "X")], [CodedSegment(0, 10, "X")])])
    assert result.percent_agreement == 1.0
    assert result.kappa is None


def test_no_segments_is_undefined():
    result = segment_agreement([([], [])])
    assert (result.percent_agreement, result.kappa, result.codes) == (None, None, ())


def test_invalid_input_is_rejected():
    with pytest.raises(QualcodeError, match="min_overlap must lie in"):
        segment_agreement([(A, B)], min_overlap=0)
    with pytest.raises(QualcodeError, match="is empty or reversed"):
        segment_agreement([([CodedSegment(5, 5, "X")], [])])
