"""Suggestion use cases: rank codes for turns, store them for a coder, accept or reject them,
train the project's model and measure the hit rate."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from pathlib import Path

from spacy.language import Language
from sqlalchemy.orm import Session

from qualcode.codebook.files import bundled_codebook_path, load_codebook
from qualcode.domain.corpus import CodingView
from qualcode.domain.layer import ALL, CONSENSUS, Layer, LayerKind
from qualcode.domain.suggestion import (
    CodeScore,
    EvalReport,
    ModelStatus,
    SuggestionView,
    SuggestRun,
    TextSuggestions,
    TrainReport,
)
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.blind import hides_other_layers
from qualcode.services.codebooks import active_codebook
from qualcode.services.coding import add_coding
from qualcode.services.corpus import coding_view, find_transcript
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import reading
from qualcode.store import suggestions as store
from qualcode.store.layers import layer_coder_ids
from qualcode.store.models import Code, Suggestion, SuggestModel
from qualcode.suggest import evaluate as evaluation
from qualcode.suggest import learned
from qualcode.suggest.combine import combine_scored
from qualcode.suggest.context import CONTEXT_TURNS, TurnContext, contexts
from qualcode.suggest.matcher import (
    Calibration,
    CodebookMatcher,
    CodeTerms,
    Hit,
    Idf,
    rank,
    scored,
)
from qualcode.suggest.pipelines import pipeline

TOP = 3
MIN_SCORE = 0.3
# Retraining is worthwhile once the layer has this share more codings (and at least RETRAIN_MIN).
RETRAIN_SHARE = 0.1
RETRAIN_MIN = 20
# Turns ranked at a time: bounds the rankings, classifier inputs and scores held in memory
# (100,000 turns at once took over 1 GB; see docs/benchmarks.md) at no cost in speed.
CHUNK_TURNS = 5000


@dataclass
class Suggester:
    """Everything needed to rank codes for turns of one language."""

    language: str
    matcher: CodebookMatcher
    idf: Idf
    calibration: Calibration
    model: Language | None
    version: str
    known: set[str]
    # Whether the model was trained with context features (models stored before had none).
    model_context: bool = False

    @property
    def warning(self) -> str | None:
        return self.matcher.pipe.warning

    def rank(self, texts: Sequence[str]) -> list[list[CodeScore]]:
        hits, norms = self.matcher.match(texts)
        return list(self.rank_matched(hits, norms))

    def rank_matched(
        self,
        hits: Sequence[Sequence[Hit]],
        norms: Sequence[Sequence[str]],
        context: Iterable[TurnContext] | None = None,
        *,
        chunk_size: int = CHUNK_TURNS,
    ) -> Iterator[list[CodeScore]]:
        """Rank turns from their hits and norms, and their conversation context when given.

        The classifier scores `chunk_size` turns at a time and each ranking is made as the
        caller takes it, so only one chunk's contexts and learned scores are held at once.
        """
        around = iter(context) if context is not None else repeat(TurnContext())
        for start in range(0, len(hits), chunk_size):
            chunk = hits[start : start + chunk_size]
            near = list(islice(around, len(chunk)))
            scores = self._learned(norms[start : start + len(chunk)], near)
            for found, turn_context, score in zip(chunk, near, scores, strict=True):
                if score is None:
                    yield rank(found, self.idf, self.calibration, turn_context.hits)
                else:
                    matched = scored(found, self.idf, self.calibration, turn_context.hits)
                    yield combine_scored(matched, score, known=self.known)

    def _learned(
        self, norms: Sequence[Sequence[str]], around: Sequence[TurnContext]
    ) -> list[dict[str, float]] | list[None]:
        """The model's label scores for each turn, or None for each when there is no model."""
        if self.model is None:
            return [None] * len(around)
        if self.model_context:
            norms = [list(words) + near.words for words, near in zip(norms, around, strict=True)]
        return learned.predict(self.model, norms)


