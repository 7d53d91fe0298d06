"""Analysis use cases on a small corpus whose every number is worked out by hand below.

Codebook (in order): temporality, temporality.breaks, temporality.interruptions,
jobcrafting, jobcrafting.task.

Ward (staff group), 26 words in 4 turns:
  w0 Moderator            "How are the breaks?"                                    4 words
  w1 Anne (nurse)         "We never get a proper break."                           6
  w2 Bo (physician)       "The phone rings during every break and interrupts us."  9
  w3 Anne (nurse)         "I moved my tasks to the evening."                       7
Clinic (management group), 19 words in 3 turns:
  c0 Moderator            "Tell us about planning."                                4
  c1 Cis (head nurse)     "Planning is fine but interruptions come from outside."  8
  c2 Dan (secretary)      "I changed how I answer the phone."                      7

Codings (whole turn unless a span is quoted):
  anna:      w1 breaks; w2 breaks, interruptions; w3 task;
             c1 interruptions on "interruptions come from outside"; c2 task
  ben:       w1 breaks; w2 interruptions; c1 temporality (the parent itself); c2 task
  carla:     w3 task on "moved my tasks"; c1 task on "Planning is fine"
  consensus: w1 breaks; w2 interruptions; c2 task

Coded turns, all coders, rolled up (a turn counts once per code):
  temporality    w1 w2 c1 -> Ward 2, Clinic 1, total 3 (w2 has two children: counted once)
  breaks         w1 w2    -> Ward 2, Clinic 0, total 2
  interruptions  w2 c1    -> Ward 1, Clinic 1, total 2
  jobcrafting    w3 c1 c2 -> Ward 1, Clinic 2, total 3 (= task: its only child)
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy import stats

from qualcode.domain.imports import ImportSpec
from qualcode.domain.layer import Layer
from qualcode.domain.scope import TurnScope
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.exchange.tables import read_csv_table, write
from qualcode.exchange.xlsx import read_tables
from qualcode.services import (
    analysis,
    codebooks,
    coding,
    cooccurrence,
    corpus,
    importing,
    quotes,
    segmentation,
)
from qualcode.services.analysis import CompareQuery, FrequencyQuery
from qualcode.services.cooccurrence import CooccurrenceQuery
from qualcode.services.project import Project
from qualcode.services.quotes import QuoteQuery, SearchQuery
from qualcode.store import codes as code_store
from qualcode.store import search as search_store

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
Anne (nurse): We never get a proper break.
Bo (physician): The phone rings during every break and interrupts us.
Anne (nurse): I moved my tasks to the evening.
"""
CLINIC = """Moderator: Tell us about planning.
Cis (head nurse): Planning is fine but interruptions come from outside.
Dan (secretary): I changed how I answer the phone.
"""
CODINGS = [
    # (coder, turn, code, span text or None)
    ("anna", "w1", "temporality.breaks", None),
    ("anna", "w2", "temporality.breaks", None),
    ("anna", "w2", "temporality.interruptions", None),
    ("anna", "w3", "jobcrafting.task", None),
    ("anna", "c1", "temporality.interruptions", "interruptions come from outside"),
    ("anna", "c2", "jobcrafting.task", None),
    ("ben", "w1", "temporality.breaks", None),
    ("ben", "w2", "temporality.interruptions", None),
    ("ben", "c1", "temporality", None),
    ("ben", "c2", "jobcrafting.task", None),
    ("carla", "w3", "jobcrafting.task", "moved my tasks"),
    ("carla", "c1", "jobcrafting.task", "Planning is fine"),
    ("consensus", "w1", "temporality.breaks", None),
    ("consensus", "w2", "temporality.interruptions", None),
    ("consensus", "c2", "jobcrafting.task", None),
]


