"""k-fold cross-validation of the suggester over coded turns, at code and concept level.

Each fold fits the matcher calibration and trains the classifier on the other folds only;
IDF and each turn's conversation context (its neighbours' text, never their codes) need no
labels and come from the whole corpus. Folds split the turns (a seeded shuffle)
or, with `split="transcript"`, whole transcripts, to measure how the model carries over to
focus groups it never saw. Precision@1 asks whether the top
suggestion was applied; recall@3 what share of the applied codes are in the top three;
F1 counts a code as predicted when its score reaches `threshold`. Each ranking is completed
with the labels the suggester did not score, in the order of how many training turns carry
them (`Prior`), so that it orders every label as the chance baseline does.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.domain.codekey import CodeKey
from qualcode.domain.suggestion import (
    LEARNED,
    CodeScore,
    EvalReport,
    LanguageEval,
    MetricRow,
    StageEval,
)
from qualcode.suggest import learned, metrics
from qualcode.suggest.combine import LEARNED_FLOOR, combine
from qualcode.suggest.context import TurnContext
from qualcode.suggest.matcher import Calibration, Hit, Idf, evidence, rank

CODEBOOK = "codebook"
COMBINED = "combined"
LEVELS = ("code", "concept")
SPLITS = ("turn", "transcript")


@dataclass(frozen=True)
class Prior:
    """Codes and concepts in the order of how many training turns carry them: the end of
    every ranking, after the labels the suggester scored, so that each ranking orders every
    label, as the chance baseline's random ranking does."""

    codes: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()

    @classmethod
    def of(cls, items: Sequence[EvalItem]) -> Prior:
        codes: dict[str, int] = defaultdict(int)
        concepts: dict[str, int] = defaultdict(int)
        for item in items:
            for code in item.gold:
                codes[code] += 1
            for concept in {CodeKey(code).concept for code in item.gold}:
                concepts[concept] += 1

        def order(counts: dict[str, int]) -> tuple[str, ...]:
            return tuple(sorted(counts, key=lambda label: (-counts[label], label)))

        return cls(order(codes), order(concepts))


# A held-out turn's ranking, its applied codes, the model's concept scores, its language and
# the prior of its fold's training turns.
Ranking = tuple[list[CodeScore], frozenset[str], Mapping[str, float], str, Prior]


@dataclass(frozen=True)
class EvalItem:
    """One coded turn: its language, matcher hits, lemma norms, the codes applied, the
    transcript it belongs to and its conversation context (text only, never codes)."""

    language: str
    hits: list[Hit]
    norms: list[str]
    gold: frozenset[str]
    transcript: int = 0
    context: TurnContext = field(default_factory=TurnContext)

    @property
    def features(self) -> list[str]:
        """The learned model's input: the turn's lemmas and its context's prefixed lemmas."""
        return self.norms + self.context.words


def fold_of(items: Sequence[EvalItem], folds: int, seed: int, split: str = "turn") -> list[int]:
    """The fold of each item: a seeded shuffle of turns, or of whole transcripts."""
    rng = random.Random(seed)
    if split == "transcript":
        groups = sorted({item.transcript for item in items})
        rng.shuffle(groups)
        fold = {group: position % folds for position, group in enumerate(groups)}
        return [fold[item.transcript] for item in items]
    order = list(range(len(items)))
    rng.shuffle(order)
    result = [0] * len(items)
    for position, index in enumerate(order):
        result[index] = position % folds
    return result


def cross_validate(
    items: Sequence[EvalItem],
    idf: Mapping[str, Idf],
    *,
    layer: str,
    folds: int = 5,
    seed: int = 13,
    threshold: float = 0.5,
    epochs: int = learned.DEFAULT_EPOCHS,
    split: str = "turn",
    n_labels: Mapping[str, int] | None = None,
) -> EvalReport:
    """Rank every turn with models that never saw it; score both stages.

    `n_labels` gives the number of labels per level (the codebook's codes and concepts) for
    the chance baselines; without it, the labels seen in the gold codes and rankings.
    """
    assignment = fold_of(items, folds, seed, split)
    rankings: dict[str, list[Ranking]] = defaultdict(list)
    for fold in sorted(set(assignment)):
        train = [item for item, at in zip(items, assignment, strict=True) if at != fold]
        test = [item for item, at in zip(items, assignment, strict=True) if at == fold]
        calibration = calibrate(train, idf)
        models = train_models(train, epochs=epochs, seed=seed)
        prior = Prior.of(train)
        for language in {item.language for item in test}:
            batch = [item for item in test if item.language == language]
            model = models.get(language)
            predicted = learned.predict(model, [item.features for item in batch]) if model else None
            for position, item in enumerate(batch):
                matched = rank(item.hits, idf[language], calibration, item.context.hits)
                rankings[CODEBOOK].append((matched, item.gold, {}, language, prior))
                scores = predicted[position] if predicted else {}
                rankings[COMBINED].append(
                    (
                        combine(matched, scores),
                        item.gold,
                        learned.concept_scores(scores),
                        language,
                        prior,
                    )
                )
    stages = [
        score_stage(stage, level, rankings[stage], threshold, (n_labels or {}).get(level, 0))
        for stage in (CODEBOOK, COMBINED)
        for level in LEVELS
    ]
    return EvalReport(
        layer=layer, folds=folds, seed=seed, threshold=threshold, stages=stages, split=split
    )


