"""Suggestion use cases: rank codes for turns, store them for a coder, accept or reject them
(training and evaluating the project's model: `services.suggest_training`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path

from sqlalchemy.orm import Session

from qualcode.codebook.files import bundled_codebook_path, load_codebook
from qualcode.domain.coding import CodingView
from qualcode.domain.scope import is_moderator
from qualcode.domain.suggestion import CodeScore, SuggestionView, SuggestRun, TextSuggestions
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.blind import hides_other_layers
from qualcode.services.codebooks import active_codebook
from qualcode.services.coding import add_coding
from qualcode.services.corpus import find_transcript
from qualcode.services.corpus_idf import language_idf
from qualcode.services.project import Project
from qualcode.services.roles import coder_for_write
from qualcode.services.scope import study_moderator_roles
from qualcode.services.suggestion_rankings import Tally, store_rankings
from qualcode.store import codes as code_store
from qualcode.store import reading, term_counts
from qualcode.store import suggestions as store
from qualcode.store.models import Code, Suggestion
from qualcode.suggest import learned
from qualcode.suggest.context import TurnContext, contexts
from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Hit
from qualcode.suggest.pipelines import pipeline
from qualcode.suggest.suggester import Suggester, codebook_suggester

TOP = 3
MIN_SCORE = 0.3


def code_terms(codes: Sequence[Code]) -> list[CodeTerms]:
    return [
        CodeTerms(key=code.key, terms=dict(code.terms), examples=list(code.examples))
        for code in codes
        if not code.retired
    ]


def project_suggester(session: Session, language: str, layer: str | None = None) -> Suggester:
    """The codebook matcher plus the newest learned model (of `layer` only, when given), in a
    write: the IDF's per-transcript counts it had to make are kept (`services.corpus_idf`)."""
    suggester, fresh = _suggester(session, language, layer)
    term_counts.keep_counts(session, fresh)
    return suggester


def read_suggester(project: Project, language: str, layer: str | None = None) -> Suggester:
    """`project_suggester` made in a read; the counts it had to make are kept in a write of
    their own afterwards, when the database lets it (else they are counted again next time)."""
    suggester, fresh = project.read(lambda session: _suggester(session, language, layer))
    # Busy for long, or a disk full: the counts are only a cache.
    with suppress(QualcodeError):
        if fresh:
            project.write(lambda session: term_counts.keep_counts(session, fresh))
    return suggester


def _suggester(
    session: Session, language: str, layer: str | None
) -> tuple[Suggester, list[term_counts.KeptCounts]]:
    book = active_codebook(session)
    codes = code_terms(code_store.codes_of(session, book.id))
    matcher = CodebookMatcher(pipeline(language), codes)
    idf, fresh = language_idf(session, language, matcher)
    model_row = store.latest_model(session, language, layer)
    version = f"codebook-{book.name}-v{book.version}"
    calibration, model, model_context = Calibration(), None, False
    if model_row is not None:
        summary = model_row.data_summary
        calibration = Calibration(**summary["calibration"])
        model = learned.from_payload(model_row.payload, summary["config"])
        model_context = bool(summary.get("context_turns"))
        version += f"+{model_row.version}"
    suggester = Suggester(
        language=language,
        matcher=matcher,
        idf=idf,
        calibration=calibration,
        model=model,
        version=version,
        known={code.key for code in codes},
        model_context=model_context,
    )
    return suggester, fresh


def _has_codebook(session: Session) -> bool:
    return code_store.active_codebook(session) is not None


def offers_suggestions(session: Session) -> Callable[[str | None], bool]:
    """The moderator rule for suggestions, the one place it is decided: whether a turn of a
    speaker in this role may be offered suggestions (or coded by the model). Turns of the
    study's moderator roles never are; their text still serves as the context of the turns
    that answer them."""
    moderators = study_moderator_roles(session)
    return lambda role: not is_moderator(role, moderators)


