"""Coding use cases: apply and remove codes; every call is its own transaction.

They run on SQLAlchemy Core (`qualcode.store.coding_rows`), so `qualcode code` and
`uncode` start without importing the ORM or pydantic; the helpers also take an ORM session,
for units of work that code as one of their steps (accepting a suggestion).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from qualcode.domain.coding import AppliedCoding, Codable, CodingView, Span
from qualcode.domain.text import multi_line
from qualcode.domain.turns import TurnRef, parse_turn, turn_ref
from qualcode.errors import NotFoundError, PermissionDenied, QualcodeError
from qualcode.services import roles
from qualcode.services.project import Project
from qualcode.store import coders
from qualcode.store import coding_rows as store
from qualcode.store import team as team_store
from qualcode.store.coding_rows import TargetCode, TargetSegment

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ORIGINS = ("manual", "suggestion", "imported", "adjudicated")


def missing_segment(segment_id: int) -> NotFoundError:
    return NotFoundError(
        f"No segment {segment_id}. List a transcript's segments with `qualcode segments`."
    )


def missing_code(db: Connection | Session, key: str) -> NotFoundError:
    """The error for a code key the active codebook does not have (or no codebook at all)."""
    # Imported here: the codebook service loads the ORM and the codebook model, which the
    # coding path needs only to say that no codebook is loaded.
    from sqlalchemy.orm import Session

    from qualcode.services.codebooks import active_codebook

    if isinstance(db, Session):
        book = active_codebook(db)  # says so when no codebook is loaded
    else:
        with Session(bind=db) as session:
            book = active_codebook(session)
    return NotFoundError(
        f"No code '{key}' in codebook '{book.name}'. See `qualcode codebook show`, "
        "or create an open code with `qualcode open-code`."
    )


def segment_id(project: Project, ref: str) -> int:
    """The segment id a person means by `606` (a segment id) or `T8:4` (transcript 8, turn 4)."""
    parsed = parse_turn(ref)
    if parsed is None:
        raise QualcodeError(
            f"'{ref}' is not a turn: give a segment id (606) or a transcript id and "
            "turn number (T8:4)."
        )
    if not isinstance(parsed, TurnRef):
        return parsed
    with project.engine.connect() as connection:
        return _segment_at(connection, parsed)


def _segment_at(connection: Connection, ref: TurnRef) -> int:
    turns = store.transcript_turns(connection, ref.transcript_id)
    if turns is None:
        raise NotFoundError(
            f"No transcript '{ref.transcript_id}'. List them with `qualcode transcripts`; "
            "use the id, title or file name."
        )
    found = store.segment_at(connection, ref.transcript_id, ref.ordinal) if ref.number > 0 else None
    if found is None:
        title, count = turns
        raise NotFoundError(
            f"No turn {ref.number} in transcript {ref.transcript_id} ({title}): "
            f"its turns are 1 to {count}."
        )
    return found


def find_target(
    db: Connection | Session, segment_id: int, key: str, coder: str
) -> tuple[TargetSegment, TargetCode, coders.CoderRow | None]:
    """The segment and code a write is about, and the coder if known, in one query; a
    missing segment or code raises NotFoundError."""
    segment, code, coder_row = store.coding_target(db, segment_id, key, coder)
    if segment is None:
        raise missing_segment(segment_id)
    if code is None:
        raise missing_code(db, key)
    return segment, code, coder_row


def check_span(
    segment: Span, span: tuple[int, int] | None, *, relative: bool = False
) -> tuple[int | None, int | None]:
    """Validate a span in transcript offsets (or, if `relative`, offsets into the segment);
    an error names the span and the bounds in the offsets the caller gave.

    A span that covers the whole segment is stored as a whole-turn coding (None, None).
    """
    if span is None:
        return None, None
    shift = segment.start_char if relative else 0
    start, end = span[0] + shift, span[1] + shift
    if not segment.start_char <= start < end <= segment.end_char:
        low, high = segment.start_char - shift, segment.end_char - shift
        raise QualcodeError(
            f"Span {span[0]}:{span[1]} is not inside segment {segment.id}, whose text is "
            f"{low}:{high}; give START < END within it."
        )
    if (start, end) == (segment.start_char, segment.end_char):
        return None, None
    return start, end


def add_coding(
    db: Connection | Session,
    code: Codable,
    coder_id: int,
    segment_id: int,
    span: tuple[int | None, int | None] = (None, None),
    *,
    origin: str,
    coder: str,
    memo: str | None = None,
) -> CodingView:
    """Store a coding of `code` by `coder` (or return the same one already stored); never of
    a retired code. Applying by key and accepting a suggestion both go through it."""
    if code.retired:
        raise QualcodeError(f"The code '{code.key}' is retired and cannot be applied.")
    row, created = store.add_coding(
        db,
        coder_id=coder_id,
        code_id=code.id,
        segment_id=segment_id,
        start_char=span[0],
        end_char=span[1],
        origin=origin,
        memo=(multi_line(memo) or None) if memo else None,
    )
    return CodingView.of(row, code.key, coder, new=created)


def apply_code(
    project: Project,
    segment_id: int,
    key: str,
    coder: str,
    *,
    span: tuple[int, int] | None = None,
    origin: str = "manual",
    memo: str | None = None,
    relative: bool = False,
    actor: str | None = None,
) -> CodingView:
    """Apply `key` to the segment (or a span of it, in transcript offsets) for `coder`.

    Applying the same code twice is a no-op that returns the existing coding. An `actor`
    other than `coder` must be a supervisor (see qualcode.services.roles).
    """
    if origin not in ORIGINS:
        raise QualcodeError(f"Unknown origin '{origin}'; use one of {', '.join(ORIGINS)}.")

    def work(connection: Connection) -> CodingView:
        return _apply(connection, segment_id, key, coder, span, origin, memo, relative, actor)[0]

    return project.write_rows(work)


def code_turn(
    project: Project,
    segment_id: int,
    key: str,
    coder: str,
    *,
    span: tuple[int, int] | None = None,
) -> AppliedCoding:
    """Apply `key` for `coder` to the segment or to a span given in offsets into its text,
    and say what was coded in those offsets: the turn, the span and the quoted text."""

    def work(connection: Connection) -> AppliedCoding:
        view, segment, made = _apply(
            connection, segment_id, key, coder, span, "manual", None, True, None
        )
        start = segment.start_char if view.start_char is None else view.start_char
        end = segment.end_char if view.end_char is None else view.end_char
        quoted = store.transcript_slice(connection, segment.transcript_id, start, end)
        relative = None
        if view.start_char is not None:
            relative = (start - segment.start_char, end - segment.start_char)
        return AppliedCoding(
            coding=view,
            ref=turn_ref(segment.transcript_id, segment.ordinal),
            span=relative,
            text=quoted.strip(),
            new_coder=made,
        )

    return project.write_rows(work)


def _apply(
    connection: Connection,
    segment_id: int,
    key: str,
    coder: str,
    span: tuple[int, int] | None,
    origin: str,
    memo: str | None,
    relative: bool,
    actor: str | None,
) -> tuple[CodingView, TargetSegment, bool]:
    """The coding stored (or found), its segment, and whether the write made the coder."""
    segment, code, found = find_target(connection, segment_id, key, coder)
    coder_row = found or roles.coder_for_write(connection, coder)
    if actor is not None and actor != coder:
        roles.require_layer_access(connection, actor, coder_row.id)
    start, end = check_span(segment, span, relative=relative)
    view = add_coding(
        connection,
        code,
        coder_row.id,
        segment.id,
        (start, end),
        origin=origin,
        coder=coder_row.name,
        memo=memo,
    )
    return view, segment, found is None


def remove_code(
    project: Project,
    segment_id: int,
    key: str,
    coder: str,
    *,
    span: tuple[int, int] | None = None,
    relative: bool = False,
    actor: str | None = None,
) -> list[CodingView]:
    """Remove the coder's codings of `key` on the segment (only the given span, if any).

    Returns what was removed, so that an undo can restore it exactly. An `actor` other than
    `coder` must be a supervisor.
    """

    def work(connection: Connection) -> list[CodingView]:
        segment, code, coder_row = find_target(connection, segment_id, key, coder)
        if coder_row is None:
            raise _missing_coder(coder)
        if actor is not None and actor != coder:
            roles.require_layer_access(connection, actor, coder_row.id)
        wanted = check_span(segment, span, relative=relative) if span is not None else None
        layer = (segment.id, coder_row.id, code.id, wanted)
        removed = store.delete_layer_codings(connection, *layer)
        # Only row-level security (team mode) hides a coding from its DELETE; elsewhere a
        # coding seen afterwards was re-added by another process after it was removed.
        if (
            not removed
            and team_store.is_team(connection)
            and store.has_layer_codings(connection, *layer)
        ):
            raise PermissionDenied(
                f"The coding '{key}' by {coder} on segment {segment_id} is not yours to "
                "remove: the server lets this login remove only its own codings (a "
                "supervisor may remove any)."
            )
        if not removed:
            raise NotFoundError(f"Segment {segment_id} has no coding '{key}' by {coder}.")
        return [CodingView.of(row, code.key, coder) for row in removed]

    return project.write_rows(work)


def delete_coding(project: Project, coding_id: int, coder: str) -> CodingView:
    """Delete one coding by id; a coder may only delete their own codings, a supervisor any."""

    def work(connection: Connection) -> CodingView:
        found = store.coding_by_id(connection, coding_id)
        if found is None:
            raise NotFoundError(f"No coding {coding_id}.")
        row, key, owner = found
        coder_row = coders.coder_row(connection, coder)
        if coder_row is None:
            raise _missing_coder(coder)
        if row.coder_id != coder_row.id and not roles.is_supervisor(connection, coder):
            raise PermissionDenied(
                f"Coding {coding_id} belongs to another coder; it was not removed."
            )
        store.delete_coding(connection, coding_id)
        return CodingView.of(row, key, owner)

    return project.write_rows(work)


def _missing_coder(name: str) -> NotFoundError:
    return NotFoundError(f"No coder '{name}'. Coders are created when they first code.")