def build_study(project: Project, folder: Path) -> dict[str, int]:
    """Load the codebook, import both transcripts, apply CODINGS; returns turn ids by name."""
    (folder / "study.yaml").write_text(CODEBOOK, encoding="utf-8")
    codebooks.load_codebook_file(project, folder / "study.yaml")
    project.write(lambda session: code_store.ensure_coder(session, "consensus", consensus=True))
    turns: dict[str, int] = {}
    for prefix, name, text, department, kind in (
        ("w", "ward.txt", WARD, "Ward", "staff"),
        ("c", "clinic.txt", CLINIC, "Clinic", "management"),
    ):
        (folder / name).write_text(text, encoding="utf-8")
        spec = ImportSpec(path=folder / name, department=department, group_kind=kind)
        transcript_id = importing.import_one(project, spec).transcript_id
        for view in corpus.segments(project, transcript_id):
            turns[f"{prefix}{view.ordinal}"] = view.id
    views = {view.id: view for ref in (1, 2) for view in corpus.segments(project, ref)}
    for coder, turn, key, quote in CODINGS:
        span = None
        if quote is not None:
            view = views[turns[turn]]
            start = view.start_char + view.text.index(quote)
            span = (start, start + len(quote))
        coding.apply_code(project, turns[turn], key, coder, span=span)
    return turns


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    build_study(project, tmp_path)
    return project


def rows_by_code(table) -> dict[str, list]:
    return {row[0]: row[2:] for row in table.rows}


def test_rolls_up_children_counting_each_turn_once(study: Project) -> None:
    result = analysis.frequency(study, FrequencyQuery(by=("department",)))
    (table,) = result.tables
    # Groups in label order: Clinic before Ward; then the total column.
    assert table.columns == ["Code", "Name", "Clinic", "Ward", "Total"]
    assert rows_by_code(table) == {
        "temporality": [1, 2, 3],
        "temporality.breaks": [0, 2, 2],
        "temporality.interruptions": [1, 1, 2],
        "jobcrafting": [2, 1, 3],
        "jobcrafting.task": [2, 1, 3],
        # the last row: each column's denominator, every turn of the group (the moderator
        # has no role here, so counts): Clinic c0-c2, Ward w0-w3, 7 in all
        "(participant turns in scope)": [3, 4, 7],
    }
    assert [row[0] for row in table.rows] == [
        "temporality",
        "temporality.breaks",
        "temporality.interruptions",
        "jobcrafting",
        "jobcrafting.task",
        "(participant turns in scope)",
    ]
    assert [row[0] for row in analysis.code_rows(table)] == [row[0] for row in table.rows[:-1]]


def test_result_names_codebook_version_and_coder_layer(study: Project) -> None:
    query = analysis.frequency(study, FrequencyQuery(by=("department",))).query
    assert query["codebook"] == "study"
    assert query["codebook_version"] == "1"
    assert query["coder_layer"] == Layer().label
    assert "by = department" in query["filters"]


def test_per_thousand_words_and_percent_of_turns(study: Project) -> None:
    per1000 = analysis.frequency(study, FrequencyQuery(by=("department",), measure="per1000"))
    values = rows_by_code(per1000.tables[0])
    # temporality: Clinic c1 8 words of 19 -> 421.05; Ward w1 + w2 = 6 + 9 = 15 of 26
    # -> 576.92; total 23 of 45 -> 511.11.
    assert values["temporality"] == pytest.approx([8 / 19 * 1000, 15 / 26 * 1000, 23 / 45 * 1000])
    # breaks has no Clinic turn: 0 words per 1,000 (not a blank).
    assert values["temporality.breaks"][0] == 0
    # the last row gives those denominators: the words of each group's turns
    assert values["(words of the participant turns in scope)"] == [19, 26, 45]
    percent = analysis.frequency(study, FrequencyQuery(by=("department",), measure="percent"))
    # jobcrafting: Clinic c1, c2 of 3 turns = 66.7 %; Ward w3 of 4 = 25 %; total 3 of 7.
    assert rows_by_code(percent.tables[0])["jobcrafting"] == pytest.approx([200 / 3, 25.0, 300 / 7])