def code_terms(codes: Sequence[Code]) -> list[CodeTerms]:
    return [
        CodeTerms(key=code.key, terms=dict(code.terms), examples=list(code.examples))
        for code in codes
        if not code.retired
    ]


def _project_suggester(session: Session, language: str, layer: str | None = None) -> Suggester:
    """The codebook matcher plus the newest learned model (of `layer` only, when given)."""
    book = active_codebook(session)
    codes = code_terms(code_store.codes_of(session, book.id))
    matcher = CodebookMatcher(pipeline(language), codes)
    corpus = store.segment_texts(session, language=language)
    hits, _ = matcher.match(row.text for row in corpus)
    model_row = store.latest_model(session, language, layer)
    version = f"codebook-{book.name}-v{book.version}"
    calibration, model, model_context = Calibration(), None, False
    if model_row is not None:
        summary = model_row.data_summary
        calibration = Calibration(**summary["calibration"])
        model = learned.from_payload(model_row.payload, summary["config"])
        model_context = bool(summary.get("context_turns"))
        version += f"+{model_row.version}"
    return Suggester(
        language=language,
        matcher=matcher,
        idf=Idf.from_hits(hits),
        calibration=calibration,
        model=model,
        version=version,
        known={code.key for code in codes},
        model_context=model_context,
    )


def _roles(session: Session, transcript_ids: Sequence[int]) -> dict[int, str | None]:
    """The speaker role of every turn of the transcripts, by segment id."""
    return {
        row.id: row.role
        for transcript_id in transcript_ids
        for row in reading.turn_rows(session, transcript_id)
    }


def _contexts(
    rows: Sequence[store.SegmentText],
    roles: dict[int, str | None],
    hits: Sequence[Sequence[Hit]],
    norms: Sequence[Sequence[str]],
    matcher: CodebookMatcher,
) -> Iterator[TurnContext]:
    """The conversation context of each of `rows` (all turns of their transcripts, in order),
    one at a time."""
    transcripts = [row.transcript_id for row in rows]
    speakers = [roles.get(row.id) for row in rows]
    return contexts(transcripts, speakers, hits, norms, matcher.pipe.nlp.Defaults.stop_words)


def suggest_for_transcript(project: Project, transcript: str | int, coder: str) -> SuggestRun:
    """Store the coder's pending suggestions for every turn of one transcript."""
    return suggest_transcripts(project, coder, [transcript])


def suggest_transcripts(
    project: Project,
    coder: str,
    transcripts: Sequence[str | int] | None = None,
    *,
    top: int = TOP,
    min_score: float = MIN_SCORE,
) -> SuggestRun:
    """Store up to `top` pending suggestions scoring at least `min_score` per turn.

    Codes the coder applied to the turn are never suggested; rejected and accepted
    suggestions stay as they are; stale pending ones are replaced.
    """

    def work(session: Session) -> SuggestRun:
        if transcripts is None:
            ids = store.transcript_ids(session)
        else:
            ids = [find_transcript(session, ref).id for ref in transcripts]
        coder_row = code_store.ensure_coder(session, coder)
        book = active_codebook(session)
        code_ids = {code.key: code.id for code in code_store.codes_of(session, book.id)}
        created = updated = n_segments = 0
        warnings: list[str] = []
        versions: list[str] = []
        # Blind mode: learn only from the coder's own layer, never from the others'.
        own_layer = coder if hides_other_layers(session, coder) else None
        roles = _roles(session, ids)
        for language in sorted(store.languages_of(session, ids)):
            suggester = _project_suggester(session, language, own_layer)
            versions.append(suggester.version)
            if suggester.warning:
                warnings.append(suggester.warning)
            rows = store.segment_texts(session, transcript_ids=ids, language=language)
            hits, norms = suggester.matcher.match(row.text for row in rows)
            context = _contexts(rows, roles, hits, norms, suggester.matcher)
            rankings = suggester.rank_matched(hits, norms, context)
            segment_ids = [row.id for row in rows]
            done = store.applied(session, coder_row.id, segment_ids)
            known = store.existing(session, coder_row.id, segment_ids)
            stale = {row.id for row in known.values() if row.status == "pending"}
            for row, ranking in zip(rows, rankings, strict=True):
                n_segments += 1
                kept = 0
                for item in ranking:
                    code_id = code_ids.get(item.code)
                    if kept >= top or item.score < min_score:
                        break
                    if code_id is None or (row.id, code_id) in done:
                        continue
                    kept += 1
                    found = known.get((row.id, code_id))
                    reason = ", ".join(item.why)
                    if found is None:
                        session.add(
                            Suggestion(
                                segment_id=row.id,
                                code_id=code_id,
                                coder_id=coder_row.id,
                                score=item.score,
                                model_version=suggester.version,
                                reason=reason,
                            )
                        )
                        created += 1
                    elif found.status == "pending":
                        stale.discard(found.id)
                        found.score, found.reason = item.score, reason
                        found.model_version = suggester.version
                        updated += 1
            store.delete_pending(session, stale)
        return SuggestRun(
            transcripts=len(ids),
            segments=n_segments,
            created=created,
            updated=updated,
            model_version="; ".join(versions),
            warnings=warnings,
        )

    return project.write(work)


