"""Frequency shaping from query rows: roll-up map, groups, measures and the table."""

from __future__ import annotations

import pytest

from qualcode.analysis.frequency import (
    NONE_LABEL,
    Facts,
    Grouping,
    Tally,
    frequency_table,
    measure_value,
    select_codes,
)
from qualcode.analysis.frequency import Denominator as Base
from qualcode.domain.counts import CodedTurns, TranscriptFacts, TurnTotals
from qualcode.domain.rollup import RollUp

CODES = [
    (1, "temporality", "Temporality"),
    (2, "temporality.breaks", "Breaks"),
    (3, "temporality.breaks.lunch", "Lunch"),
    (4, "temporality.interruptions", "Interruptions"),
    (5, "temporality_other", "Not a child of temporality"),
]
TRANSCRIPTS = {
    10: TranscriptFacts(10, "Ward: staff", "Ward", "staff"),
    11: TranscriptFacts(11, "Clinic: staff", "Clinic", "staff"),
    12: TranscriptFacts(12, "Clinic: staff", "Clinic", None),
}
FACTS = Facts.of(TRANSCRIPTS, {100: "nurse", 101: None}, {7: "anna", 8: "ben"})


def test_roll_up_follows_dotted_key_prefixes_only() -> None:
    rollup = RollUp.build([(c, k) for c, k, _ in CODES], [1, 2, 5])
    assert rollup.own == (1, 2, 5)
    # temporality covers its children and grandchildren but not "temporality_other";
    # breaks (depth 1) covers lunch.
    assert rollup.levels == (((1, (2, 3, 4)),), ((2, (3,)),))
    assert rollup.descendants(1) == (1, 2, 3, 4)
    assert rollup.descendants(5) == (5,)


def test_select_codes_by_key_and_depth() -> None:
    assert [c[1] for c in select_codes(CODES, ["temporality.breaks"])] == [
        "temporality.breaks",
        "temporality.breaks.lunch",
    ]
    assert [c[1] for c in select_codes(CODES, depth=1)] == ["temporality", "temporality_other"]
    assert [c[1] for c in select_codes(CODES, ["temporality"], depth=2)] == [
        "temporality",
        "temporality.breaks",
        "temporality.interruptions",
    ]


def test_labels_name_missing_values_and_tell_equal_titles_apart() -> None:
    assert FACTS.label("department", 12, None) == "Clinic"
    assert FACTS.label("group-kind", 12, None) == NONE_LABEL
    assert FACTS.label("speaker-role", 10, 101) == NONE_LABEL
    assert FACTS.label("speaker-role", 10, None) == NONE_LABEL
    assert FACTS.label("speaker-role", 10, 100) == "nurse"
    assert FACTS.label("transcript", 10, None) == "Ward: staff"
    assert FACTS.label("transcript", 11, None) == "Clinic: staff (#11)"
    assert FACTS.label("transcript", 12, None) == "Clinic: staff (#12)"


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("turns", 3),
        ("transcripts", 2),
        ("speakers", 1),
        ("words", 40),
        # 40 coded words of 250 words in the group -> 160 per 1,000 words.
        ("per1000", 160.0),
        # 3 coded turns of 12 -> 25 %.
        ("percent", 25.0),
    ],
)
def test_measures(measure: str, expected: float) -> None:
    tally = Tally(turns=3, words=40, transcripts={10, 11}, speakers={100})
    assert measure_value(measure, tally, Base(turns=12, words=250)) == expected


def test_rates_without_a_denominator_are_blank_and_empty_cells_zero() -> None:
    assert measure_value("percent", None, Base(0, 0)) is None
    assert measure_value("per1000", None, Base(0, 0)) is None
    assert measure_value("per1000", None, Base(5, 50)) == 0
    assert measure_value("turns", None, Base(5, 50)) == 0


def test_table_sums_transcripts_into_departments_and_shows_empty_groups() -> None:
    rows = [
        CodedTurns(1, 10, 100, None, 2, 20),
        CodedTurns(1, 11, 100, None, 1, 5),
        CodedTurns(1, 12, 101, None, 1, 7),
    ]
    totals = [
        TurnTotals(10, 100, 4, 40),
        TurnTotals(11, 100, 3, 30),
        TurnTotals(12, 101, 3, 30),
    ]
    grouping = Grouping(("department",), FACTS)
    table = frequency_table(CODES[:2], grouping, "turns", rows, totals)
    assert table.columns == ["Code", "Name", "Clinic", "Ward", "Total"]
    assert table.rows == [
        ["temporality", "Temporality", 2, 2, 4],
        ["temporality.breaks", "Breaks", 0, 0, 0],
    ]
    percent = frequency_table(CODES[:1], grouping, "percent", rows, totals)
    # Clinic: 2 coded turns of 6; Ward 2 of 4; total 4 of 10.
    assert percent.rows[0][2:] == pytest.approx([100 / 3, 50.0, 40.0])


def test_coder_columns_share_the_turns_of_their_group_and_total_uses_overall_rows() -> None:
    rows = [CodedTurns(1, 10, 100, 7, 2, 20), CodedTurns(1, 10, 100, 8, 1, 9)]
    overall = [CodedTurns(1, 10, 100, None, 2, 20)]  # ben's turn is one of anna's two
    totals = [TurnTotals(10, 100, 4, 40)]
    grouping = Grouping(("coder",), FACTS, ("anna", "ben"))
    table = frequency_table(CODES[:1], grouping, "percent", rows, totals, overall)
    assert table.columns == ["Code", "Name", "anna", "ben", "Total"]
    assert table.rows[0][2:] == [50.0, 25.0, 50.0]


def test_share_measures_name_their_denominator_as_the_scope() -> None:
    """'% of all the group's turns' read as if moderators' turns were in the denominator;
    the denominator is the group's turns in scope (participant turns by default)."""
    from qualcode.analysis.frequency import MEASURE_NOTES

    for measure in ("percent", "per1000"):
        assert "all the group's turns" not in MEASURE_NOTES[measure]
        assert "the group's turns in scope" in MEASURE_NOTES[measure]