def test_words_transcripts_and_speakers(study: Project) -> None:
    words = analysis.frequency(study, FrequencyQuery(by=("department",), measure="words"))
    # temporality.interruptions: c1 (8 words) and w2 (9 words).
    assert rows_by_code(words.tables[0])["temporality.interruptions"] == [8, 9, 17]
    speakers = analysis.frequency(study, FrequencyQuery(measure="speakers"))
    # temporality: Anne (w1), Bo (w2), Cis (c1); breaks: Anne, Bo.
    assert rows_by_code(speakers.tables[0])["temporality"] == [3]
    assert rows_by_code(speakers.tables[0])["temporality.breaks"] == [2]
    transcripts = analysis.frequency(study, FrequencyQuery(measure="transcripts"))
    assert rows_by_code(transcripts.tables[0])["temporality.breaks"] == [1]
    # each states what its cells count: a 1 under 'unit = participant turn' read as a turn
    units = {
        result.query["filters"].split("unit = ")[1].split(";")[0]
        for result in (words, speakers, transcripts)
    }
    assert units == {
        "word (of whole coded participant turns)",
        "speaker (of a coded participant turn)",
        "transcript (with a coded participant turn)",
    }


def test_one_coder_and_consensus_layers(study: Project) -> None:
    ben = analysis.frequency(study, FrequencyQuery(layer=Layer.coder("ben")))
    # ben: w1 breaks, w2 interruptions, c1 temporality itself, c2 task.
    assert rows_by_code(ben.tables[0]) == {
        "temporality": [3],
        "temporality.breaks": [1],
        "temporality.interruptions": [1],
        "jobcrafting": [1],
        "jobcrafting.task": [1],
    }
    assert ben.query["coder_layer"] == "coder ben"
    consensus = analysis.frequency(study, FrequencyQuery(layer=Layer.parse("consensus")))
    assert rows_by_code(consensus.tables[0])["temporality"] == [2]
    assert consensus.query["coder_layer"] == "consensus"


def test_by_coder_total_counts_a_turn_once(study: Project) -> None:
    result = analysis.frequency(study, FrequencyQuery(by=("coder",), depth=1))
    table = result.tables[0]
    # The all-coders layer is every coder but the consensus layer.
    assert table.columns == ["Code", "Name", "anna", "ben", "carla", "Total"]
    # temporality: anna w1 w2 c1, ben w1 w2 c1, carla none; union 3.
    assert rows_by_code(table)["temporality"] == [3, 3, 0, 3]


def test_combined_dimensions_and_filters(study: Project) -> None:
    query = FrequencyQuery(
        by=("department", "speaker-role"),
        scope=TurnScope(departments=("Ward",)),
        codes=("temporality",),
    )
    table = analysis.frequency(study, query).tables[0]
    # Ward turns are by the moderator (no role), nurse Anne and physician Bo.
    assert table.columns == [
        "Code",
        "Name",
        "Ward / nurse",
        "Ward / physician",
        "Ward / (none)",
        "Total",
    ]
    assert rows_by_code(table) == {
        "temporality": [1, 1, 0, 2],
        "temporality.breaks": [1, 1, 0, 2],
        "temporality.interruptions": [0, 1, 0, 1],
        # w1 + w3 by Anne, w2 by Bo, w0 by the moderator: 4 Ward turns
        "(participant turns in scope)": [2, 1, 1, 4],
    }


def test_depth_keeps_top_level_codes(study: Project) -> None:
    table = analysis.frequency(study, FrequencyQuery(depth=1)).tables[0]
    assert [row[0] for row in table.rows] == ["temporality", "jobcrafting"]


def test_unknown_code_coder_and_dimension_are_clear_errors(study: Project) -> None:
    with pytest.raises(NotFoundError, match="No code 'nope'"):
        analysis.frequency(study, FrequencyQuery(codes=("nope",)))
    with pytest.raises(NotFoundError, match="No coder 'dora'"):
        analysis.frequency(study, FrequencyQuery(layer=Layer.coder("dora")))
    with pytest.raises(QualcodeError, match="Cannot group by 'ward'"):
        analysis.frequency(study, FrequencyQuery(by=("ward",)))
    with pytest.raises(QualcodeError, match="Unknown measure"):
        analysis.frequency(study, FrequencyQuery(measure="lines"))


