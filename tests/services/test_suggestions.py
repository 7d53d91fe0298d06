"""Suggestion services: store, accept, reject, never repeat; train; evaluate; free text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualcode.domain.imports import ImportSpec
from qualcode.errors import QualcodeError
from qualcode.services import (
    coding,
    corpus,
    importing,
    metadata,
    scope,
    suggest_training,
    suggestion_queue,
    suggestions,
)
from qualcode.services.history import CodingHistory
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store.models import Code, Suggestion
from qualcode.suggest.suggester import Suggester


def breaks_turn(project: Project) -> int:
    return next(s.id for s in corpus.segments(project, 1) if "lunch" in s.text)


def test_a_temporality_turn_gets_a_temporality_suggestion_first(coded_project) -> None:
    run = suggestions.suggest_for_transcript(coded_project, 1, "anna")
    assert run.segments == 4 and run.created >= 2
    pending = suggestions.pending_suggestions(coded_project, breaks_turn(coded_project), "anna")
    assert pending[0].code_key.startswith("temporality.")
    assert pending[0].reason and pending[0].status == "pending"
    assert pending == sorted(pending, key=lambda item: -item.score)


def test_accept_creates_a_suggestion_coding_and_it_is_not_suggested_again(coded_project) -> None:
    suggestions.suggest_for_transcript(coded_project, 1, "anna")
    turn = breaks_turn(coded_project)
    first = suggestions.pending_suggestions(coded_project, turn, "anna")[0]
    view = suggestions.accept_suggestion(coded_project, first.id, "anna")
    assert (view.code_key, view.origin, view.segment_id) == (first.code_key, "suggestion", turn)
    suggestions.suggest_for_transcript(coded_project, 1, "anna")
    again = suggestions.pending_suggestions(coded_project, turn, "anna")
    assert first.code_key not in {item.code_key for item in again}


def test_a_rejected_suggestion_stays_rejected(coded_project) -> None:
    suggestions.suggest_for_transcript(coded_project, 1, "anna")
    turn = breaks_turn(coded_project)
    first = suggestions.pending_suggestions(coded_project, turn, "anna")[0]
    assert suggestions.reject_suggestion(coded_project, first.id, "anna").status == "rejected"
    suggestions.suggest_for_transcript(coded_project, 1, "anna")
    again = suggestions.pending_suggestions(coded_project, turn, "anna")
    assert first.code_key not in {item.code_key for item in again}


def test_codes_the_coder_applied_are_never_suggested(coded_project) -> None:
    turn = breaks_turn(coded_project)
    coding.apply_code(coded_project, turn, "temporality.breaks", "anna")
    suggestions.suggest_for_transcript(coded_project, 1, "anna")
    mine = suggestions.pending_suggestions(coded_project, turn, "anna")
    assert "temporality.breaks" not in {item.code_key for item in mine}
    suggestions.suggest_for_transcript(coded_project, 1, "ben")
    theirs = suggestions.pending_suggestions(coded_project, turn, "ben")
    assert "temporality.breaks" in {item.code_key for item in theirs}


def test_another_coder_cannot_accept_my_suggestion(coded_project) -> None:
    suggestions.suggest_for_transcript(coded_project, 1, "anna")
    first = suggestions.pending_suggestions(coded_project, breaks_turn(coded_project), "anna")[0]
    with pytest.raises(QualcodeError, match="another coder"):
        suggestions.accept_suggestion(coded_project, first.id, "ben")


IT_TURNS = [
    "The system crashed again this morning.",
    "Logging into the system takes forever.",
    "The system is so slow with the records.",
    "Every update of the system makes it worse.",
    "The system froze while I was writing.",
    "Nobody can find anything in the new system.",
]
BREAK_TURNS = [
    "We never get a lunch break.",
    "Lunch is spent at the desk.",
    "A coffee break would help.",
    "I skip lunch most days.",
    "Our breaks are too short.",
    "No lunch break again today.",
]


def test_training_on_the_project_changes_the_ranking(coded_project, write_file) -> None:
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import codebooks, importing

    lines = [f"P{i}: {text}" for i, text in enumerate(IT_TURNS + BREAK_TURNS)]
    path = write_file("it.txt", "\n".join(lines) + "\n")
    importing.import_one(coded_project, ImportSpec(path=path, department="Ward"))
    codebooks.create_open_code(coded_project, "IT system", "anna")
    for segment in corpus.segments(coded_project, 2):
        key = "open.it_system" if "system" in segment.text else "temporality.breaks"
        coding.apply_code(coded_project, segment.id, key, "anna")
    probe = ["The system crashed and froze again."]
    before, _ = suggestions.suggest_texts(probe, project=coded_project)
    assert "open.it_system" not in {item.code for item in before[0].suggestions}
    [report] = suggest_training.train_model(coded_project, layer="anna", epochs=15)
    assert report.n_examples == 12 and "open.it_system" in report.labels
    after, _ = suggestions.suggest_texts(probe, project=coded_project)
    assert after[0].suggestions[0].code == "open.it_system"
    assert after[0].suggestions[0].why == ["learned"]
    [status] = suggest_training.model_status(coded_project)
    assert status.version == report.version and not status.retrain_advised


def test_evaluation_reports_both_stages_at_both_levels(coded_project) -> None:
    for segment in corpus.segments(coded_project, 1):
        coding.apply_code(coded_project, segment.id, "temporality.breaks", "anna")
    report = suggest_training.evaluate(coded_project, layer="anna", folds=2, epochs=2, split="turn")
    assert {(stage.stage, stage.level) for stage in report.stages} == {
        (stage, level) for stage in ("codebook", "combined") for level in ("code", "concept")
    }
    concept = report.get("codebook", "concept")
    assert concept.n_segments == 4
    assert [row.label for row in concept.rows if row.support] == ["temporality"]


def test_in_blind_mode_suggestions_learn_only_from_the_coders_own_layer(
    coded_project, write_file
) -> None:
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import blind, codebooks, importing

    lines = [f"P{i}: {text}" for i, text in enumerate(IT_TURNS + BREAK_TURNS)]
    path = write_file("it.txt", "\n".join(lines) + "\n")
    importing.import_one(coded_project, ImportSpec(path=path, department="Ward"))
    codebooks.create_open_code(coded_project, "IT system", "anna")
    for segment in corpus.segments(coded_project, 2):
        key = "open.it_system" if "system" in segment.text else "temporality.breaks"
        coding.apply_code(coded_project, segment.id, key, "anna")
    [report] = suggest_training.train_model(coded_project, layer="anna", epochs=5)
    seen = suggestions.suggest_for_transcript(coded_project, 1, "ben")
    assert report.version in seen.model_version
    blind.set_blind_mode(coded_project, True, actor=None)
    ben = suggestions.suggest_for_transcript(coded_project, 1, "ben")
    assert report.version not in ben.model_version  # anna's model is not ben's to learn from
    anna = suggestions.suggest_for_transcript(coded_project, 1, "anna")
    assert report.version in anna.model_version


def test_evaluation_context_is_the_turns_text_and_never_their_codes(
    coded_project, monkeypatch
) -> None:
    from qualcode.domain.suggestion import EvalReport
    from qualcode.suggest import evaluate as evaluation
    from qualcode.suggest.context import CONTEXT_PREFIX

    runs: list[list] = []

    def record(items, _idf, *, layer: str, folds: int, seed: int, threshold: float, **_):
        runs.append(list(items))
        return EvalReport(layer=layer, folds=folds, seed=seed, threshold=threshold, stages=[])

    monkeypatch.setattr(evaluation, "cross_validate", record)
    _moderator, lunch, paper, yes = [s.id for s in corpus.segments(coded_project, 1)]
    for turn in (lunch, paper, yes):
        coding.apply_code(coded_project, turn, "temporality.breaks", "anna")
    suggest_training.evaluate(coded_project, layer="anna", folds=2, split="turn")
    coding.apply_code(coded_project, lunch, "jobcrafting.workarounds", "anna")
    coding.apply_code(coded_project, yes, "open", "anna")
    suggest_training.evaluate(coded_project, layer="anna", folds=2, split="turn")
    before, after = runs
    assert [item.gold for item in before] != [item.gold for item in after]
    assert [item.context for item in before] == [item.context for item in after]
    # "Yes." answers the lunch turn and, three turns back, the moderator's card.
    words = after[2].context.words
    assert CONTEXT_PREFIX + "lunch" in words and CONTEXT_PREFIX + "card" in words
    assert {hit.code for hit in after[2].context.hits} >= {"temporality.breaks"}
    assert not after[2].hits


def test_a_turn_is_suggested_the_code_of_the_turns_it_answers(coded_project) -> None:
    suggestions.suggest_transcripts(coded_project, "anna", [1], min_score=0.05)
    yes = corpus.segments(coded_project, 1)[3]
    pending = suggestions.pending_suggestions(coded_project, yes.id, "anna")
    assert pending and pending[0].code_key.startswith("temporality.")
    assert "(context)" in pending[0].reason


def test_ranking_in_chunks_gives_the_rankings_of_ranking_all_turns_at_once() -> None:
    from qualcode.suggest import learned
    from qualcode.suggest.combine import combine
    from qualcode.suggest.context import contexts
    from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Idf, rank
    from qualcode.suggest.pipelines import pipeline

    codes = [
        CodeTerms("temporality.breaks", {"en": ["lunch", "break"]}, ["We had no time to eat."]),
        CodeTerms("open.it_system", {"en": ["system"]}),
    ]
    matcher = CodebookMatcher(pipeline("en"), codes)
    texts = [
        turn
        for pair in zip(IT_TURNS, BREAK_TURNS, strict=True)
        for turn in ("Moderator: what about this card?", *pair, "Yes, exactly.")
    ]
    groups = [index // 8 for index in range(len(texts))]
    roles = ["moderator" if text.startswith("Moderator") else None for text in texts]
    hits, norms = matcher.match(texts)
    stop_words = matcher.pipe.nlp.Defaults.stop_words
    around = list(contexts(groups, roles, hits, norms, stop_words))
    features = [words + near.words for words, near in zip(norms, around, strict=True)]
    gold = [{"open.it_system"} if "system" in text else {"temporality.breaks"} for text in texts]
    labels = learned.labels_with_support(gold, 1)
    examples = [learned.labelled(f, g, labels) for f, g in zip(features, gold, strict=True)]
    model = learned.train("en", examples, labels, epochs=3)
    idf, known = Idf.from_hits(hits), {code.key for code in codes}
    # Reference: every turn ranked at once by the per-turn functions.
    matched = [
        rank(found, idf, Calibration(), near.hits) for found, near in zip(hits, around, strict=True)
    ]
    scores = learned.predict(model, features)
    reference = [combine(r, s, known=known) for r, s in zip(matched, scores, strict=True)]
    reasons = {reason for ranking in reference for item in ranking for reason in item.why}
    assert "learned" in reasons and "lunch (context)" in reasons
    for model_or_none, expected in ((model, reference), (None, matched)):
        suggester = Suggester("en", matcher, idf, Calibration(), model_or_none, "test", known, True)
        for chunk_size in (1, 5, len(texts)):
            ranked = suggester.rank_matched(
                hits, norms, contexts(groups, roles, hits, norms, stop_words), chunk_size=chunk_size
            )
            assert list(ranked) == expected


MIXED_BATCH = [
    "We never get a proper lunch break.",
    "The new system crashed again and nobody told us why.",
    "I keep a paper list next to the computer.",
    "Lunch is spent at the desk, the phone rings all the time.",
    "Nobody ever thanks us, there is no recognition for the extra work.",
]


@pytest.mark.parametrize("with_project", [False, True])
def test_a_texts_scores_are_the_same_alone_and_in_a_batch(coded_project, with_project) -> None:
    project = coded_project if with_project else None
    batch, _ = suggestions.suggest_texts(MIXED_BATCH * 5, project=project)
    for text, ranked in zip(MIXED_BATCH, batch, strict=False):
        [alone], _ = suggestions.suggest_texts([text], project=project)
        assert alone.suggestions == ranked.suggestions
        assert alone.suggestions  # every probe matches some term: the check is not vacuous
    # The weights come from a table, not from the batch: a term repeated in every line
    # weighs as much as when it is rare.
    [single], _ = suggestions.suggest_texts(["We never get a proper lunch break."])
    [repeated, *_], _ = suggestions.suggest_texts(["We never get a proper lunch break."] * 30)
    assert single.suggestions == repeated.suggestions


def test_rare_words_weigh_more_than_common_ones_without_a_corpus() -> None:
    from qualcode.suggest.reference import ReferenceFrequencies

    weight = ReferenceFrequencies("en")
    assert weight("the") < weight("system") < weight("lunch") < weight("overtime")
    danish = ReferenceFrequencies("da")
    assert danish("og") < danish("frokost")


MODERATED = """[00:00:00] Kim (moderator): What about your lunch break and the phone?
[00:00:10] Anne (nurse): We never get a proper lunch break. The phone rings all the time.
[00:00:20] Lis (Facilitator): Is the lunch break too short? Any overtime?
[00:00:30] Bo (secretary): I keep a paper list next to the system.
"""


def test_moderators_turns_are_never_offered_suggestions(coded_project, write_file) -> None:
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import importing, scope

    importing.import_one(coded_project, ImportSpec(path=write_file("m.txt", MODERATED)))
    moderator, anne, facilitator, bo = corpus.segments(coded_project, 2)
    # With no moderator roles in the study, every turn is a participant's: all get some.
    scope.set_moderator_roles(coded_project, [])
    run = suggestions.suggest_transcripts(coded_project, "anna", [2], min_score=0.05)
    assert (run.segments, run.moderator_turns) == (4, 0)
    assert suggestions.pending_suggestions(coded_project, moderator.id, "anna")
    # The study's default roles: the moderator and facilitator turns get none, even those
    # stored before, which the next run deletes.
    scope.set_moderator_roles(coded_project, ["moderator", "facilitator", "interviewer"])
    assert suggestions.pending_suggestions(coded_project, moderator.id, "anna") == []
    run = suggestions.suggest_transcripts(coded_project, "anna", [2], min_score=0.05)
    assert (run.segments, run.moderator_turns) == (2, 2)
    for turn in (moderator, facilitator):
        assert suggestions.pending_suggestions(coded_project, turn.id, "anna") == []
    scope.set_moderator_roles(coded_project, [])
    assert suggestions.pending_suggestions(coded_project, moderator.id, "anna") == []
    # The participants' turns still get theirs, and the moderator's words are their context.
    assert suggestions.pending_suggestions(coded_project, anne.id, "anna")
    assert suggestions.pending_suggestions(coded_project, bo.id, "anna")


def test_evaluation_leaves_one_focus_group_out_with_intervals_and_chance(
    coded_project, write_file
) -> None:
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import importing

    lines = [f"P{i}: {text}" for i, text in enumerate(IT_TURNS + BREAK_TURNS)]
    for name in ("a", "b"):  # two focus groups (different files: the same one imports once)
        body = "\n".join(lines) + f"\nQ{name}: That is all.\n"
        importing.import_one(coded_project, ImportSpec(path=write_file(f"{name}.txt", body)))
    n_open = 0
    for transcript in (1, 2, 3):
        for segment in corpus.segments(coded_project, transcript)[1:13]:
            key = "open" if "system" in segment.text else "temporality.breaks"
            n_open += key == "open"
            coding.apply_code(coded_project, segment.id, key, "anna")
    report = suggest_training.evaluate(coded_project, layer="anna", epochs=2)
    assert (report.split, report.folds) == ("transcript", 3)  # one fold per focus group
    concept = report.get("codebook", "concept")
    assert concept.p_at_1 is not None and concept.r_at_3 is not None
    assert concept.p_at_1.n == concept.n_segments == 3 + 12 + 12
    assert concept.p_at_1.low <= concept.precision_at_1 <= concept.p_at_1.high
    # Four concepts in the codebook (open included): a random top three holds 3 in 4.
    assert (concept.n_labels, concept.chance_at_3) == (4, 0.75)
    assert concept.chance_at_1 == 0.25  # one concept applied per turn
    labels = {row.label: row for row in concept.labels}
    assert set(labels) >= {"open", "temporality"}
    assert labels["open"].support == n_open
    assert labels["open"].chance_at_1 == round(n_open / 27, 4)
    hits = sum(row.get(label, 0) for label, row in concept.confusion.items())
    assert hits == concept.p_at_1.successes
    assert [row.language for row in concept.languages] == ["en"]
    by_turn = suggest_training.evaluate(coded_project, layer="anna", epochs=2, split="turn")
    assert (by_turn.split, by_turn.folds) == ("turn", 5)


def test_a_new_open_code_is_learned_from_its_fifth_coded_turn(coded_project, write_file) -> None:
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import codebooks, importing
    from qualcode.suggest.learned import MIN_OPEN_SUPPORT

    it_turns = IT_TURNS[:MIN_OPEN_SUPPORT]
    lines = [f"P{i}: {text}" for i, text in enumerate(it_turns + BREAK_TURNS)]
    importing.import_one(coded_project, ImportSpec(path=write_file("it.txt", "\n".join(lines))))
    codebooks.create_open_code(coded_project, "IT trouble", "anna")
    turns = corpus.segments(coded_project, 2)
    for turn in turns[MIN_OPEN_SUPPORT:]:
        coding.apply_code(coded_project, turn.id, "temporality.breaks", "anna")
    probe = ["Logging in to the system crashed again and it froze."]
    for count, turn in enumerate(turns[:MIN_OPEN_SUPPORT], start=1):
        coding.apply_code(coded_project, turn.id, "open.it_trouble", "anna")
        if count < MIN_OPEN_SUPPORT - 1:
            continue
        [report] = suggest_training.train_model(coded_project, layer="anna", epochs=15)
        [ranked], _ = suggestions.suggest_texts(probe, project=coded_project)
        codes = [item.code for item in ranked.suggestions]
        if count < MIN_OPEN_SUPPORT:  # four examples: the theme is not learned yet
            assert "open.it_trouble" not in report.labels and "open.it_trouble" not in codes
            assert "concept:open" in report.labels  # its turns already count for the branch
        else:
            assert "open.it_trouble" in report.labels
            assert codes[0] == "open.it_trouble"


# -- moderator turns ---------------------------------------------------------------------

CHAIRED = """Moderator: Can everyone hear me? Do you get a lunch break, or does the phone ring?
Anne: We never get a proper lunch break. The phone rings all the time.
Chair: Thank you. Is there respect for the breaks you take?
Bo: I skip lunch most days and nobody respects that.
"""


@pytest.fixture
def chaired(coded_project: Project, write_file) -> Project:
    """Transcript 2: a moderator and a chair asking about the very terms the codes match."""
    path = write_file("chaired.txt", CHAIRED)
    spec = ImportSpec(path=path, department="Ward", roles={"Moderator": "Moderator "})
    importing.import_one(coded_project, spec)
    return coded_project


def offered(project: Project, coder: str = "anna") -> dict[str, list[str]]:
    """Speaker -> codes offered on that speaker's turns of transcript 2 (as the TUI reads)."""
    found = suggestion_queue.window_suggestions(project, 2, coder, 0, 1_000)
    return {
        turn.speaker or "": sorted(s.code_key for s in found.get(turn.id, []))
        for turn in corpus.segments(project, 2)
    }


