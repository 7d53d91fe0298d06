"""Agreement from the database on a small hand-checked fixture.

The fixture transcript (tests/services/conftest.py) has four turns; segment 2 is
[29, 95), 66 characters, its first sentence "We never get a proper lunch break." is
[29, 63); segment 3 is [95, 164); the text has 168 characters. Codings:

    code                       anna          ben                  carla (3-coder tests)
    temporality.breaks (TB)    turn 2        turn 2 [29, 63),     turn 2
                                             turn 3
    jobcrafting.workarounds    turn 3        -                    -
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from qualcode.analysis.agreement import coefficients
from qualcode.analysis.agreement.presence import pattern_coefficients, presence_patterns
from qualcode.domain.agreement import ALL_CODES, AgreementOptions
from qualcode.services import agreement
from qualcode.services.adjudication import adjudicate
from qualcode.services.coding import apply_code
from qualcode.services.project import Project

TB, JW = "temporality.breaks", "jobcrafting.workarounds"


@pytest.fixture
def three_coders(two_coders: Project) -> Project:
    apply_code(two_coders, 2, TB, "carla")
    return two_coders


def rows_by_code(project: Project, **options) -> dict[str, object]:
    return {row.code: row for row in agreement.agreement_rows(project, AgreementOptions(**options))}


def test_turn_level_two_coders_by_hand(two_coders):
    rows = rows_by_code(two_coders)
    assert list(rows) == [JW, TB, ALL_CODES]  # codebook order, then pooled
    tb = rows[TB]
    # TB per turn: anna 0 1 0 0, ben 0 1 1 0 -> both 1, A only 0, B only 1, neither 2.
    assert (tb.n_units, tb.both, tb.a_only, tb.b_only, tb.neither) == (4, 1, 0, 1, 2)
    assert tb.percent_agreement == pytest.approx(3 / 4)
    # Cohen: p_e = 1/4 * 2/4 + 3/4 * 2/4 = 1/2 -> (3/4 - 1/2) / (1/2) = 0.5.
    assert tb.cohen_kappa == pytest.approx(0.5)
    # Fleiss: pooled pi_1 = 3/8 -> p_e = 9/64 + 25/64 = 34/64 -> 7/15.
    assert tb.fleiss_kappa == pytest.approx(7 / 15)
    # Alpha: o_01 = 1, n_0 = 5, n_1 = 3, n = 8 -> 1 - 7 * 1 / 15 = 8/15.
    assert tb.krippendorff_alpha == pytest.approx(8 / 15)
    assert tb.brennan_prediger == pytest.approx(0.5)
    # AC1: p_e = 2 * 3/8 * 5/8 = 30/64 -> (3/4 - 30/64) / (34/64) = 9/17.
    assert tb.gwet_ac1 == pytest.approx(9 / 17)
    jw = rows[JW]
    # JW: anna 0 0 1 0, ben never: kappa's paradox, 75 % agreement but kappa and alpha 0.
    assert (jw.both, jw.a_only, jw.b_only, jw.neither) == (0, 1, 0, 3)
    assert jw.cohen_kappa == pytest.approx(0.0)
    assert jw.krippendorff_alpha == pytest.approx(0.0)
    # AC1: p_e = 2 * 1/8 * 7/8 = 14/64 -> (48/64 - 14/64) / (50/64) = 0.68.
    assert jw.gwet_ac1 == pytest.approx(0.68)
    pooled = rows[ALL_CODES]
    counts = (pooled.n_units, pooled.both, pooled.a_only, pooled.b_only, pooled.neither)
    assert counts == (8, 1, 1, 1, 5)


def test_code_nobody_used_is_undefined(two_coders):
    row = rows_by_code(two_coders, codes=("temporality.rhythm",))["temporality.rhythm"]
    assert row.percent_agreement == 1.0
    assert row.neither == 4
    assert row.cohen_kappa is None
    assert row.krippendorff_alpha is None
    assert row.fleiss_kappa is None
    assert row.gwet_ac1 is None


def test_three_coders_by_hand(three_coders):
    tb = rows_by_code(three_coders)[TB]
    assert tb.coders == ("anna", "ben", "carla")
    # Units: none, all, one of three (ben on turn 3), none.
    assert (tb.both, tb.split, tb.neither, tb.a_only, tb.cohen_kappa) == (1, 1, 2, None, None)
    # p_o = (1 + 1 + 1/3 + 1) / 4 = 5/6; pi_1 = 1/3 -> p_e = 5/9 -> Fleiss = 5/8.
    assert tb.percent_agreement == pytest.approx(5 / 6)
    assert tb.fleiss_kappa == pytest.approx(5 / 8)
    # Alpha: o_00 = 7, o_11 = 3, o_01 = o_10 = 1; n = 12 -> 1 - 11 * 1 / (8 * 4) = 21/32.
    assert tb.krippendorff_alpha == pytest.approx(21 / 32)


def test_coders_and_concepts(three_coders):
    rows = rows_by_code(three_coders, coders=("anna", "ben"), concepts=True)
    # Concepts: temporality (TB) and jobcrafting (JW); same counts as the codes here.
    assert rows["temporality"].krippendorff_alpha == pytest.approx(8 / 15)
    assert rows["jobcrafting"].a_only == 1


def test_by_department_and_transcript(two_coders):
    rows = agreement.agreement_rows(two_coders, AgreementOptions(by="department"))
    assert {row.group for row in rows} == {"Ward"}
    by_transcript = agreement.agreement_rows(two_coders, AgreementOptions(by="transcript"))
    assert {row.group for row in by_transcript} == {"fg"}
    assert [r.krippendorff_alpha for r in rows] == [r.krippendorff_alpha for r in by_transcript]


def test_sentence_level(two_coders):
    tb = rows_by_code(two_coders, unit="sentence")[TB]
    # Sentences: 1 (turn 1), 2 (turn 2, two sentences), 1 (turn 3), 1 (turn 4) = 5 units.
    # anna: both sentences of turn 2; ben: the first of turn 2 (span) and turn 3.
    assert (tb.n_units, tb.both, tb.a_only, tb.b_only, tb.neither) == (5, 1, 1, 1, 2)


def test_character_level_by_hand(two_coders):
    tb = rows_by_code(two_coders, unit="character")[TB]
    # anna [29, 95); ben [29, 63) and [95, 164); text of 168 characters.
    assert (tb.both, tb.a_only, tb.b_only, tb.neither) == (34, 32, 69, 33)
    observed = Fraction(34 + 33, 168)
    expected = Fraction(66 * 103 + 102 * 65, 168**2)
    assert tb.percent_agreement == pytest.approx(float(observed))
    assert tb.cohen_kappa == pytest.approx(float((observed - expected) / (1 - expected)))
    assert tb.u_alpha is not None
    excluded = rows_by_code(two_coders, unit="character", exclude_uncoded=True)[TB]
    assert excluded.percent_agreement == pytest.approx(34 / (34 + 32 + 69))


def test_result_set_tables_and_metadata(two_coders):
    result = agreement.agreement(
        two_coders, AgreementOptions(unit="character", overlap=0.9, codes=(TB, JW))
    )
    titles = [table.title for table in result.tables]
    assert titles[0] == "Agreement per code (character level)"
    assert any("cu-alpha" in title for title in titles)
    segment = next(t for t in result.tables if t.title.startswith("Segment matching"))
    # TB: anna's turn 2 and ben's [29, 63) overlap 34/66 < 0.9: nothing matches.
    tb_row = next(row for row in segment.rows if row[1] == TB)
    assert tb_row[2:6] == [0, 1, 0, 2]
    assert result.query["coder_layer"] == "anna, ben"
    assert result.query["codebook_version"]


def test_consensus_layer_is_not_a_compared_coder(two_coders):
    adjudicate(two_coders, 2, TB, "both", supervisor=None)
    assert rows_by_code(two_coders)[TB].coders == ("anna", "ben")


def test_needs_two_coders(coded_project):
    apply_code(coded_project, 2, TB, "anna")
    with pytest.raises(Exception, match="at least two coders"):
        agreement.agreement_rows(coded_project, AgreementOptions())


def test_unknown_coder_and_code(two_coders):
    with pytest.raises(Exception, match="No coder zoe"):
        agreement.agreement_rows(two_coders, AgreementOptions(coders=("anna", "zoe")))
    with pytest.raises(Exception, match="No code nope"):
        agreement.agreement_rows(two_coders, AgreementOptions(codes=("nope",)))


def test_pattern_coefficients_equal_coefficients_on_random_matrices():
    """The fast presence path gives the numbers of `coefficients()`."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        m, n = int(rng.integers(2, 5)), int(rng.integers(1, 40))
        present = rng.random((n, m)) < rng.random()
        covered = rng.random((n, m)) < 0.85
        slow = coefficients(np.where(covered, present, np.nan))
        fast = pattern_coefficients(presence_patterns(present, covered))
        assert fast.n_units == slow.n_units
        names = ("percent_agreement", "krippendorff_alpha", "fleiss_kappa")
        for name in (*names, "brennan_prediger", "gwet_ac1", "cohen_kappa"):
            a, b = getattr(slow, name), getattr(fast, name)
            if a is None or a.value is None:
                assert b is None or b.value is None, name
            else:
                assert b.value == pytest.approx(a.value, abs=1e-12), name