def test_compare_departments_per_code_tests_and_wilson(study: Project) -> None:
    report = analysis.compare(study, CompareQuery(by="department"))
    comparison = report.comparison
    # Rows: the top-level codes; columns Clinic, Ward. The moderator's turns have no role
    # here (the label carries none), so they count as participant turns: 3 and 4.
    assert comparison.groups == ["Clinic", "Ward"]
    assert comparison.counts == [[1, 2], [2, 1]]
    assert comparison.group_turns == [3, 4]
    # temporality: 1 of 3 against 2 of 4 turns, a 2 x 2 table [[1, 2], [2, 2]] with expected
    # counts 3 x 3/7 = 1.29 < 5: Fisher's exact test. Hypergeometric N = 7, 3 coded, 3 in
    # the Clinic: P(0) = 4/35, P(1) = 18/35, P(2) = 12/35, P(3) = 1/35; two-sided p sums
    # those <= 18/35: 1.
    temporality = comparison.tests[0]
    assert temporality.method == "Fisher's exact"
    assert temporality.p_value == pytest.approx(1.0)
    assert temporality.p_holm == pytest.approx(1.0)
    assert not comparison.testable(0, 0)  # expected 1.29 coded turns
    assert comparison.marks.styles == {}
    assert comparison.marks.note.startswith("No cell is highlighted")
    assert comparison.omnibus is None  # only when asked
    counts, shares, tests, *_ = report.result_set.tables
    assert counts.rows[-1] == [None, "Participant turns in group", 3, 4, 7]
    assert tests.rows[0][6] == "Fisher's exact"
    # Wilson interval for 2 of 4 (temporality in the Ward): centre 0.5, half-width
    # 1.96 sqrt(1/16 + 1.96²/64) / (1 + 1.96²/4) = 0.350 -> (0.150, 0.850).
    ward = next(row for row in shares.rows if row[:3] == ["temporality", "Temporality", "Ward"])
    assert ward[3:6] == [2, 4, 0.5]
    assert ward[6:] == pytest.approx([0.150, 0.850], abs=5e-4)
    assert "N = 7 turns (45 words) in 2 transcripts" in report.result_set.query["filters"]
    # Counting moderators too, the labels no longer say "participant turns".
    everyone = analysis.compare(
        study, CompareQuery(by="department", scope=TurnScope(include_moderators=True))
    )
    counts, shares, *_ = everyone.result_set.tables
    assert counts.rows[-1][1] == "Turns in group"
    assert shares.title == "Share of turns by department"


def test_the_omnibus_test_counts_code_applications_when_asked(study: Project) -> None:
    report = analysis.compare(
        study,
        CompareQuery(
            by="department",
            codes=("temporality.breaks", "temporality.interruptions", "jobcrafting"),
            omnibus=True,
        ),
    )
    observed = report.comparison.counts
    assert observed == [[0, 2], [1, 1], [2, 1]]
    reference = stats.chi2_contingency(observed, correction=False)
    omnibus = report.comparison.omnibus
    assert omnibus is not None
    assert omnibus.statistic == pytest.approx(reference.statistic)
    assert omnibus.p_value == pytest.approx(reference.pvalue)
    table = report.result_set.tables[-1]
    assert table.title == "Omnibus chi-square (counts code applications, not turns)"
    # 7 applications over 5 distinct turns (w2 holds breaks and interruptions).
    assert ["Code applications (N)", 7] in table.rows


def test_compare_refuses_rows_that_contain_each_other(study: Project) -> None:
    with pytest.raises(QualcodeError, match="is part of 'temporality'"):
        analysis.compare(study, CompareQuery(codes=("temporality", "temporality.breaks")))