def test_the_workbench_queue_offers_nothing_on_moderator_turns(chaired: Project) -> None:
    run = suggestions.suggest_for_transcript(chaired, 2, "anna")
    assert (run.segments, run.moderator_turns) == (3, 1)
    shown = offered(chaired)
    assert shown["Moderator"] == [] and shown["Anne"] and shown["Bo"] and shown["Chair"]
    moderator_turn = corpus.segments(chaired, 2)[0].id
    assert suggestions.pending_suggestions(chaired, moderator_turn, "anna") == []


def test_a_speaker_who_becomes_a_moderator_loses_the_offers(chaired: Project) -> None:
    suggestions.suggest_for_transcript(chaired, 2, "anna")
    chair_turn = corpus.segments(chaired, 2)[2].id
    assert suggestions.pending_suggestions(chaired, chair_turn, "anna")
    # The study calls its moderators chairs: the role is set on the speaker, the list on
    # the study, and the rule applies at once, before any new run.
    scope.set_moderator_roles(chaired, ["moderator", "chair"])
    metadata.set_speaker_role(chaired, 2, "Chair", "chair")
    assert offered(chaired)["Chair"] == []
    assert suggestions.pending_suggestions(chaired, chair_turn, "anna") == []
    # The next run removes them and says how many turns it left out.
    run = suggestions.suggest_for_transcript(chaired, 2, "anna")
    assert run.moderator_turns == 2
    metadata.set_speaker_role(chaired, 2, "Chair", None)
    assert offered(chaired)["Chair"] == []  # nothing stored for it any more ...
    suggestions.suggest_for_transcript(chaired, 2, "anna")
    assert offered(chaired)["Chair"]  # ... until suggestions are made for it again


