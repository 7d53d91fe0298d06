"""Transcript, speaker and segment persistence; bulk inserts for fast imports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from qualcode.domain.imports import ImportSpec
from qualcode.domain.text import within_limit
from qualcode.domain.transcript import ParsedTranscript, layout
from qualcode.domain.turns import transcript_number
from qualcode.store import tables, transcript_insert_pg
from qualcode.store.models import Segment, Speaker, Transcript

_TRANSCRIPT = tables.transcript
_INSERT_TRANSCRIPT = _TRANSCRIPT.insert().returning(_TRANSCRIPT.c.id)
_SEGMENT_COLUMNS = (
    "transcript_id",
    "speaker_id",
    "ordinal",
    "start_char",
    "end_char",
    "word_count",
    "start_time",
    "end_time",
)


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Bulk insert in the session's transaction through the DBAPI's executemany.

    SQLAlchemy's per-row parameter processing costs as much as SQLite's insert itself on an
    import; plain tuples skip it. Portable: the placeholder follows the driver's paramstyle.
    """
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    placeholders = ", ".join([mark] * len(columns))
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    connection.exec_driver_sql(statement, rows)


def find_by_sha256(session: Session, sha256: str) -> Transcript | None:
    return session.scalar(select(Transcript).where(Transcript.sha256 == sha256))


def known_hashes(session: Session) -> dict[str, int]:
    """The sha256 of every stored source, with its transcript id."""
    return dict(session.execute(select(Transcript.sha256, Transcript.id)).all())


def insert_transcript(
    session: Session,
    *,
    title: str,
    source_name: str,
    sha256: str,
    text: str,
    language: str,
    department: str | None,
    group_kind: str | None,
    recorded_on: date | None,
    attributes: dict[str, Any],
    speakers: dict[str, str | None],
    segments: Sequence[dict[str, Any]],
) -> int:
    """Insert a transcript with its speakers and segments in a few bulk statements (one on
    PostgreSQL).

    `segments` hold `speaker` (a label or None), `ordinal`, `start_char`, `end_char`, `word_count`,
    `start_time` and `end_time`. Values longer than their columns are refused on both
    backends alike (SQLite would store them, PostgreSQL would fail mid-insert).
    """
    for field, value in (
        ("title", title),
        ("file name", source_name),
        ("language", language),
        ("department", department),
        ("group kind", group_kind),
    ):
        within_limit(field, value)
    for label, role in speakers.items():
        within_limit("speaker label", label)
        within_limit("speaker role", role)
    values = {
        "title": title,
        "source_name": source_name,
        "sha256": sha256,
        "text": text,
        "language": language,
        "department": department,
        "group_kind": group_kind,
        "recorded_on": recorded_on,
        "attributes": attributes,
        "imported_at": datetime.now().astimezone(),
    }
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return transcript_insert_pg.insert_transcript(connection, values, speakers, segments)
    # Parameters, not .values(): the statement then compiles once and stays cached.
    transcript_id = session.execute(_INSERT_TRANSCRIPT, values).scalar_one()
    assert isinstance(transcript_id, int)
    speaker_ids: dict[str, int] = {}
    if speakers:
        rows = session.execute(
            insert(Speaker).returning(Speaker.id, Speaker.label, sort_by_parameter_order=True),
            [
                {"transcript_id": transcript_id, "label": label, "role": role}
                for label, role in speakers.items()
            ],
        )
        speaker_ids = {label: speaker_id for speaker_id, label in rows}
    if segments:
        insert_rows(
            session,
            "segment",
            _SEGMENT_COLUMNS,
            [
                (
                    transcript_id,
                    speaker_ids.get(row["speaker"]) if row["speaker"] else None,
                    row["ordinal"],
                    row["start_char"],
                    row["end_char"],
                    row["word_count"],
                    row["start_time"],
                    row["end_time"],
                )
                for row in segments
            ],
        )
    return transcript_id


def insert_parsed(
    session: Session, spec: ImportSpec, parsed: ParsedTranscript, sha256: str
) -> tuple[int, int]:
    """Insert a parsed transcript as `spec` describes it (title, groups, speaker roles);
    returns its id and its words."""
    text, bounds = layout(parsed.turns)
    speakers: dict[str, str | None] = {}
    for turn in parsed.turns:
        if turn.speaker is not None and turn.speaker not in speakers:
            speakers[turn.speaker] = spec.roles.get(turn.speaker) or turn.role
    segments = []
    words = 0
    for turn, bound in zip(parsed.turns, bounds, strict=True):
        count = len(turn.text.split())
        words += count
        segments.append(
            {
                "speaker": turn.speaker,
                "ordinal": bound.ordinal,
                "start_char": bound.start_char,
                "end_char": bound.end_char,
                "word_count": count,
                "start_time": turn.start,
                "end_time": turn.end,
            }
        )
    transcript_id = insert_transcript(
        session,
        title=spec.title or spec.path.stem,
        source_name=spec.path.name,
        sha256=sha256,
        text=text,
        language=spec.language,
        department=spec.department,
        group_kind=spec.group_kind,
        recorded_on=spec.recorded_on,
        attributes={"notes": parsed.notes, "words": words},
        speakers=speakers,
        segments=segments,
    )
    return transcript_id, words


def set_fields(transcript: Transcript, values: dict[str, object]) -> None:
    """Set these columns of the transcript (title, department, ...)."""
    for name, value in values.items():
        setattr(transcript, name, value)


def set_speaker_role(speaker: Speaker, role: str | None) -> None:
    speaker.role = role


def get_transcript(session: Session, ref: str | int) -> Transcript | None:
    """Find a transcript by id, exact title or source file name, else by `T8` (the id as
    turn references write it: `T8:4`)."""
    if isinstance(ref, int) or str(ref).isdigit():
        return session.get(Transcript, int(ref))
    named = session.scalar(
        select(Transcript)
        .where((Transcript.title == ref) | (Transcript.source_name == ref))
        .order_by(Transcript.id)
        .limit(1)
    )
    number = transcript_number(ref)
    return named if named is not None or number is None else session.get(Transcript, number)


def segments_of(session: Session, transcript_id: int) -> list[tuple[Segment, Speaker | None]]:
    rows = session.execute(
        select(Segment, Speaker)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Segment.ordinal)
    )
    return [(segment, speaker) for segment, speaker in rows]


def segment_at(session: Session, transcript_id: int, ordinal: int) -> int | None:
    """The id of the transcript's segment at `ordinal`, if there is one."""
    return session.scalar(
        select(Segment.id).where(Segment.transcript_id == transcript_id, Segment.ordinal == ordinal)
    )


def segment_count(session: Session, transcript_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Segment).where(Segment.transcript_id == transcript_id)
        )
        or 0
    )


def renumber_from(session: Session, transcript_id: int, ordinal: int, shift: int) -> None:
    """Shift the ordinals of all segments at or after `ordinal` by `shift`."""
    session.execute(
        update(Segment)
        .where(Segment.transcript_id == transcript_id, Segment.ordinal >= ordinal)
        .values(ordinal=Segment.ordinal + shift)
    )


def delete_transcript(session: Session, transcript_id: int) -> None:
    session.execute(delete(Transcript).where(Transcript.id == transcript_id))