def test_compare_by_speaker_role_without_a_test_explains_why(study: Project) -> None:
    # Only the consensus layer and only nurses: one role column, so no code can be tested.
    report = analysis.compare(
        study,
        CompareQuery(
            by="speaker-role",
            layer=Layer.parse("consensus"),
            scope=TurnScope(roles=("nurse",)),
        ),
    )
    assert [test.problem for test in report.comparison.tests] == [
        "fewer than two groups with turns"
    ] * 2
    assert report.comparison.counts == [[1], [0]]
    assert report.comparison.clusters is None  # a transcript holds several roles


PAIRED = ("temporality.interruptions", "jobcrafting.task", "temporality.breaks")


def test_cooccurrence_same_turn_and_overlap(study: Project) -> None:
    same = cooccurrence.cooccurrence(study, CooccurrenceQuery(codes=PAIRED))
    pairs = {(row[0], row[1]): row[2:] for row in same.tables[0].rows}
    # anna coded breaks & interruptions on w2: one turn, Jaccard 1 / (2 + 2 - 1).
    assert pairs[("temporality.breaks", "temporality.interruptions")] == [
        1,
        2,
        2,
        pytest.approx(1 / 3),
    ]
    # On c1 anna coded interruptions and carla task: no one coder applied both, no pair.
    assert ("temporality.interruptions", "jobcrafting.task") not in pairs
    overlap = cooccurrence.cooccurrence(
        study,
        CooccurrenceQuery(codes=PAIRED, overlap=True),
    )
    overlapping = {(row[0], row[1]) for row in overlap.tables[0].rows}
    # In c1 anna's "interruptions come from outside" and carla's "Planning is fine" do not
    # overlap; in w2 both codings cover the whole turn.
    assert overlapping == {("temporality.breaks", "temporality.interruptions")}


def test_quotes_give_whole_turns_or_the_coded_spans(study: Project) -> None:
    report = quotes.quotes(study, QuoteQuery(code="temporality.interruptions"))
    texts = {quote.department: quote for quote in report.quotes}
    assert texts["Clinic"].text == "interruptions come from outside"
    assert texts["Clinic"].speaker == "Cis"
    assert texts["Clinic"].role == "head nurse"
    assert texts["Ward"].text == "The phone rings during every break and interrupts us."
    assert texts["Ward"].coders == ["anna", "ben"]  # all coders: not the consensus layer
    parent = quotes.quotes(study, QuoteQuery(code="temporality", limit=2))
    assert len(parent.quotes) == 2  # of 3 coded turns, in transcript order
    assert parent.result_set.query["coder_layer"] == Layer().label


def test_quotes_narrowed_to_a_comparison_cell(study: Project) -> None:
    scope = quotes.scope_for_group(TurnScope(), "department", "Ward")
    report = quotes.quotes(study, QuoteQuery(code="jobcrafting", scope=scope))
    assert [quote.text for quote in report.quotes] == ["I moved my tasks to the evening."]


def test_search_uses_the_backends_full_text_index(study: Project) -> None:
    report = quotes.search(study, SearchQuery(text="phone"))
    expected = {"sqlite": search_store.FTS5, "postgresql": search_store.TSVECTOR}
    engine = expected[study.engine.dialect.name]
    assert f"search = {engine};" in report.result_set.query["filters"]