def suggestion_view(suggestion: Suggestion, code: Code, coder: str) -> SuggestionView:
    return SuggestionView(
        id=suggestion.id,
        segment_id=suggestion.segment_id,
        code_key=code.key,
        code_name=code.name,
        coder=coder,
        score=suggestion.score,
        reason=suggestion.reason,
        status=suggestion.status,
        model_version=suggestion.model_version,
    )


def pending_suggestions(project: Project, segment_id: int, coder: str) -> list[SuggestionView]:
    """The coder's pending suggestions for a turn, best first."""

    def work(session: Session) -> list[SuggestionView]:
        coder_row = code_store.coder_by_name(session, coder)
        if coder_row is None:
            return []
        return [
            suggestion_view(suggestion, code, coder)
            for suggestion, code in store.pending(session, segment_id, coder_row.id)
        ]

    return project.read(work)


def _own_suggestion(session: Session, suggestion_id: int, coder: str) -> tuple[Suggestion, Code]:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFoundError(f"No suggestion {suggestion_id}; run `qualcode suggest` again.")
    coder_row = code_store.coder_by_name(session, coder)
    if coder_row is None or coder_row.id != suggestion.coder_id:
        raise QualcodeError(f"Suggestion {suggestion_id} was made for another coder.")
    code = session.get(Code, suggestion.code_id)
    assert code is not None  # the foreign key cascades deletes
    return suggestion, code


def accept_suggestion(project: Project, suggestion_id: int, coder: str) -> CodingView:
    """Apply the suggested code to the whole turn (origin `suggestion`) and mark it accepted."""

    def work(session: Session) -> CodingView:
        suggestion, code = _own_suggestion(session, suggestion_id, coder)
        coding = add_coding(
            session, code, suggestion.coder_id, suggestion.segment_id, origin="suggestion"
        )
        suggestion.status = "accepted"
        return coding_view(coding, code.key, coder)

    return project.write(work)


def reject_suggestion(project: Project, suggestion_id: int, coder: str) -> SuggestionView:
    """Mark the suggestion rejected: it is not offered again for that turn and trains the
    model as negative evidence."""

    def work(session: Session) -> SuggestionView:
        suggestion, code = _own_suggestion(session, suggestion_id, coder)
        suggestion.status = "rejected"
        return suggestion_view(suggestion, code, coder)

    return project.write(work)