def test_docs_show_the_definitions_used_by_the_report():
    from pathlib import Path

    from qualcode.analysis.agreement.definitions import definitions_markdown

    docs = Path(__file__).resolve().parents[2] / "docs" / "agreement.md"
    assert definitions_markdown() in docs.read_text(encoding="utf-8")


def _random_spans(
    rng: np.random.Generator, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    docs = rng.integers(0, len(lengths), int(rng.integers(0, 8)))
    starts = np.array([rng.integers(0, lengths[d] + 1) for d in docs], dtype=int)
    ends = np.array([rng.integers(s, lengths[d] + 1) for s, d in zip(starts, docs, strict=True)])
    return docs, starts, ends


def test_vectorised_character_counts_equal_compare_characters():
    """`document_presence_counts` (used at character level) matches the per-character
    tabulation of `compare_characters` on random spans over several documents."""
    from qualcode.analysis.agreement import compare_characters, document_presence_counts

    rng = np.random.default_rng(5)
    for _ in range(200):
        lengths = rng.integers(1, 60, int(rng.integers(1, 5)))
        a, b = _random_spans(rng, lengths), _random_spans(rng, lengths)
        counts = document_presence_counts(lengths.tolist(), a, b)
        for doc, length in enumerate(lengths.tolist()):
            own_a = [(s, e) for d, s, e in zip(*a, strict=True) if d == doc]
            own_b = [(s, e) for d, s, e in zip(*b, strict=True) if d == doc]
            assert counts[doc] == compare_characters(length, own_a, own_b).counts


def test_three_coders_unitizing_from_agree(three_coders):
    """|u-alpha of all three coders, reachable from `qualcode agree --unit character`:
    the same as the library call on the units of the fixture (anna [29, 95); ben [29, 63)
    and [95, 164); carla [29, 95)) over the 168-character transcript."""
    from qualcode.analysis.agreement import Unit, binary_u_alpha

    result = agreement.agreement(three_coders, AgreementOptions(unit="character", codes=(TB,)))
    table = next(t for t in result.tables if t.title.startswith("Unitizing agreement of all 3"))
    row = next(r for r in table.rows if r[0] == TB and r[1] == "|u-alpha")
    expected = binary_u_alpha(
        168,
        [
            [Unit(29, 95, "x")],
            [Unit(29, 63, "x"), Unit(95, 164, "x")],
            [Unit(29, 95, "x")],
        ],
    )
    assert row[2] == pytest.approx(expected)
    assert row[4] == 168


def test_pooled_row_intervals_and_prevalence(two_coders):
    tb = rows_by_code(two_coders)[TB]
    # TB: 4 units, neither 2 -> prevalence 2/4.
    assert tb.prevalence == pytest.approx(0.5)
    low, high = tb.intervals["krippendorff_alpha"]
    assert low <= tb.krippendorff_alpha <= high
    low, high = tb.intervals["cohen_kappa"]
    assert low <= tb.cohen_kappa <= high
    assert rows_by_code(two_coders, intervals=False)[TB].intervals == {}


def test_audit_states_design_and_rounds(two_coders):
    from qualcode.services.audit import design_table, rounds_table

    design = dict(design_table(two_coders).rows)
    # The fixture: one transcript of four turns, coded by anna and ben.
    assert design["corpus"] == "1 transcript, 4 turns"
    assert design["coded independently by two or more of them"].startswith(
        "1 transcript (100% of the corpus), 4 turns (100%)"
    )
    assert design["blind mode"].startswith("off (never switched on); 4 codings")
    rounds = rounds_table(two_coders)
    assert len(rounds.rows) == 1
    pooled = rows_by_code(two_coders)[ALL_CODES]
    assert rounds.rows[0][3] == pooled.n_units
    assert rounds.rows[0][6] == pytest.approx(pooled.krippendorff_alpha)


def test_weights_rate_turns_on_an_ordinal_code_set(two_coders):
    """TB and JW taken as levels 1 and 2 of one rating: anna rates turn 2 as 1, turn 3 as 2;
    ben turn 2 as 1, turn 3 as 1 (turns 1 and 4 unrated). Two pairable turns: p_o = 1/2;
    A's levels (1/2, 1/2), B's (1, 0): p_e = 1/2, Cohen's kappa 0 (two levels: linear
    weights are the identity). Levels follow the order of --codes, not the codebook's."""
    options = AgreementOptions(codes=(TB, JW), weights="linear")
    result = agreement.agreement(two_coders, options)
    table = result.tables[0]
    rows = {row[0]: row for row in table.rows}
    assert rows["percent agreement (linear weights)"][1] == pytest.approx(0.5)
    assert rows["Cohen's kappa (linear weights)"][1] == pytest.approx(0.0)
    assert rows["percent agreement (linear weights)"][6] == 2
    assert result.query["filters"].endswith("weights = linear")
    assert any("1 = temporality.breaks, 2 = jobcrafting" in note for note in table.notes)
    with pytest.raises(Exception, match="name its levels in order"):
        agreement.agreement(two_coders, AgreementOptions(weights="linear"))


def test_moderator_turns_are_no_units(two_coders):
    """The scope rule: turn 1 is the moderator's. Once the speaker's role says so, TB has
    three units (turns 2-4: both 1, B only 1, neither 1) instead of four; with
    include_moderators the moderator's turn counts again (neither 2)."""
    from qualcode.services.metadata import set_speaker_role

    set_speaker_role(two_coders, 1, "Moderator", "moderator")
    tb = rows_by_code(two_coders)[TB]
    assert (tb.n_units, tb.both, tb.b_only, tb.neither) == (3, 1, 1, 1)
    # Percent agreement 2/3; Cohen: p_A = 1/3, p_B = 2/3 -> p_e = 2/9 + 2/9 = 4/9,
    # kappa = (2/3 - 4/9) / (5/9) = 2/5.
    assert tb.cohen_kappa == pytest.approx(0.4)
    everyone = rows_by_code(two_coders, include_moderators=True)[TB]
    assert (everyone.n_units, everyone.neither) == (4, 2)
    result = agreement.agreement(two_coders, AgreementOptions())
    assert "participant turns" in result.query["filters"]


def test_coverage_counts_participant_turns_as_the_units_do(two_coders):
    """The audit's coverage counted the moderator's turn and a coding on it: anna coding
    turn 1 (the moderator's) showed 3 of 4 turns coded where 2 of her 3 units are."""
    from qualcode.services.metadata import set_speaker_role

    set_speaker_role(two_coders, 1, "Moderator", "moderator")
    apply_code(two_coders, 1, TB, "anna")
    found = {c.coder: c for c in agreement.coverage(two_coders)}
    anna, ben = found["anna"], found["ben"]
    # anna: turns 2 and 3 of participant turns 2-4 (TB, JW; the moderator's coding left out)
    assert (anna.turns_coded, anna.turns_in_coded_transcripts, anna.codings) == (2, 3, 2)
    assert (ben.turns_coded, ben.turns_in_coded_transcripts, ben.codings) == (2, 3, 2)
    # a coder who coded only the moderator still took part: 0 of 3
    apply_code(two_coders, 1, TB, "carla")
    carla = {c.coder: c for c in agreement.coverage(two_coders)}["carla"]
    assert (carla.transcripts, carla.turns_coded, carla.turns_in_coded_transcripts) == (1, 0, 3)


def test_coverage_counts_a_transcript_marked_done_as_the_units_do(two_coders):
    """The audit's coverage counted transcripts from codings only: carla, who marked the
    transcript done and found nothing to code, was missing, though agreement counts her 4
    turns as 'neither'. Turns 1-4 are participants' (no moderator role set)."""
    from qualcode.analysis.agreement.audit_tables import coverage_table
    from qualcode.services.done import mark_done

    mark_done(two_coders, 1, "carla")
    mark_done(two_coders, 1, "anna")
    found = {c.coder: c for c in agreement.coverage(two_coders)}
    carla, anna, ben = found["carla"], found["anna"], found["ben"]
    # carla: 1 transcript (marked done), 0 of its 4 turns coded, no codings
    assert (carla.transcripts, carla.marked_done, carla.turns_coded) == (1, 1, 0)
    assert (carla.turns_in_coded_transcripts, carla.codings, carla.share) == (4, 0, 0.0)
    # anna coded turns 2 and 3 and marked it done; ben coded 2 and 3 without a mark
    assert (anna.transcripts, anna.marked_done, anna.turns_coded) == (1, 1, 2)
    assert (ben.transcripts, ben.marked_done, ben.turns_coded) == (1, 0, 2)
    # the agreement over the three counts the same 4 units for carla
    tb = rows_by_code(two_coders, coders=("anna", "ben", "carla"))[TB]
    assert tb.n_units == carla.turns_in_coded_transcripts
    table = coverage_table(list(found.values()))
    assert "marked it done" in table.notes[0]
    assert table.rows[[row[0] for row in table.rows].index("carla")][1:3] == [1, 1]


def test_done_mark_puts_a_transcript_in_scope(two_coders):
    """carla codes nothing but marks the transcript done: she takes part, with every turn
    uncoded. TB per turn: anna 0 1 0 0, ben 0 1 1 0, carla 0 0 0 0: all 0, some 2, none 2."""
    from qualcode.services.done import mark_done

    mark_done(two_coders, 1, "carla")
    tb = rows_by_code(two_coders, coders=("anna", "ben", "carla"))[TB]
    assert (tb.n_units, tb.both, tb.split, tb.neither) == (4, 0, 2, 2)


def test_query_line_says_the_rows_are_the_codes_a_coder_used(two_coders):
    """Codes nobody compared used have no row and are not pooled in (all codes); the table
    said nothing of it. The three_concepts codebook has 20 codes (4 concepts with 'open');
    anna and ben used temporality.breaks and jobcrafting.workarounds: 2 codes, 2 concepts."""
    options = AgreementOptions(coders=("anna", "ben"), intervals=False)
    codes = agreement.agreement(two_coders, options)
    assert [row[0] for row in codes.tables[0].rows] == [
        "jobcrafting.workarounds",
        "temporality.breaks",
        ALL_CODES,
    ]
    assert (
        "; codes = the 2 codes of the codebook's 20 that a compared coder used (--codes names "
        "others)" in codes.query["filters"]
    )
    concepts = agreement.agreement(
        two_coders, AgreementOptions(coders=("anna", "ben"), intervals=False, concepts=True)
    )
    assert (
        "; codes = rolled up to concepts: the 2 concepts of the codebook's 4 that a compared "
        "coder used (--codes names others)" in concepts.query["filters"]
    )


def test_the_audit_says_which_codes_its_agreement_tables_show(two_coders):
    """The audit's line said 'report = audit; unit = turn' and nothing of the codes nobody
    compared used (no row, not pooled): 2 of the codebook's 20 here."""
    from qualcode.services.audit import audit_report

    filters = audit_report(two_coders, ("anna", "ben")).query["filters"]
    assert filters.startswith("report = audit; unit = turn; scope = participant turns of ")
    assert filters.endswith(
        "codes = the 2 codes of the codebook's 20 that a compared coder used "
        "(agree --codes: others)"
    )
