"""Persistence for suggestions, trained suggestion models and their training data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qualcode.store.models import (
    Code,
    Coding,
    Segment,
    Speaker,
    Suggestion,
    SuggestModel,
    Transcript,
)


@dataclass(frozen=True)
class SegmentText:
    id: int
    transcript_id: int
    language: str
    text: str


def segment_texts(
    session: Session, *, transcript_ids: Iterable[int] | None = None, language: str | None = None
) -> list[SegmentText]:
    """Turns with their text, in transcript and turn order."""
    query = select(Transcript.id, Transcript.language, Transcript.text).order_by(Transcript.id)
    if transcript_ids is not None:
        query = query.where(Transcript.id.in_(list(transcript_ids)))
    if language is not None:
        query = query.where(Transcript.language == language)
    texts = {tid: (lang, text) for tid, lang, text in session.execute(query)}
    rows = session.execute(
        select(Segment.id, Segment.transcript_id, Segment.start_char, Segment.end_char)
        .where(Segment.transcript_id.in_(list(texts)))
        .order_by(Segment.transcript_id, Segment.ordinal)
    )
    return [
        SegmentText(sid, tid, texts[tid][0], texts[tid][1][start:end].strip())
        for sid, tid, start, end in rows
    ]


@dataclass(frozen=True)
class WindowTurn:
    text: SegmentText
    ordinal: int
    role: str | None  # the speaker's


def window_texts(session: Session, transcript_id: int, first: int, last: int) -> list[WindowTurn]:
    """The transcript's turns with ordinals `first`..`last`, in order (none if there is no
    such transcript)."""
    transcript = session.execute(
        select(Transcript.language, Transcript.text).where(Transcript.id == transcript_id)
    ).first()
    if transcript is None:
        return []
    language, text = transcript
    rows = session.execute(
        select(Segment.id, Segment.ordinal, Segment.start_char, Segment.end_char, Speaker.role)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Segment.transcript_id == transcript_id, Segment.ordinal.between(first, last))
        .order_by(Segment.ordinal)
    )
    return [
        WindowTurn(SegmentText(sid, transcript_id, language, text[start:end].strip()), at, role)
        for sid, at, start, end, role in rows
    ]


def unsuggested(session: Session, coder_id: int, segment_ids: Iterable[int]) -> set[int]:
    """Those of the turns on which the coder has no suggestion at all (pending or not)."""
    wanted = set(segment_ids)
    query = select(Suggestion.segment_id).where(
        Suggestion.coder_id == coder_id, Suggestion.segment_id.in_(list(wanted))
    )
    return wanted - set(session.scalars(query))


def corpus_stamp(session: Session, language: str) -> tuple[int, int | None]:
    """(number of turns, highest turn id) of the language's transcripts: changes when a
    transcript is imported or deleted, or a turn split or joined."""
    row = session.execute(
        select(func.count(Segment.id), func.max(Segment.id))
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Transcript.language == language)
    ).one()
    return row[0], row[1]


def turn_role(session: Session, segment_id: int) -> str | None:
    """The speaker role of a turn (None: no speaker, or no role)."""
    query = (
        select(Speaker.role)
        .join(Segment, Segment.speaker_id == Speaker.id)
        .where(Segment.id == segment_id)
    )
    return session.scalar(query)


def transcript_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Transcript.id).order_by(Transcript.id)))


def languages_of(session: Session, transcript_ids: Iterable[int]) -> set[str]:
    query = select(Transcript.language).where(Transcript.id.in_(list(transcript_ids)))
    return set(session.scalars(query))


def layer_codings(session: Session, coder_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(segment id, code key) of the layer's codings on codes that are not retired."""
    rows = session.execute(
        select(Coding.segment_id, Code.key)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.coder_id.in_(list(coder_ids)), Code.retired.is_(False))
        .distinct()
    )
    return [(segment_id, key) for segment_id, key in rows]


def count_codings(session: Session, coder_ids: Iterable[int]) -> int:
    query = select(func.count(Coding.id)).where(Coding.coder_id.in_(list(coder_ids)))
    return session.scalar(query) or 0


