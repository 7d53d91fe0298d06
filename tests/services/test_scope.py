"""The scope rule on a small study whose figures are worked out by hand below.

Codebook: temporality, temporality.breaks, temporality.interruptions, jobcrafting,
jobcrafting.task. Roles come from the import (Moderator -> moderator).

Ward focus group 1 (Ward, staff), coded:
  w0 Moderator  "How are the breaks?"                      4 words
  w1 Anne       "We never get a proper break."             6
  w2 Bo         "The phone rings during every break."      6
  w3 Moderator  "And the tasks?"                           3
  w4 Anne       "I moved my tasks to the evening."         7
Clinic focus group 1 (Clinic, staff), coded:
  c0 Moderator  "Tell us about planning."                  4
  c1 Cis        "Planning is fine but the phone interrupts."  7
  c2 Dan        "I changed how I answer the phone."        7
Ward focus group 2 (Ward, staff), nobody coded it: 3 turns, one the moderator's.

Codings: anna: w0 breaks (a moderator's turn), w1 breaks, w2 breaks, w2 interruptions,
w4 task, c1 interruptions, c2 task; ben: w1 breaks, c1 task.

Default scope (participant turns of the transcripts the layer coded), all coders:
  denominators Ward 3 turns (w1 w2 w4, 19 words), Clinic 2 (c1 c2, 14 words);
  temporality Ward 2 (w1 w2; w0 is the moderator's), Clinic 1 (c1): shares 2/3 and 1/2;
  jobcrafting Ward 1 (w4), Clinic 2 (c1 by ben, c2).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualcode.domain.imports import ImportSpec
from qualcode.domain.layer import Layer
from qualcode.domain.scope import Coverage, TurnScope
from qualcode.services import analysis, codebooks, coding, corpus, done, importing, quotes, scope
from qualcode.services.analysis import CompareQuery, FrequencyQuery
from qualcode.services.project import Project
from qualcode.services.quotes import QuoteQuery
from qualcode.services.segmentation import split_turn

CODEBOOK = """name: study
title: Study codebook
languages: [en]
codes:
  - {key: temporality, name: Temporality, definition: Time in work.}
  - {key: temporality.breaks, name: Breaks, definition: Breaks.}
  - {key: temporality.interruptions, name: Interruptions, definition: Interruptions.}
  - {key: jobcrafting, name: Jobcrafting, definition: Crafting one's job.}
  - {key: jobcrafting.task, name: Task crafting, definition: Changing tasks.}
"""
WARD = """Moderator: How are the breaks?
Anne: We never get a proper break.
Bo: The phone rings during every break.
Moderator: And the tasks?
Anne: I moved my tasks to the evening.
"""
CLINIC = """Moderator: Tell us about planning.
Cis: Planning is fine but the phone interrupts.
Dan: I changed how I answer the phone.
"""
WARD_2 = """Moderator: Welcome.
Eva: Lunch is short.
Finn: Yes it is.
"""
ROLES = {"Moderator": "moderator", "Anne": "nurse", "Bo": "nurse", "Cis": "head nurse"}
CODINGS = [
    ("anna", "w0", "temporality.breaks"),
    ("anna", "w1", "temporality.breaks"),
    ("anna", "w2", "temporality.breaks"),
    ("anna", "w2", "temporality.interruptions"),
    ("anna", "w4", "jobcrafting.task"),
    ("anna", "c1", "temporality.interruptions"),
    ("anna", "c2", "jobcrafting.task"),
    ("ben", "w1", "temporality.breaks"),
    ("ben", "c1", "jobcrafting.task"),
]


def build(project: Project, folder: Path) -> dict[str, int]:
    """The study above; returns turn ids by name and transcript ids as "ward", "clinic",
    "ward2"."""
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    codebooks.load_codebook_file(project, folder / "book.yaml")
    ids: dict[str, int] = {}
    for prefix, name, text, department in (
        ("w", "ward", WARD, "Ward"),
        ("c", "clinic", CLINIC, "Clinic"),
        ("v", "ward2", WARD_2, "Ward"),
    ):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        spec = ImportSpec(
            path=folder / f"{name}.txt", department=department, group_kind="staff", roles=ROLES
        )
        ids[name] = importing.import_one(project, spec).transcript_id
        for view in corpus.segments(project, ids[name]):
            ids[f"{prefix}{view.ordinal}"] = view.id
    for coder, turn, key in CODINGS:
        coding.apply_code(project, ids[turn], key, coder)
    return ids


@pytest.fixture
def study(project: Project, tmp_path: Path) -> tuple[Project, dict[str, int]]:
    return project, build(project, tmp_path)


def rows(table) -> dict[str, list]:
    return {row[0]: row[2:] for row in table.rows}


def percent(project: Project, **scope: object) -> dict[str, list]:
    query = FrequencyQuery(by=("department",), measure="percent", scope=TurnScope(**scope))
    return rows(analysis.frequency(project, query).tables[0])


def shares(project: Project, layer: Layer = Layer()) -> dict[str, list]:
    """Every measure that divides, by department: percent of turns and per 1,000 words."""
    found = {}
    for measure in ("percent", "per1000"):
        query = FrequencyQuery(by=("department",), measure=measure, layer=layer)
        found[measure] = rows(analysis.frequency(project, query).tables[0])
    return found


def denominators(project: Project, layer: Layer = Layer()) -> tuple[list[int], list]:
    """The comparison's turns per group and the words per group behind per 1,000 words."""
    report = analysis.compare(project, CompareQuery(by="department", layer=layer))
    return report.comparison.group_turns, report.result_set.tables[0].rows[-1]


def test_default_scope_counts_participant_turns_of_coded_transcripts(study) -> None:
    project, _ = study
    # Columns Clinic, Ward, Total; see the module docstring.
    found = percent(project)
    assert found["temporality"] == pytest.approx([100 / 2, 200 / 3, 300 / 5])
    assert found["jobcrafting"] == pytest.approx([200 / 2, 100 / 3, 300 / 5])
    words = rows(
        analysis.frequency(project, FrequencyQuery(by=("department",), measure="per1000")).tables[0]
    )
    # temporality: c1 7 of 14 words; w1 + w2 = 12 of 19 words.
    assert words["temporality"] == pytest.approx([500, 12 / 19 * 1000, 19 / 33 * 1000])
    report = analysis.compare(project, CompareQuery(by="department"))
    assert report.comparison.group_turns == [2, 3]
    filters = report.result_set.query["filters"]
    assert "participant turns (not moderator, facilitator, interviewer)" in filters
    assert "transcripts the layer has coded" in filters


def test_scope_all_and_moderators_are_switches(study) -> None:
    project, _ = study
    # --scope all: Ward 2 adds its two participant turns to the Ward: temporality 2 of 5.
    assert percent(project, coverage=Coverage.ALL)["temporality"][1] == pytest.approx(40.0)
    # --include-moderators: Ward has 5 turns, temporality on w0 w1 w2; Clinic 3 turns.
    with_moderators = percent(project, include_moderators=True)
    assert with_moderators["temporality"] == pytest.approx([100 / 3, 60.0, 400 / 8])
    both = percent(project, coverage=Coverage.ALL, include_moderators=True)
    assert both["temporality"] == pytest.approx([100 / 3, 3 / 8 * 100, 400 / 11])


def test_one_coders_scope_is_what_that_coder_coded(study) -> None:
    project, _ = study
    ben = analysis.compare(project, CompareQuery(by="department", layer=Layer.coder("ben")))
    # ben coded in both transcripts: same turns as all coders.
    assert ben.comparison.group_turns == [2, 3]
    assert ben.comparison.counts == [[0, 1], [1, 0]]  # temporality: w1; jobcrafting: c1


def test_a_done_mark_brings_a_transcript_into_scope(study) -> None:
    project, ids = study
    assert denominators(project)[0] == [2, 3]
    mark = done.mark_done(project, ids["ward2"], "anna")
    assert (mark.done, mark.changed) == (True, True)
    # Ward 2's two participant turns are now read and left uncoded: Ward has 5.
    assert denominators(project)[0] == [2, 5]
    assert denominators(project, Layer.coder("anna"))[0] == [2, 5]
    assert denominators(project, Layer.coder("ben"))[0] == [2, 3]  # anna's mark, not ben's
    assert done.mark_done(project, ids["ward2"], "anna").changed is False
    assert done.done_marks(project) == {ids["ward2"]: ["anna"]}
    undone = done.mark_done(project, ids["ward2"], "anna", undo=True)
    assert (undone.done, undone.changed) == (False, True)
    assert denominators(project)[0] == [2, 3]


def test_the_study_moderator_roles_decide(study) -> None:
    project, _ = study
    # With no moderator roles, w0 and w3 count: Ward 5 turns, temporality w0 w1 w2.
    scope.set_moderator_roles(project, [])
    assert percent(project)["temporality"][1] == pytest.approx(60.0)
    # Nurses as the "moderators": Anne and Bo are nurses, so the Ward keeps w0 and w3
    # (the moderator now counts as a participant), and temporality is on w0: 1 of 2.
    scope.set_moderator_roles(project, ["Nurse "])
    assert scope.get_moderator_roles(project) == ("nurse",)
    assert percent(project)["temporality"][1] == pytest.approx(50.0)


def test_quotes_leave_out_moderator_turns(study) -> None:
    project, _ = study
    report = quotes.quotes(project, QuoteQuery(code="temporality.breaks"))
    assert [quote.speaker for quote in report.quotes] == ["Anne", "Bo"]
    everyone = quotes.quotes(
        project, QuoteQuery(code="temporality.breaks", scope=TurnScope(include_moderators=True))
    )
    assert [quote.speaker for quote in everyone.quotes] == ["Moderator", "Anne", "Bo"]


# ------------------------------------------------------------------ properties
_SLOW = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_WORDS = st.lists(st.sampled_from(["lunch", "phone", "we", "never", "plan"]), min_size=1)


@_SLOW
@given(lines=st.lists(st.tuples(st.sampled_from(["Moderator", "Gry", "Hal"]), _WORDS), min_size=1))
def test_an_uncoded_transcript_changes_no_share(
    study, tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[str, list[str]]]
) -> None:
    project, _ = study
    before = shares(project), shares(project, Layer.coder("anna"))
    folder = tmp_path_factory.mktemp("extra")
    text = "".join(f"{who}: {' '.join(words)} {n}.\n" for n, (who, words) in enumerate(lines))
    (folder / "extra.txt").write_text(text, encoding="utf-8")
    spec = ImportSpec(path=folder / "extra.txt", department="Ward", roles=ROLES)
    importing.import_one(project, spec)
    assert (shares(project), shares(project, Layer.coder("anna"))) == before


@_SLOW
@given(at=st.integers(min_value=1, max_value=len("And the tasks?") - 1))
def test_a_moderator_turn_changes_no_share(study, at: int) -> None:
    project, ids = study
    before = shares(project), denominators(project)
    turn = next(view for view in corpus.segments(project, ids["ward"]) if view.id == ids["w3"])
    assume(turn.end_char - turn.start_char > at)  # earlier examples split it already
    assert len(split_turn(project, turn.id, turn.start_char + at).segment_ids) == 2
    assert (shares(project), denominators(project)) == before


@_SLOW
@given(
    turn=st.sampled_from(["w1", "w2", "w4", "c1", "c2"]),
    key=st.sampled_from(["temporality.breaks", "temporality.interruptions", "jobcrafting.task"]),
)
def test_a_code_on_a_coded_turn_changes_no_denominator(study, turn: str, key: str) -> None:
    project, ids = study
    before = denominators(project), denominators(project, Layer.coder("anna"))
    coding.apply_code(project, ids[turn], key, "anna")  # anna coded every one of these turns
    assert (denominators(project), denominators(project, Layer.coder("anna"))) == before