def suggest_texts(
    texts: Sequence[str],
    *,
    language: str = "en",
    codebook: Path | None = None,
    project: Project | None = None,
) -> tuple[list[TextSuggestions], list[str]]:
    """Rank codes for free texts: with the project's codebook and model when `project` is
    given and has a codebook, else from the codebook file alone (IDF measured on the texts
    themselves)."""
    suggester = None
    if project is not None and codebook is None:
        suggester = project.read(
            lambda session: (
                _project_suggester(session, language)
                if code_store.active_codebook(session)
                else None
            )
        )
    if suggester is None:
        book = load_codebook(codebook or bundled_codebook_path())
        codes = [
            CodeTerms(key=spec.key, terms=dict(spec.terms), examples=list(spec.examples))
            for spec in book.codes
        ]
        matcher = CodebookMatcher(pipeline(language), codes)
        hits, _ = matcher.match(texts)
        suggester = Suggester(
            language=language,
            matcher=matcher,
            idf=Idf.from_hits(hits),
            calibration=Calibration(),
            model=None,
            version=f"codebook-{book.name}",
            known={code.key for code in codes},
        )
    rankings = suggester.rank(texts)
    results = [
        TextSuggestions(text=text, suggestions=ranking)
        for text, ranking in zip(texts, rankings, strict=True)
    ]
    return results, [suggester.warning] if suggester.warning else []


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
        roles = _roles(session, store.transcript_ids(session))
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
    matcher = CodebookMatcher(pipeline(language), codes)
    hits, norms = matcher.match(row.text for row in rows)
    idf = Idf.from_hits(hits)
    context = _contexts(rows, roles, hits, norms, matcher)
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
    return project.write(
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
    version = f"textcat-{language}-{store.count_models(session, language) + 1}"
    session.add(
        SuggestModel(
            version=version,
            layer=data.name,
            language=language,
            n_examples=n_examples,
            data_summary={
                "config": config,
                "calibration": {
                    "slope": calibration.slope,
                    "intercept": calibration.intercept,
                },
                "labels": labels,
                "codings": data.n_codings,
                "coded_turns": len(data.gold),
                "negative_turns": n_negative,
                "context_turns": CONTEXT_TURNS,
                "seconds": seconds,
            },
            payload=payload,
        )
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
    folds: int = 5,
    seed: int = 13,
    threshold: float = 0.5,
    epochs: int = learned.DEFAULT_EPOCHS,
    split: str = "turn",
) -> EvalReport:
    """k-fold cross-validation over the layer's coded turns, split by turn or by transcript
    (see qualcode.suggest.evaluate)."""
    if folds < 2:
        raise QualcodeError("Cross-validation needs at least 2 folds; use --folds 5.")
    if split not in evaluation.SPLITS:
        raise QualcodeError(f"Unknown split '{split}'; use 'turn' or 'transcript'.")

    def prepare(session: Session) -> tuple[_Layer, list, dict[int, str | None], list[CodeTerms]]:
        book = active_codebook(session)
        return (
            _layer(session, layer),
            store.segment_texts(session),
            _roles(session, store.transcript_ids(session)),
            code_terms(code_store.codes_of(session, book.id)),
        )

    data, rows, roles, codes = project.read(prepare)
    items: list[evaluation.EvalItem] = []
    idf: dict[str, Idf] = {}
    warnings: list[str] = []
    for language in sorted({row.language for row in rows}):
        matcher = CodebookMatcher(pipeline(language), codes)
        if matcher.pipe.warning:
            warnings.append(matcher.pipe.warning)
        subset = [row for row in rows if row.language == language]
        hits, norms = matcher.match(row.text for row in subset)
        idf[language] = Idf.from_hits(hits)
        # Context is built from every turn's text before any labels are looked at.
        context = _contexts(subset, roles, hits, norms, matcher)
        items.extend(
            evaluation.EvalItem(
                language, found, words, frozenset(data.gold[row.id]), row.transcript_id, near
            )
            for row, found, words, near in zip(subset, hits, norms, context, strict=True)
            if row.id in data.gold
        )
    units = len({item.transcript for item in items}) if split == "transcript" else len(items)
    if units < folds:
        raise QualcodeError(
            f"The layer '{layer}' has {units} coded {split}s, fewer than {folds} folds; "
            "code more turns or use fewer folds."
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
    )
    return report.model_copy(update={"warnings": warnings})
