"""Cross-validation: folds never leak test labels into fitting; concept labels and ranking."""

from __future__ import annotations

import pytest

from qualcode.domain.suggestion import LEARNED, CodeScore
from qualcode.suggest import evaluate as evaluation
from qualcode.suggest import learned
from qualcode.suggest.combine import combine
from qualcode.suggest.context import CONTEXT_PREFIX, contexts
from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Idf
from qualcode.suggest.pipelines import pipeline

CODES = [
    CodeTerms("temporality.breaks", {"en": ["lunch", "break"]}),
    CodeTerms("temporality.interruptions", {"en": ["interrupted", "phone"]}),
]
TEXTS = [
    ("We skip lunch.", "temporality.breaks"),
    ("No break today.", "temporality.breaks"),
    ("The phone rings and I am interrupted.", "temporality.interruptions"),
    ("The IT system crashed again.", "open.it_system"),
] * 6


def make_items() -> tuple[list[evaluation.EvalItem], dict[str, Idf]]:
    matcher = CodebookMatcher(pipeline("en"), CODES)
    hits, norms = matcher.match(text for text, _ in TEXTS)
    items = [
        evaluation.EvalItem("en", found, words, frozenset({code}), transcript=index % 4)
        for index, ((_, code), found, words) in enumerate(zip(TEXTS, hits, norms, strict=True))
    ]
    return items, {"en": Idf.from_hits(hits)}


@pytest.mark.parametrize("split", evaluation.SPLITS)
def test_the_model_trains_on_the_training_turns_with_their_context_text_only(
    monkeypatch, split: str
) -> None:
    matcher = CodebookMatcher(pipeline("en"), CODES)
    hits, norms = matcher.match(text for text, _ in TEXTS)
    groups = [index // 6 for index in range(len(TEXTS))]
    around = contexts(groups, [None] * len(TEXTS), hits, norms)
    items = [
        evaluation.EvalItem("en", found, words, frozenset({code}), group, near)
        for (_, code), found, words, group, near in zip(
            TEXTS, hits, norms, groups, around, strict=True
        )
    ]
    trained: list[list[tuple[str, ...]]] = []
    real_train = learned.train

    def spy(language, examples, labels, **options):
        trained.append(sorted(tuple(example.norms) for example in examples))
        return real_train(language, examples, labels, **options)

    monkeypatch.setattr(learned, "train", spy)
    evaluation.cross_validate(
        items, {"en": Idf.from_hits(hits)}, layer="all", folds=4, seed=1, epochs=1, split=split
    )
    assignment = evaluation.fold_of(items, 4, 1, split)
    for fold, seen in enumerate(trained):
        train = [item for item, at in zip(items, assignment, strict=True) if at != fold]
        assert seen == sorted(tuple(item.features) for item in train)
    assert any(word.startswith(CONTEXT_PREFIX) for item in items for word in item.features)
    # The model's input is the turn's words and its context's words, nothing else.
    assert all(item.features == item.norms + item.context.words for item in items)


@pytest.mark.parametrize("split", evaluation.SPLITS)
def test_fitting_never_sees_the_test_fold(monkeypatch, split: str) -> None:
    items, idf = make_items()
    fitted: list[set[int]] = []
    calibrated: list[set[int]] = []

    def fake_train(train, **_: object) -> dict:
        fitted.append({id(item) for item in train})
        return {}

    def fake_calibrate(train, _idf) -> Calibration:
        calibrated.append({id(item) for item in train})
        return Calibration()

    priors: list[set[int]] = []
    real_prior = evaluation.Prior.of.__func__  # type: ignore[attr-defined]

    def spy_prior(cls, train):
        priors.append({id(item) for item in train})
        return real_prior(cls, train)

    monkeypatch.setattr(evaluation, "train_models", fake_train)
    monkeypatch.setattr(evaluation, "calibrate", fake_calibrate)
    monkeypatch.setattr(evaluation.Prior, "of", classmethod(spy_prior))
    report = evaluation.cross_validate(items, idf, layer="all", folds=4, seed=1, split=split)
    assert report.get("codebook", "code").n_segments == len(items)
    assignment = evaluation.fold_of(items, 4, 1, split)
    assert fitted == calibrated == priors and len(fitted) == 4
    for fold, seen in enumerate(fitted):
        held_out = {id(item) for item, at in zip(items, assignment, strict=True) if at == fold}
        assert held_out and not held_out & seen
        assert len(held_out) + len(seen) == len(items)
    if split == "transcript":
        for fold in range(4):
            groups = {item.transcript for item, at in zip(items, assignment, strict=True)}
            inside = {i.transcript for i, at in zip(items, assignment, strict=True) if at == fold}
            outside = {i.transcript for i, at in zip(items, assignment, strict=True) if at != fold}
            assert inside and not inside & outside and inside | outside == groups


def test_concept_labels_are_learned_but_never_suggested_as_codes() -> None:
    assert learned.targets({"temporality.breaks"}) == {
        "temporality.breaks",
        "concept:temporality",
    }
    golds = [frozenset({"temporality.breaks"}), frozenset({"temporality.rhythm"})]
    assert learned.labels_with_support(golds, 2) == ["concept:temporality"]
    scores = {"concept:temporality": 0.9, "temporality.breaks": 0.6}
    assert [item.code for item in combine([], scores)] == ["temporality.breaks"]
    assert learned.concept_scores(scores) == {"temporality": 0.9}


def test_concept_ranking_uses_the_concept_label_when_it_is_higher() -> None:
    ranking = [
        CodeScore(code="jobcrafting.task", score=0.5, why=["take on"]),
        CodeScore(code="temporality.breaks", score=0.4, why=["lunch"]),
    ]
    plain = evaluation.concept_ranking(ranking)
    assert [item.code for item in plain] == ["jobcrafting", "temporality"]
    boosted = evaluation.concept_ranking(ranking, {"temporality": 0.8, "open": 0.6})
    assert [item.code for item in boosted] == ["temporality", "open", "jobcrafting"]
    assert boosted[0].why == [LEARNED]


def test_concept_labels_lift_concept_precision_on_a_small_corpus() -> None:
    items, idf = make_items()
    report = evaluation.cross_validate(items, idf, layer="all", folds=3, seed=2, epochs=8)
    concept = report.get("combined", "concept")
    # Every turn of the fixture is predictable from its words: open turns via the model only.
    assert concept.precision_at_1 == 1.0
    assert report.get("codebook", "concept").n_without_suggestion == 6


def test_rankings_end_with_the_training_folds_most_frequent_labels() -> None:
    items, idf = make_items()
    report = evaluation.cross_validate(items, idf, layer="all", folds=3, seed=2, epochs=1)
    codebook = report.get("codebook", "concept")
    # The IT turns match no term: no suggestion, so their ranking is the prior alone,
    # temporality (18 of 24 turns) before open (6): a miss at 1, a hit within three.
    assert codebook.n_without_suggestion == 6
    labels = {row.label: row for row in codebook.labels}
    assert labels["open"].recall_at_3.value == 1.0
    assert labels["open"].precision_at_1.n == 0
    assert codebook.confusion["open"] == {"temporality": 6}
    prior = evaluation.Prior.of(items)
    assert prior.concepts == ("temporality", "open")
    assert prior.codes[0] == "temporality.breaks"
