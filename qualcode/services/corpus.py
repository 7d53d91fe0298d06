"""Reading the corpus: transcripts with progress, and segments with their codings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from qualcode.domain.corpus import SegmentView, TranscriptInfo
from qualcode.domain.text import multi_line
from qualcode.errors import NotFoundError
from qualcode.services.blind import visibility
from qualcode.services.listing import list_transcripts as list_transcripts
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import codes as code_store
from qualcode.store import reading
from qualcode.store import transcripts as store
from qualcode.store.cards import section_starts
from qualcode.store.models import Transcript

_TURNS = TypeAdapter(list[SegmentView])
VALIDATE_BLOCK = 1000  # turns validated per pydantic-core call (see segment_views)


def transcript_info(
    transcript: Transcript, n_segments: int, n_coded: int = 0, n_words: int | None = None
) -> TranscriptInfo:
    """A transcript's summary; its words are those of its turns (however it came in)."""
    attributes = transcript.attributes or {}
    if n_words is None:
        n_words = sum(segment.word_count for segment in transcript.segments)
    return TranscriptInfo(
        id=transcript.id,
        title=transcript.title,
        source_name=transcript.source_name,
        language=transcript.language,
        department=transcript.department,
        group_kind=transcript.group_kind,
        recorded_on=transcript.recorded_on,
        n_segments=n_segments,
        n_words=n_words,
        n_coded_segments=n_coded,
        notes=list(attributes.get("notes", [])),
        variables=dict(attributes.get("variables", {})),
    )


def find_transcript(session: Session, ref: str | int) -> Transcript:
    transcript = store.get_transcript(session, ref)
    if transcript is None:
        raise NotFoundError(
            f"No transcript '{ref}'. List them with `qualcode transcripts`; "
            "use the id (8 or T8), title or file name."
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
    project: Project,
    ref: str | int,
    *,
    coders: list[str] | None = None,
    actor: str | None = None,
    first: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[SegmentView]:
    """The transcript's turns in order (only the `first` ones, if given) with the codings of
    `coders` (every coder's when None) and the memos, as far as `actor` may see them (blind
    mode: only their own codings and memos). `stop`, asked between blocks of turns, ends
    the read early when it says so (the turns then are only those read so far)."""
    return project.read(
        lambda session: segment_views(session, ref, coders, actor=actor, first=first, stop=stop)
    )


def segment_views(
    session: Session,
    ref: str | int,
    coders: list[str] | None = None,
    *,
    actor: str | None = None,
    first: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[SegmentView]:
    """`segments` in an open session: plain row queries validated by pydantic-core (several
    times faster than ORM objects; the workbench opens 3,000 turns at once)."""
    transcript = find_transcript(session, ref)
    seen = visibility(session, actor)
    shown = seen.coders(coders)
    coder_ids = None
    if shown is not None:
        coder_ids = [row.id for name in shown if (row := code_store.coder_by_name(session, name))]
    turns = reading.turn_rows(session, transcript.id, first)
    # Only the first turns: their codings and memos only (a long transcript's first screenful).
    before = turns[-1].ordinal + 1 if first is not None and turns else None
    codings: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cid, segment_id, key, start, end, origin, memo, coder in reading.coding_rows(
        session, transcript.id, coder_ids, before
    ):
        codings[segment_id].append(
            {
                "id": cid,
                "code_key": key,
                "coder": coder,
                "segment_id": segment_id,
                "start_char": start,
                "end_char": end,
                "origin": origin,
                "memo": multi_line(memo) if memo else memo,
            }
        )
    author = None  # every memo, or (blind mode) only the actor's own
    if seen.own is not None:
        own_row = code_store.coder_by_name(session, seen.own)
        author = own_row.id if own_row else -1
    memos: dict[int, list[str]] = defaultdict(list)
    for segment_id, memo_text in reading.memo_rows(session, transcript.id, author, before):
        memos[segment_id].append(multi_line(memo_text))  # older rows may hold controls
    text = transcript.text
    sections = section_starts(session, transcript.id, transcript.language)
    # One pydantic-core call holds the interpreter for its whole run (0.3 s for 20,000
    # turns), and a transcript left at once went on being read while the next one was
    # drawn: in blocks, no call holds it for more than about 15 ms, and `stop` is asked
    # between blocks.
    views: list[SegmentView] = []
    for block in range(0, len(turns), VALIDATE_BLOCK):
        if stop is not None and stop():
            break
        rows = [
            {
                "id": sid,
                "transcript_id": transcript.id,
                "ordinal": ordinal,
                "speaker": speaker,
                "role": role,
                "start_char": start,
                "end_char": end,
                "start_time": start_time,
                "end_time": end_time,
                "text": text[start:end].rstrip(),
                "codings": codings.get(sid, []),
                "memos": memos.get(sid, []),
                "section": sections.get(sid),
            }
            for sid, ordinal, start, end, start_time, end_time, speaker, role in turns[
                block : block + VALIDATE_BLOCK
            ]
        ]
        views.extend(_TURNS.validate_python(rows))
    return views