def speaker_roles(session: Session, transcript_ids: Sequence[int]) -> dict[int, str | None]:
    """The speaker role of every turn of the transcripts, by segment id."""
    return {
        row.id: row.role
        for transcript_id in transcript_ids
        for row in reading.turn_rows(session, transcript_id)
    }


def turn_contexts(
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


def rank_rows(
    suggester: Suggester, rows: Sequence[store.SegmentText], roles: dict[int, str | None]
) -> Iterator[list[CodeScore]]:
    """The ranking of each of `rows` (all turns of their transcripts, in order), with its
    conversation context, one at a time."""
    hits, norms = suggester.matcher.match(row.text for row in rows)
    context = turn_contexts(rows, roles, hits, norms, suggester.matcher)
    return suggester.rank_matched(hits, norms, context)


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
    """Store up to `top` pending suggestions scoring at least `min_score` per participant turn
    (see `store_rankings`)."""

    def work(session: Session) -> SuggestRun:
        if transcripts is None:
            ids = store.transcript_ids(session)
        else:
            ids = [find_transcript(session, ref).id for ref in transcripts]
        coder_row = coder_for_write(session, coder)
        tally = Tally()
        warnings: list[str] = []
        versions: list[str] = []
        # Blind mode: learn only from the coder's own layer, never from the others'.
        own_layer = coder if hides_other_layers(session, coder) else None
        roles = speaker_roles(session, ids)
        offered = offers_suggestions(session)
        for language in sorted(store.languages_of(session, ids)):
            suggester = project_suggester(session, language, own_layer)
            versions.append(suggester.version)
            if suggester.warning:
                warnings.append(suggester.warning)
            rows = store.segment_texts(session, transcript_ids=ids, language=language)
            rankings = rank_rows(suggester, rows, roles)
            store_rankings(
                session,
                rows,
                rankings,
                tally,
                coder_row.id,
                suggester.version,
                roles,
                offered,
                top=top,
                min_score=min_score,
            )
        return SuggestRun(
            transcripts=len(ids),
            segments=tally.segments,
            moderator_turns=tally.moderator_turns,
            created=tally.created,
            updated=tally.updated,
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
    """The coder's pending suggestions for a turn, best first (none on a moderator's turn)."""

    def work(session: Session) -> list[SuggestionView]:
        coder_row = code_store.coder_by_name(session, coder)
        if coder_row is None or not offers_suggestions(session)(
            store.turn_role(session, segment_id)
        ):
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
        view = add_coding(
            session,
            code,
            suggestion.coder_id,
            suggestion.segment_id,
            origin="suggestion",
            coder=coder,
        )
        store.set_status(suggestion, "accepted")
        return view

    return project.write(work)


def reject_suggestion(project: Project, suggestion_id: int, coder: str) -> SuggestionView:
    """Mark the suggestion rejected: it is not offered again for that turn and trains the
    model as negative evidence."""

    def work(session: Session) -> SuggestionView:
        suggestion, code = _own_suggestion(session, suggestion_id, coder)
        store.set_status(suggestion, "rejected")
        return suggestion_view(suggestion, code, coder)

    return project.write(work)


def suggest_texts(
    texts: Sequence[str],
    *,
    language: str = "en",
    codebook: Path | None = None,
    project: Project | None = None,
) -> tuple[list[TextSuggestions], list[str]]:
    """Rank codes for free texts: with the project's codebook, IDF and model when `project` is
    given and has a codebook, else from the codebook file alone with IDF from the language's
    reference frequency table. Each text is ranked as if it came alone."""
    suggester = None
    if project is not None and codebook is None and project.read(_has_codebook):
        suggester = read_suggester(project, language)
    if suggester is None:
        book = load_codebook(codebook or bundled_codebook_path())
        suggester = codebook_suggester(book, language)
    rankings = suggester.rank(texts)
    results = [
        TextSuggestions(text=text, suggestions=ranking)
        for text, ranking in zip(texts, rankings, strict=True)
    ]
    return results, [suggester.warning] if suggester.warning else []