def rejected(session: Session, coder_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(segment id, code key) of suggestions the layer's coders rejected."""
    rows = session.execute(
        select(Suggestion.segment_id, Code.key)
        .join(Code, Code.id == Suggestion.code_id)
        .where(Suggestion.coder_id.in_(list(coder_ids)), Suggestion.status == "rejected")
    )
    return [(segment_id, key) for segment_id, key in rows]


def applied(session: Session, coder_id: int, segment_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(segment id, code id) pairs the coder has applied, whole-turn or as a span."""
    rows = session.execute(
        select(Coding.segment_id, Coding.code_id).where(
            Coding.coder_id == coder_id, Coding.segment_id.in_(list(segment_ids))
        )
    )
    return {(segment_id, code_id) for segment_id, code_id in rows}


def existing(
    session: Session, coder_id: int, segment_ids: Iterable[int]
) -> dict[tuple[int, int], Suggestion]:
    rows = session.scalars(
        select(Suggestion).where(
            Suggestion.coder_id == coder_id, Suggestion.segment_id.in_(list(segment_ids))
        )
    )
    return {(row.segment_id, row.code_id): row for row in rows}


def delete_pending(session: Session, ids: Iterable[int]) -> None:
    session.execute(delete(Suggestion).where(Suggestion.id.in_(list(ids))))


def pending(session: Session, segment_id: int, coder_id: int) -> list[tuple[Suggestion, Code]]:
    rows = session.execute(
        select(Suggestion, Code)
        .join(Code, Code.id == Suggestion.code_id)
        .where(
            Suggestion.segment_id == segment_id,
            Suggestion.coder_id == coder_id,
            Suggestion.status == "pending",
        )
        .order_by(Suggestion.score.desc(), Code.key)
    )
    return [(suggestion, code) for suggestion, code in rows]


def latest_model(session: Session, language: str, layer: str | None = None) -> SuggestModel | None:
    """The newest model for the language (trained on `layer` only, when given)."""
    query = select(SuggestModel).where(SuggestModel.language == language)
    if layer is not None:
        query = query.where(SuggestModel.layer == layer)
    return session.scalar(
        query.order_by(SuggestModel.trained_at.desc(), SuggestModel.id.desc()).limit(1)
    )


def latest_model_id(session: Session, language: str, layer: str | None = None) -> int | None:
    """The id of `latest_model`, read without its payload."""
    query = select(SuggestModel.id).where(SuggestModel.language == language)
    if layer is not None:
        query = query.where(SuggestModel.layer == layer)
    return session.scalar(
        query.order_by(SuggestModel.trained_at.desc(), SuggestModel.id.desc()).limit(1)
    )


def model_languages(session: Session) -> list[str]:
    return list(session.scalars(select(SuggestModel.language).distinct()))


def count_models(session: Session, language: str) -> int:
    query = select(func.count(SuggestModel.id)).where(SuggestModel.language == language)
    return session.scalar(query) or 0


def add_suggestion(
    session: Session,
    *,
    segment_id: int,
    code_id: int,
    coder_id: int,
    score: float,
    model_version: str,
    reason: str,
) -> None:
    """A new pending suggestion."""
    session.add(
        Suggestion(
            segment_id=segment_id,
            code_id=code_id,
            coder_id=coder_id,
            score=score,
            model_version=model_version,
            reason=reason,
        )
    )


def rescore(suggestion: Suggestion, *, score: float, model_version: str, reason: str) -> None:
    """A pending suggestion ranked again."""
    suggestion.score, suggestion.model_version, suggestion.reason = score, model_version, reason


def set_status(suggestion: Suggestion, status: str) -> None:
    """Mark a suggestion `accepted` or `rejected`."""
    suggestion.status = status


def add_model(
    session: Session,
    *,
    language: str,
    layer: str,
    n_examples: int,
    data_summary: dict[str, object],
    payload: bytes,
) -> str:
    """Store a trained model under the language's next version name, which is returned."""
    version = f"textcat-{language}-{count_models(session, language) + 1}"
    session.add(
        SuggestModel(
            version=version,
            layer=layer,
            language=language,
            n_examples=n_examples,
            data_summary=data_summary,
            payload=payload,
        )
    )
    return version