def calibrate(items: Sequence[EvalItem], idf: Mapping[str, Idf]) -> Calibration:
    xs: list[float] = []
    ys: list[bool] = []
    for item in items:
        for code, (total, _) in evidence(item.hits, idf[item.language], item.context.hits).items():
            xs.append(total)
            ys.append(code in item.gold)
    return Calibration.fit(xs, ys)


def train_models(items: Sequence[EvalItem], *, epochs: int, seed: int) -> dict:
    """One classifier per language with enough coded turns."""
    models = {}
    for language in sorted({item.language for item in items}):
        batch = [item for item in items if item.language == language]
        golds = [item.gold for item in batch]
        labels = learned.labels_with_support(golds, learned.MIN_LABEL_SUPPORT)
        if len(batch) < learned.MIN_TRAINING_TURNS or not labels:
            continue
        examples = [learned.labelled(item.features, item.gold, labels) for item in batch]
        models[language] = learned.train(language, examples, labels, epochs=epochs, seed=seed)
    return models


def concept_ranking(
    ranking: Sequence[CodeScore], concepts: Mapping[str, float] | None = None
) -> list[CodeScore]:
    """Concepts ranked by their best code's score, or by the model's concept label where that
    is higher (a concept the model finds likely though none of its codes stands out)."""
    best: dict[str, CodeScore] = {}
    for item in ranking:
        best.setdefault(item.concept, CodeScore(code=item.concept, score=item.score, why=item.why))
    for concept, score in (concepts or {}).items():
        if score > (best[concept].score if concept in best else LEARNED_FLOOR):
            best[concept] = CodeScore(code=concept, score=round(score, 4), why=[LEARNED])
    return sorted(best.values(), key=lambda item: (-item.score, item.code))


def score_stage(
    stage: str,
    level: str,
    rankings: Sequence[Ranking],
    threshold: float,
    n_labels: int = 0,
) -> StageEval:
    hits_at_1 = hits_at_3 = gold_total = empty = 0
    support: dict[str, int] = defaultdict(int)
    predicted: dict[str, int] = defaultdict(int)
    correct: dict[str, int] = defaultdict(int)
    orders: list[list[str]] = []
    golds: list[frozenset[str]] = []
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for ranking, codes, concepts, language, prior in rankings:
        if level == "concept":
            ranking = concept_ranking(ranking, concepts)
            codes = frozenset(CodeKey(code).concept for code in codes)
        order = [item.code for item in ranking]
        scored = set(order)
        order += [
            label
            for label in (prior.concepts if level == "concept" else prior.codes)
            if label not in scored
        ]
        orders.append(order)
        golds.append(codes)
        first = bool(order) and order[0] in codes
        in_top = len(set(order[:3]) & codes)
        if not ranking:
            empty += 1
        hits_at_1 += first
        hits_at_3 += in_top
        gold_total += len(codes)
        tally = by_language[language]
        tally[0] += first
        tally[1] += 1
        tally[2] += in_top
        tally[3] += len(codes)
        chosen = {item.code for item in ranking if item.score >= threshold}
        for code in codes:
            support[code] += 1
        for code in chosen:
            predicted[code] += 1
            correct[code] += code in codes
    rows = [
        _row(label, support[label], predicted[label], correct[label])
        for label in sorted(set(support) | set(predicted))
    ]
    total = _row("all", sum(support.values()), sum(predicted.values()), sum(correct.values()))
    supported = [row.f1 for row in rows if row.support]
    n = len(rankings)
    k = n_labels or len({label for order in orders for label in order} | set(support))
    return StageEval(
        stage=stage,
        level=level,
        n_segments=n,
        n_without_suggestion=empty,
        precision_at_1=round(hits_at_1 / n, 4) if n else 0.0,
        recall_at_3=round(hits_at_3 / gold_total, 4) if gold_total else 0.0,
        micro_f1=total.f1,
        macro_f1=round(sum(supported) / len(supported), 4) if supported else 0.0,
        rows=rows,
        p_at_1=metrics.wilson(hits_at_1, n),
        r_at_3=metrics.wilson(hits_at_3, gold_total),
        n_labels=k,
        chance_at_1=metrics.chance_at_1(golds, k),
        chance_at_3=metrics.chance_at_3(k),
        labels=metrics.label_rows(orders, golds, k),
        confusion=metrics.confusion(orders, golds),
        languages=[
            LanguageEval(
                language=language,
                precision_at_1=metrics.wilson(first, turns),
                recall_at_3=metrics.wilson(top, applied),
            )
            for language, (first, turns, top, applied) in sorted(by_language.items())
        ],
    )


def _row(label: str, support: int, predicted: int, correct: int) -> MetricRow:
    precision = correct / predicted if predicted else 0.0
    recall = correct / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return MetricRow(
        label=label,
        support=support,
        predicted=predicted,
        true_positive=correct,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
    )
