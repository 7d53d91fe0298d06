"""The comparison of groups reproduces published chi-square, residual and Wilson examples."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.analysis.comparison import compare_groups, comparison_tables
from qualcode.analysis.frequency import Facts, Grouping
from qualcode.domain.counts import CodedTurns, TranscriptFacts, TurnTotals

PARTIES = ["Democrat", "Independent", "Republican"]
FACTS = Facts.of(
    {i: TranscriptFacts(i, f"group {i}", party, None) for i, party in enumerate(PARTIES)},
    {},
    {},
)
CODES = [(1, "female", "Females"), (2, "male", "Males")]


def agresti_rows() -> tuple[list[CodedTurns], list[TurnTotals]]:
    # Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Tables 2.5 and
    # 2.6: party identification by gender, X² = 30.1 (df 2), standardized residuals
    # 4.50, 0.70, -5.32 for females. "female" and "male" are codes that every turn holds
    # exactly one of, so each code's 2 x k table (with / without it) is Agresti's table.
    counts = {1: [762, 327, 468], 2: [484, 239, 477]}
    rows = [
        CodedTurns(code, group, None, None, n, n * 10)
        for code, row in counts.items()
        for group, n in enumerate(row)
    ]
    totals = [TurnTotals(group, None, counts[1][group] + counts[2][group], 0) for group in range(3)]
    return rows, totals


def test_reproduces_agresti_party_identification() -> None:
    rows, totals = agresti_rows()
    comparison = compare_groups(CODES, Grouping(("department",), FACTS), rows, totals)
    assert comparison.groups == PARTIES
    female, male = comparison.tests
    assert round(female.statistic or 0, 1) == 30.1
    assert female.dof == 2
    assert female.method == "chi-square"
    np.testing.assert_allclose(female.residuals, [4.50, 0.70, -5.32], atol=0.005)
    np.testing.assert_allclose(male.residuals, [-4.50, -0.70, 5.32], atol=0.005)
    counts = comparison_tables(comparison)[0]
    # Democrat females over-represented, Republican females under-represented; |0.70| is
    # far from Holm's thresholds over the six cells.
    assert counts.styles is not None
    assert counts.styles[0] == [None, None, "over", None, "under", None]
    assert counts.rows[0] == ["female", "Females", 762, 327, 468, 1557]
    # The omnibus codes x groups test of the same table, when asked, gives the same X².
    omnibus = compare_groups(
        CODES, Grouping(("department",), FACTS), rows, totals, omnibus=True
    ).omnibus
    assert omnibus is not None and round(omnibus.statistic, 1) == 30.1


def test_shares_carry_wilson_intervals_of_newcombe_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II: 81/263 has the Wilson
    # score interval 0.2553 to 0.3662.
    rows = [CodedTurns(1, 0, None, None, 81, 0), CodedTurns(2, 1, None, None, 15, 0)]
    totals = [TurnTotals(0, None, 263, 0), TurnTotals(1, None, 148, 0)]
    comparison = compare_groups(CODES, Grouping(("department",), FACTS), rows, totals)
    shares = comparison_tables(comparison)[1]
    first = shares.rows[0]
    assert first[:6] == ["female", "Females", "Democrat", 81, 263, pytest.approx(81 / 263)]
    assert first[6:] == pytest.approx([0.2553, 0.3662], abs=5e-5)
    # 15/148: 0.0624 to 0.1605 (same table).
    male = next(row for row in shares.rows if row[:3] == ["male", "Males", "Independent"])
    assert male[6:] == pytest.approx([0.0624, 0.1605], abs=5e-5)


def test_labels_name_what_the_denominators_count() -> None:
    """With moderators counted (`--include-moderators`) no label may say "participant
    turns"; with one transcript per group no focus-group test runs, and the note says so
    instead of claiming "all 0 arrangements enumerated"."""
    rows, totals = agresti_rows()
    grouping = Grouping(("department",), FACTS)

    def labels(participants: bool) -> str:
        comparison = compare_groups(
            CODES, grouping, rows, totals, omnibus=True, participants=participants
        )
        tables = comparison_tables(comparison)
        return repr([(t.title, t.rows, t.notes) for t in tables])

    default, everyone = labels(True), labels(False)
    assert "Participant turns in group" in default and "Distinct participant turns" in default
    assert "participant" not in everyone
    assert "Turns in group" in everyone and "Share of turns by department" in everyone
    assert "Distinct turns" in everyone
    clusters = comparison_tables(compare_groups(CODES, grouping, rows, totals))[-1]
    assert clusters.title.startswith("Focus groups as the unit")
    assert {row[-1] for row in clusters.rows} == {
        "one transcript per group: nothing to compare within"
    }
    assert "0 arrangements" not in clusters.notes[0]
    assert "no code could be tested" in clusters.notes[0]


def test_expected_table_explains_expected_counts_not_residuals() -> None:
    """The expected-count table said how adjusted residuals are computed (its notes were the
    residual table's); it says what an expected count is, with its denominator."""
    rows, totals = agresti_rows()
    comparison = compare_groups(CODES, Grouping(("department",), FACTS), rows, totals)
    tables = {t.title: t for t in comparison_tables(comparison)}
    expected = tables["Expected coded turns by department"]
    assert "adjusted residual (O - E)" not in " ".join(expected.notes)
    assert expected.notes[0].startswith(
        "Coded turns each group would hold if the code's share of participant turns were the "
        "same in every group: the code's coded turns x the group's participant turns / N "
        "(N = 2757)"
    )
    assert "(O - E) / sqrt" in tables["Adjusted residuals by department"].notes[0]