# -- split and join ----------------------------------------------------------------------


def put(project: Project, segment_id: int, key: str, reason: str, **values: object) -> None:
    """Store one suggestion for anna on a turn (status pending unless given)."""

    def work(session) -> None:
        coder = code_store.ensure_coder(session, "anna")
        code = session.scalar(select(Code).where(Code.key == key))
        values.setdefault("status", "pending")
        values.setdefault("score", 0.8)
        session.add(
            Suggestion(
                segment_id=segment_id,
                code_id=code.id,
                coder_id=coder.id,
                model_version="test",
                reason=reason,
                **values,
            )
        )

    project.write(work)


def stored(project: Project, segment_id: int) -> set[tuple[str, str, float]]:
    """anna's suggestions on a turn as (code, status, score), whatever the speaker."""

    def work(session) -> set[tuple[str, str, float]]:
        rows = session.execute(
            select(Code.key, Suggestion.status, Suggestion.score)
            .join(Code, Code.id == Suggestion.code_id)
            .where(Suggestion.segment_id == segment_id)
        )
        return {(key, status, score) for key, status, score in rows}

    return project.read(work)


def test_a_split_keeps_pending_suggestions_with_the_half_that_holds_their_text(
    coded_project: Project,
) -> None:
    turn = corpus.segments(coded_project, 1)[1]  # "We never get a proper lunch break. The phone
    put(coded_project, turn.id, "temporality.breaks", "lunch break, pause (context)")
    put(coded_project, turn.id, "temporality.interruptions", "phone")
    put(coded_project, turn.id, "jobcrafting.task", "learned")  # no term: both halves
    put(coded_project, turn.id, "jobcrafting.workarounds", "list", status="rejected")
    before = stored(coded_project, turn.id)
    history = CodingHistory(coded_project, "anna")
    at = turn.start_char + turn.text.index("The phone")
    first, second = history.split(turn.id, at).turns
    assert stored(coded_project, first) == {
        ("temporality.breaks", "pending", 0.8),
        ("jobcrafting.task", "pending", 0.8),
        ("jobcrafting.workarounds", "rejected", 0.8),
    }
    assert stored(coded_project, second) == {
        ("temporality.interruptions", "pending", 0.8),
        ("jobcrafting.task", "pending", 0.8),
    }
    assert {s.code_key for s in suggestions.pending_suggestions(coded_project, second, "anna")} == {
        "temporality.interruptions",
        "jobcrafting.task",
    }
    history.undo()
    assert stored(coded_project, turn.id) == before


def test_a_join_keeps_the_suggestions_of_both_turns(coded_project: Project) -> None:
    turns = corpus.segments(coded_project, 1)
    second, third = turns[1].id, turns[2].id
    put(coded_project, second, "temporality.breaks", "lunch", score=0.5)
    put(coded_project, second, "temporality.interruptions", "phone")
    put(coded_project, third, "temporality.breaks", "break", score=0.9)
    put(coded_project, third, "jobcrafting.workarounds", "paper list")
    put(coded_project, third, "temporality.interruptions", "phone", status="rejected")
    before = {second: stored(coded_project, second), third: stored(coded_project, third)}
    history = CodingHistory(coded_project, "anna")
    (joined,) = history.join(second).turns
    assert stored(coded_project, joined) == {
        ("temporality.breaks", "pending", 0.9),  # the better of two pending ones
        ("jobcrafting.workarounds", "pending", 0.8),
        ("temporality.interruptions", "rejected", 0.8),  # a decision outranks a pending one
    }
    history.undo()
    assert {second: stored(coded_project, second), third: stored(coded_project, third)} == before
