"""Reading the corpus: transcripts with progress, and segments with their codings."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from qualcode.domain.corpus import CodingView, SegmentView, TranscriptInfo
from qualcode.errors import NotFoundError
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import transcripts as store
from qualcode.store.models import Coding, Transcript


def list_transcripts(project: Project, coder: str | None = None) -> list[TranscriptInfo]:
    """Every transcript, with how many segments `coder` (if given) has coded."""

    def work(session: Session) -> list[TranscriptInfo]:
        coder_row = code_store.coder_by_name(session, coder) if coder else None
        coded = store.coded_segment_counts(session, coder_row.id) if coder_row else {}
        return [
            transcript_info(transcript, count, coded.get(transcript.id, 0))
            for transcript, count in store.list_transcripts(session)
        ]

    return project.read(work)


def transcript_info(transcript: Transcript, n_segments: int, n_coded: int = 0) -> TranscriptInfo:
    attributes = transcript.attributes or {}
    return TranscriptInfo(
        id=transcript.id,
        title=transcript.title,
        source_name=transcript.source_name,
        language=transcript.language,
        department=transcript.department,
        group_kind=transcript.group_kind,
        recorded_on=transcript.recorded_on,
        n_segments=n_segments,
        n_words=attributes.get("words", 0),
        n_coded_segments=n_coded,
        notes=list(attributes.get("notes", [])),
        variables=dict(attributes.get("variables", {})),
    )


def find_transcript(session: Session, ref: str | int) -> Transcript:
    transcript = store.get_transcript(session, ref)
    if transcript is None:
        raise NotFoundError(
            f"No transcript '{ref}'. List them with `qualcode transcripts`; "
            "use the id, title or file name."
        )
    return transcript


def get_transcript(project: Project, ref: str | int) -> TranscriptInfo:
    def work(session: Session) -> TranscriptInfo:
        transcript = find_transcript(session, ref)
        return transcript_info(transcript, len(transcript.segments))

    return project.read(work)


def delete_transcript(
    project: Project, ref: str | int, *, actor: str | None = None
) -> TranscriptInfo:
    """Delete a transcript with its turns, codings and memos (supervisors, once there are any)."""

    def work(session: Session) -> TranscriptInfo:
        require_supervisor(session, actor, "delete transcripts")
        transcript = find_transcript(session, ref)
        info = transcript_info(transcript, len(transcript.segments))
        store.delete_transcript(session, transcript.id)
        return info

    return project.write(work)


def segments(
    project: Project, ref: str | int, *, coders: list[str] | None = None
) -> list[SegmentView]:
    """The transcript's segments in order, with codings (of `coders` if given) and memos."""
    return project.read(lambda session: segment_views(session, ref, coders))


def segment_views(
    session: Session, ref: str | int, coders: list[str] | None = None
) -> list[SegmentView]:
    transcript = find_transcript(session, ref)
    rows = store.segments_of(session, transcript.id)
    ids = [segment.id for segment, _ in rows]
    coder_ids = None
    if coders is not None:
        coder_ids = [row.id for name in coders if (row := code_store.coder_by_name(session, name))]
    by_segment: dict[int, list[CodingView]] = defaultdict(list)
    for coding, key, coder_name in coding_store.codings_for_segments(session, ids, coder_ids):
        by_segment[coding.segment_id].append(coding_view(coding, key, coder_name))
    memos: dict[int, list[str]] = defaultdict(list)
    for memo, _ in coding_store.memos_for_segments(session, ids):
        memos[memo.segment_id or 0].append(memo.text)
    text = transcript.text
    return [
        SegmentView(
            id=segment.id,
            transcript_id=transcript.id,
            ordinal=segment.ordinal,
            speaker=speaker.label if speaker else None,
            role=speaker.role if speaker else None,
            start_char=segment.start_char,
            end_char=segment.end_char,
            start_time=segment.start_time,
            end_time=segment.end_time,
            text=text[segment.start_char : segment.end_char].rstrip(),
            codings=by_segment.get(segment.id, []),
            memos=memos.get(segment.id, []),
        )
        for segment, speaker in rows
    ]


def coding_view(coding: Coding, key: str, coder: str) -> CodingView:
    return CodingView(
        id=coding.id,
        code_key=key,
        coder=coder,
        segment_id=coding.segment_id,
        start_char=coding.start_char,
        end_char=coding.end_char,
        origin=coding.origin,
        memo=coding.memo,
    )