def test_search_finds_words_and_phrases_with_filters(study: Project) -> None:
    hits = quotes.search(study, SearchQuery(text="phone")).quotes
    assert {hit.speaker for hit in hits} == {"Bo", "Dan"}
    # Whole words, any case: "phon" is no word of the corpus, "PHONE" is "phone".
    assert quotes.search(study, SearchQuery(text="phon")).quotes == []
    assert {h.speaker for h in quotes.search(study, SearchQuery(text="PHONE")).quotes} == {
        "Bo",
        "Dan",
    }
    # Query syntax of the engines is read as words: no negation, "or" or prefix operator.
    assert {h.speaker for h in quotes.search(study, SearchQuery(text="-phone")).quotes} == {
        "Bo",
        "Dan",
    }
    assert quotes.search(study, SearchQuery(text="phone or break")).quotes == []
    assert quotes.search(study, SearchQuery(text="phon:")).quotes == []
    both = quotes.search(study, SearchQuery(text='phone "every break"')).quotes
    assert [hit.speaker for hit in both] == ["Bo"]
    assert quotes.search(study, SearchQuery(text='"break proper"')).quotes == []
    phrase = quotes.search(study, SearchQuery(text='"proper break"')).quotes
    assert [hit.speaker for hit in phrase] == ["Anne"]
    clinic = quotes.search(
        study, SearchQuery(text="phone", scope=TurnScope(departments=("Clinic",)))
    ).quotes
    assert [hit.text for hit in clinic] == ["I changed how I answer the phone."]
    prefix = quotes.search(study, SearchQuery(text="interrupt*")).quotes
    assert {hit.speaker for hit in prefix} == {"Bo", "Cis"}
    prefixes = quotes.search(study, SearchQuery(text="interrupt* plan*")).quotes
    assert [hit.speaker for hit in prefixes] == ["Cis"]
    nurses = quotes.search(
        study, SearchQuery(text="break*", scope=TurnScope(roles=("nurse",)))
    ).quotes
    assert [hit.text for hit in nurses] == ["We never get a proper break."]
    with pytest.raises(QualcodeError, match="Give words"):
        quotes.search(study, SearchQuery(text='  ""  '))


def test_exports_read_back_equal(study: Project, tmp_path: Path) -> None:
    result = analysis.frequency(study, FrequencyQuery(by=("department",), measure="per1000"))
    write(result, "csv", tmp_path / "freq.csv")
    back = read_csv_table(tmp_path / "freq.csv")
    assert back.columns == result.tables[0].columns
    assert back.rows == result.tables[0].rows
    compared = analysis.compare(study, CompareQuery()).result_set
    write(compared, "xlsx", tmp_path / "compare.xlsx")
    tables = read_tables(tmp_path / "compare.xlsx")
    assert [t.title for t in tables] == [t.title for t in compared.tables]
    for original, read in zip(compared.tables, tables, strict=True):
        assert read.columns == original.columns
        for got, want in zip(read.rows, original.rows, strict=True):
            assert got == [
                pytest.approx(v) if isinstance(v, float) and not math.isnan(v) else v for v in want
            ]


def test_search_without_fts_falls_back_to_substrings(study: Project, monkeypatch) -> None:
    monkeypatch.setattr(quotes.search_store, "has_fts", lambda session: False)
    report = quotes.search(study, SearchQuery(text="PHONE"))
    # Substring match, case-insensitive, in transcript order (Clinic sorts before Ward).
    assert [hit.speaker for hit in report.quotes] == ["Dan", "Bo"]
    assert "substring" in report.result_set.query["filters"]


def test_the_search_index_follows_imports_splits_and_joins(study: Project) -> None:
    # Imports do not index; the first catch-up indexes every turn, the next has nothing to add.
    assert study.write(search_store.catch_up) == len(
        [v for info in corpus.list_transcripts(study) for v in corpus.segments(study, info.id)]
    )
    assert study.write(search_store.catch_up) == 0
    hit = quotes.search(study, SearchQuery(text='"proper break"')).quotes[0]
    turn = next(v for v in corpus.segments(study, hit.transcript_id) if v.id == hit.segment_id)
    at = turn.start_char + turn.text.index("proper")
    first, second = segmentation.split_turn(study, turn.id, at).segment_ids
    # Before any catch-up, the turn whose offsets changed is not found by its old text.
    stale = study.read(
        lambda session: search_store.search_turns(
            session, search_store.parse_terms("never proper"), TurnScope(), limit=10
        )
    )
    assert stale == []
    found = quotes.search(study, SearchQuery(text='"proper break"')).quotes
    assert [q.segment_id for q in found] == [second]
    segmentation.join_turns(study, first)
    found = quotes.search(study, SearchQuery(text='"proper break"')).quotes
    assert [q.segment_id for q in found] == [first]
