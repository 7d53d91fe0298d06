"""Character-level (NVivo-style) coding comparison."""

import numpy as np
import pytest

from qualcode.analysis.agreement import aggregate_by_length, compare_characters, presence_vector
from qualcode.errors import QualcodeError


def test_presence_vector_marks_half_open_spans_and_overlaps():
    vector = presence_vector(10, [(1, 3), (2, 5), (8, 10)])
    assert vector.tolist() == [False, True, True, True, True, False, False, False, True, True]
    assert not presence_vector(4, []).any()


def test_hand_computed_character_example():
    """Text of 20 characters. Coder A codes [2, 10): characters 2-9 (8). Coder B codes
    [4, 12) and [16, 18): characters 4-11 and 16-17 (10).
    both = 4-9 = 6; A only = 2, 3 = 2; B only = 10, 11, 16, 17 = 4; neither = 20 - 12 = 8.
    p_o = (6 + 8) / 20 = .70; p_A = 8/20 = .4, p_B = 10/20 = .5;
    p_e = .4 * .5 + .6 * .5 = .50; kappa = (.70 - .50) / (1 - .50) = .40."""
    result = compare_characters(20, [(2, 10)], [(4, 12), (16, 18)])
    counts = result.counts
    assert (counts.both, counts.a_only, counts.b_only, counts.neither) == (6, 2, 4, 8)
    assert result.percent_agreement == pytest.approx(0.70)
    assert result.kappa == pytest.approx(0.40)


def test_excluding_uncoded_characters():
    """Same example without the 8 characters neither coded (n = 12): p_o = 6/12 = .5;
    p_A = 8/12, p_B = 10/12; p_e = (8 * 10 + 4 * 2) / 144 = 88/144;
    kappa = (72 - 88) / (144 - 88) = -2/7 - never positive without the 'neither' cell."""
    result = compare_characters(20, [(2, 10)], [(4, 12), (16, 18)], exclude_uncoded=True)
    assert result.counts.neither == 0
    assert result.percent_agreement == pytest.approx(0.5)
    assert result.kappa == pytest.approx(-2 / 7)


def test_nobody_coded_is_full_agreement_with_undefined_kappa():
    result = compare_characters(50, [], [])
    assert result.percent_agreement == 1.0
    assert result.kappa is None
    excluded = compare_characters(50, [], [], exclude_uncoded=True)
    assert excluded.percent_agreement is None
    assert excluded.kappa is None


def test_aggregate_weights_by_transcript_length():
    """Transcript 1 (20 chars): p_o .70, kappa .40 (example above). Transcript 2 (60 chars):
    identical coding, p_o 1, kappa 1. Transcript 3 (100 chars): nobody coded, p_o 1, kappa
    undefined. Percent = (20 * .7 + 60 + 100) / 180 = 174/180; kappa over the transcripts
    where it is defined = (20 * .4 + 60) / 80 = .85."""
    results = [
        compare_characters(20, [(2, 10)], [(4, 12), (16, 18)]),
        compare_characters(60, [(0, 30)], [(0, 30)]),
        compare_characters(100, [], []),
    ]
    summary = aggregate_by_length(results)
    assert summary.percent_agreement == pytest.approx(174 / 180)
    assert summary.kappa == pytest.approx(0.85)
    assert (summary.n_transcripts, summary.total_length) == (3, 180)


def test_aggregate_of_nothing_is_undefined():
    summary = aggregate_by_length([])
    assert (summary.percent_agreement, summary.kappa, summary.total_length) == (None, None, 0)


@pytest.mark.parametrize("span", [(-1, 3), (5, 11), (6, 4)])
def test_spans_outside_the_text_are_rejected(span):
    with pytest.raises(QualcodeError, match="does not lie within a text of 10 characters"):
        compare_characters(10, [span], [])


def test_vectorised_counts_match_a_plain_loop():
    rng = np.random.default_rng(3)
    length = 5_000
    spans = [
        [(int(s), int(s) + int(rng.integers(1, 200))) for s in rng.integers(0, 4_700, 30)]
        for _ in range(2)
    ]
    covered = [{c for start, end in coder for c in range(start, end)} for coder in spans]
    both = len(covered[0] & covered[1])
    result = compare_characters(length, spans[0], spans[1])
    assert result.counts.both == both
    assert result.counts.a_only == len(covered[0]) - both
    assert result.counts.neither == length - len(covered[0] | covered[1])


def _result(length, both, a_only, b_only, neither):
    from qualcode.analysis.agreement import PresenceCounts, agreement_from_counts

    return agreement_from_counts(length, PresenceCounts(both, a_only, b_only, neither))


def test_pooled_kappa_follows_from_the_counts_and_nvivo_means_are_options():
    """Three transcripts by hand. T1 (100 chars): both 10, neither 90 -> kappa 1.
    T2 (50): A only 10, B only 10, neither 30 -> p_o .6, p_e .04 + .64 = .68, kappa -.25.
    T3 (50): nobody coded -> kappa undefined (NVivo reports 1).
    Pooled over all three: both 10, A only 10, B only 10, neither 170, n = 200,
    p_o = 180/200, p_A = p_B = 20/200, p_e = .01 + .81 = .82, kappa = .08/.18 = 4/9.
    NVivo weighted by length over defined kappas: (100 * 1 + 50 * -.25) / 150 = .58333;
    unweighted: (1 - .25) / 2 = .375; with T3 as 1: (100 + -12.5 + 50) / 200 = .6875."""
    from qualcode.analysis.agreement.character import aggregate

    results = [_result(100, 10, 0, 0, 90), _result(50, 0, 10, 10, 30), _result(50, 0, 0, 0, 50)]
    assert results[2].kappa is None
    pooled = aggregate(results)
    assert pooled.kappa == pytest.approx(4 / 9)
    assert pooled.percent_agreement == pytest.approx(180 / 200)
    assert aggregate(results, "weighted").kappa == pytest.approx(87.5 / 150)
    assert aggregate(results, "unweighted").kappa == pytest.approx(0.375)
    nvivo = aggregate(results, "weighted", empty_as_one=True)
    assert nvivo.kappa == pytest.approx(137.5 / 200)
    assert aggregate(results, empty_as_one=True).kappa == pytest.approx(4 / 9)  # pooled: no effect


def test_transcript_bootstrap_interval_contains_pooled_kappa():
    from qualcode.analysis.agreement.character import aggregate, transcript_draws

    results = [_result(100, 10 + k, k % 3, 2, 80 - k) for k in range(8)]
    draws = transcript_draws(len(results), 500, 3)
    combined = aggregate(results, draws=draws)
    low, high = combined.kappa_interval
    assert low <= combined.kappa <= high
    assert aggregate(results, draws=transcript_draws(len(results), 500, 3)) == combined
    # Two codes over the same eight transcripts resample whole transcripts (clusters).
    both = aggregate(results + results, clusters=list(range(8)) * 2, draws=draws)
    assert both.kappa == pytest.approx(combined.kappa)
