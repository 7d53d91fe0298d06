"""The learned classifier: training changes the ranking; it survives serialisation."""

from __future__ import annotations

from qualcode.domain.suggestion import LEARNED, CodeScore
from qualcode.suggest import learned
from qualcode.suggest.combine import combine

LABELS = ["open.it_system", "temporality.breaks"]
TRAIN = [
    learned.labelled(text.split(), {code}, LABELS)
    for text, code in [
        ("the system crash again", "open.it_system"),
        ("the system be so slow", "open.it_system"),
        ("log into the system take forever", "open.it_system"),
        ("we eat lunch together", "temporality.breaks"),
        ("no lunch today", "temporality.breaks"),
        ("coffee and lunch with colleague", "temporality.breaks"),
    ]
]


def test_training_changes_the_ranking_and_survives_serialisation() -> None:
    nlp = learned.train("en", TRAIN, LABELS, epochs=20)
    [scores] = learned.predict(nlp, [["the", "system", "be", "slow"]])
    assert scores["open.it_system"] > 0.5 > scores["temporality.breaks"]
    matched = [CodeScore(code="temporality.breaks", score=0.1, why=["lunch"])]
    result = combine(matched, scores)
    assert result[0].code == "open.it_system"
    assert result[0].why == [LEARNED]
    assert result[1].why[0] == "lunch"
    restored = learned.from_payload(*learned.to_payload(nlp))
    [again] = learned.predict(restored, [["the", "system", "be", "slow"]])
    assert again == scores


def test_rejections_are_negative_evidence() -> None:
    rejected = [learned.TrainingExample(["the", "system", "be", "slow"], {"open.it_system": 0.0})]
    before = learned.predict(learned.train("en", TRAIN, LABELS, epochs=10), [["system", "slow"]])
    after = learned.predict(
        learned.train("en", TRAIN + rejected * 5, LABELS, epochs=10), [["system", "slow"]]
    )
    assert after[0]["open.it_system"] < before[0]["open.it_system"]


def test_a_text_without_tokens_trains_and_scores() -> None:
    silent = learned.TrainingExample([], {"open.it_system": 0.0})
    nlp = learned.train("en", [*TRAIN, silent], LABELS, epochs=5)
    empty, slow = learned.predict(nlp, [[], ["system", "slow"]])
    assert set(empty) == set(slow) == set(LABELS)
    assert empty["open.it_system"] < slow["open.it_system"]
