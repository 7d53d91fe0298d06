"""Training the project's suggestion model on a coding layer, advising when to retrain, and
measuring the hit rate by cross-validation."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.domain.codekey import CodeKey
from qualcode.domain.layer import ALL, CONSENSUS, Layer, LayerKind
from qualcode.domain.suggestion import EvalReport, ModelStatus, TrainReport
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.services.suggestions import code_terms, speaker_roles, turn_contexts
from qualcode.store import codes as code_store
from qualcode.store import suggestions as store
from qualcode.store.layers import layer_coder_ids
from qualcode.suggest import evaluate as evaluation
from qualcode.suggest import learned
from qualcode.suggest.context import CONTEXT_TURNS
from qualcode.suggest.matcher import Calibration, CodeTerms, Idf
from qualcode.suggest.suggester import match_corpus

DEFAULT_TURN_FOLDS = 5
# Retraining is worthwhile once the layer has this share more codings (and at least RETRAIN_MIN).
RETRAIN_SHARE = 0.1
RETRAIN_MIN = 20


@dataclass
class _Layer:
    name: str
    coder_ids: list[int]
    gold: dict[int, set[str]]
    rejected: dict[int, set[str]]
    n_codings: int


def _layer(session: Session, layer: str) -> _Layer:
    parsed = Layer.parse(layer)
    coder_ids = [] if parsed.kind is LayerKind.MODEL else layer_coder_ids(session, parsed)
    if not coder_ids:
        raise NotFoundError(
            f"No coding layer '{layer}': give a coder's name, '{ALL}' or '{CONSENSUS}'."
        )
    gold: dict[int, set[str]] = defaultdict(set)
    for segment_id, key in store.layer_codings(session, coder_ids):
        gold[segment_id].add(key)
    rejected: dict[int, set[str]] = defaultdict(set)
    for segment_id, key in store.rejected(session, coder_ids):
        rejected[segment_id].add(key)
    return _Layer(layer, coder_ids, gold, rejected, store.count_codings(session, coder_ids))


def train_model(
    project: Project,
    *,
    layer: str = ALL,
    epochs: int = learned.DEFAULT_EPOCHS,
    seed: int = 0,
) -> list[TrainReport]:
    """Train and store one model per language with enough coded turns in the layer."""

    def prepare(
        session: Session,
    ) -> tuple[_Layer, dict[str, list], dict[int, str | None], list[CodeTerms]]:
        by_language: dict[str, list] = defaultdict(list)
        for row in store.segment_texts(session):
            by_language[row.language].append(row)
        roles = speaker_roles(session, store.transcript_ids(session))
        book = active_codebook(session)
        return (
            _layer(session, layer),
            by_language,
            roles,
            code_terms(code_store.codes_of(session, book.id)),
        )

    data, by_language, roles, codes = project.read(prepare)
    reports = [
        _train_language(project, data, language, rows, roles, codes, epochs=epochs, seed=seed)
        for language, rows in sorted(by_language.items())
        if sum(row.id in data.gold for row in rows) >= learned.MIN_TRAINING_TURNS
    ]
    if not reports:
        raise QualcodeError(
            f"The layer '{layer}' has fewer than {learned.MIN_TRAINING_TURNS} coded turns in "
            "every language; code more turns, then train again."
        )
    return reports


def _train_language(
    project: Project,
    data: _Layer,
    language: str,
    rows: Sequence[store.SegmentText],
    roles: dict[int, str | None],
    codes: Sequence[CodeTerms],
    *,
    epochs: int,
    seed: int,
) -> TrainReport:
    """Fit the matcher calibration and the classifier for one language, and store them.

    `rows` are all turns of the language in transcript order: they give IDF and each turn's
    context; the layer's coded and rejected turns among them are the training data.
    """
    started = time.perf_counter()
    matched = match_corpus(language, codes, (row.text for row in rows))
    hits, norms, idf = matched.hits, matched.norms, matched.idf
    context = turn_contexts(rows, roles, hits, norms, matched.matcher)
    golds = [frozenset(data.gold.get(row.id, ())) for row in rows]
    labels = learned.labels_with_support(golds, learned.MIN_LABEL_SUPPORT)
    examples: list[learned.TrainingExample] = []
    coded: list[evaluation.EvalItem] = []
    n_negative = 0
    for row, found, words, gold, near in zip(rows, hits, norms, golds, context, strict=True):
        item = evaluation.EvalItem(language, found, words, gold, row.transcript_id, near)
        if gold:
            examples.append(learned.labelled(item.features, gold, labels))
            coded.append(item)
            continue
        cats = {key: 0.0 for key in data.rejected.get(row.id, ()) if key in labels}
        if cats:
            examples.append(learned.TrainingExample(norms=item.features, cats=cats))
            n_negative += 1
    calibration = evaluation.calibrate(coded, {language: idf})
    nlp = learned.train(language, examples, labels, epochs=epochs, seed=seed)
    payload, config = learned.to_payload(nlp)
    seconds = round(time.perf_counter() - started, 2)
    too_rare = sorted({code for gold in golds for code in gold} - set(labels))
    report = project.write(
        lambda session: _store_model(
            session,
            data,
            language,
            payload,
            config,
            calibration,
            labels,
            len(examples),
            n_negative,
            seconds,
        )
    )
    return report.model_copy(
        update={
            "too_rare": too_rare,
            "code_support": learned.MIN_LABEL_SUPPORT,
            "open_support": learned.MIN_OPEN_SUPPORT,
        }
    )


def _store_model(
    session: Session,
    data: _Layer,
    language: str,
    payload: bytes,
    config: str,
    calibration: Calibration,
    labels: list[str],
    n_examples: int,
    n_negative: int,
    seconds: float,
) -> TrainReport:
    version = store.add_model(
        session,
        language=language,
        layer=data.name,
        n_examples=n_examples,
        data_summary={
            "config": config,
            "calibration": {"slope": calibration.slope, "intercept": calibration.intercept},
            "labels": labels,
            "codings": data.n_codings,
            "coded_turns": len(data.gold),
            "negative_turns": n_negative,
            "context_turns": CONTEXT_TURNS,
            "seconds": seconds,
        },
        payload=payload,
    )
    return TrainReport(
        version=version,
        layer=data.name,
        language=language,
        n_examples=n_examples,
        n_negative=n_negative,
        labels=labels,
        seconds=seconds,
    )


def model_status(project: Project) -> list[ModelStatus]:
    """For each language with a model: whether enough new codings make retraining worthwhile."""

    def work(session: Session) -> list[ModelStatus]:
        result = []
        for language in sorted(store.model_languages(session)):
            row = store.latest_model(session, language)
            assert row is not None
            then = int(row.data_summary.get("codings", 0))
            now = store.count_codings(session, layer_coder_ids(session, Layer.parse(row.layer)))
            advised = now - then >= max(RETRAIN_MIN, RETRAIN_SHARE * then)
            message = f"{now - then} new codings in layer '{row.layer}' since {row.version}: " + (
                "retrain with `qualcode suggest train`." if advised else "no need to retrain."
            )
            result.append(
                ModelStatus(
                    language=language,
                    version=row.version,
                    layer=row.layer,
                    trained_on=then,
                    codings_now=now,
                    retrain_advised=advised,
                    message=message,
                )
            )
        return result

    return project.read(work)


def evaluate(
    project: Project,
    *,
    layer: str = ALL,
    folds: int | None = None,
    seed: int = 13,
    threshold: float = 0.5,
    epochs: int = learned.DEFAULT_EPOCHS,
    split: str = "transcript",
) -> EvalReport:
    """Cross-validation over the layer's coded turns (see qualcode.suggest.evaluate): by
    transcript, leave one focus group out unless `folds` is given; by turn, `folds` (5)
    seeded folds."""
    if folds is not None and folds < 2:
        raise QualcodeError("Cross-validation needs at least 2 folds; use --folds 5.")
    if split not in evaluation.SPLITS:
        raise QualcodeError(f"Unknown split '{split}'; use 'turn' or 'transcript'.")

    def prepare(
        session: Session,
    ) -> tuple[_Layer, list, dict[int, str | None], list[CodeTerms]]:
        book = active_codebook(session)
        return (
            _layer(session, layer),
            store.segment_texts(session),
            speaker_roles(session, store.transcript_ids(session)),
            code_terms(code_store.codes_of(session, book.id)),
        )

    data, rows, roles, codes = project.read(prepare)
    items: list[evaluation.EvalItem] = []
    idf: dict[str, Idf] = {}
    warnings: list[str] = []
    for language in sorted({row.language for row in rows}):
        subset = [row for row in rows if row.language == language]
        matched = match_corpus(language, codes, (row.text for row in subset))
        if matched.matcher.pipe.warning:
            warnings.append(matched.matcher.pipe.warning)
        hits, norms = matched.hits, matched.norms
        idf[language] = matched.idf
        # Context is built from every turn's text before any labels are looked at.
        context = turn_contexts(subset, roles, hits, norms, matched.matcher)
        items.extend(
            evaluation.EvalItem(
                language, found, words, frozenset(data.gold[row.id]), row.transcript_id, near
            )
            for row, found, words, near in zip(subset, hits, norms, context, strict=True)
            if row.id in data.gold
        )
    units = len({item.transcript for item in items}) if split == "transcript" else len(items)
    if folds is None:
        folds = units if split == "transcript" else DEFAULT_TURN_FOLDS
    if units < max(folds, 2):
        raise QualcodeError(
            f"The layer '{layer}' has {units} coded {split}s, fewer than {max(folds, 2)} "
            "folds; code more turns or use fewer folds."
        )
    report = evaluation.cross_validate(
        items,
        idf,
        layer=layer,
        folds=folds,
        seed=seed,
        threshold=threshold,
        epochs=epochs,
        split=split,
        n_labels={
            "code": len(codes),
            "concept": len({CodeKey(code.key).concept for code in codes}),
        },
    )
    return report.model_copy(update={"warnings": warnings})
