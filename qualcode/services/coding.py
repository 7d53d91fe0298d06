"""Coding use cases: apply and remove codes, memos; every call is its own transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.domain.corpus import AppliedCoding, CodingView, MemoView
from qualcode.domain.turns import turn_ref
from qualcode.errors import NotFoundError, PermissionDenied, QualcodeError
from qualcode.services import roles
from qualcode.services.corpus import coding_view
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import codings as store
from qualcode.store.models import Code, Coder, Coding, Memo, Segment

ORIGINS = ("manual", "suggestion", "imported", "adjudicated")


def find_segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFoundError(
            f"No segment {segment_id}. List a transcript's segments with `qualcode segments`."
        )
    return segment


def find_code(session: Session, key: str) -> Code:
    code = code_store.active_code(session, key)
    if code is None:
        # Imported here: the codebook service loads the YAML codebook reader, which the
        # coding path never needs (it reads its code from the database).
        from qualcode.services.codebooks import active_codebook

        book = active_codebook(session)  # says so when no codebook is loaded
        raise NotFoundError(
            f"No code '{key}' in codebook '{book.name}'. See `qualcode codebook show`, "
            "or create an open code with `qualcode open-code`."
        )
    return code


def find_coder(session: Session, name: str) -> int:
    coder = code_store.coder_by_name(session, name)
    if coder is None:
        raise NotFoundError(f"No coder '{name}'. Coders are created when they first code.")
    return coder.id


def find_target(
    session: Session, segment_id: int, key: str, coder: str
) -> tuple[Segment, Code, Coder | None]:
    """The segment and code a write is about, and the coder if known, in one query; a
    missing segment or code raises the same NotFoundError as find_segment and find_code."""
    segment, code, coder_row = store.coding_target(session, segment_id, key, coder)
    return segment or find_segment(session, segment_id), code or find_code(session, key), coder_row


def check_span(
    segment: Segment, span: tuple[int, int] | None, *, relative: bool = False
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
    session: Session,
    code: Code,
    coder_id: int,
    segment_id: int,
    span: tuple[int | None, int | None] = (None, None),
    *,
    origin: str,
    memo: str | None = None,
) -> Coding:
    """Store a coding of `code` (or return the same one already stored); never of a retired
    code. Applying by key and accepting a suggestion both go through it."""
    if code.retired:
        raise QualcodeError(f"The code '{code.key}' is retired and cannot be applied.")
    coding, _ = store.add_coding(
        session,
        coder_id=coder_id,
        code_id=code.id,
        segment_id=segment_id,
        start_char=span[0],
        end_char=span[1],
        origin=origin,
        memo=memo,
    )
    return coding


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

    def work(session: Session) -> CodingView:
        return _apply(session, segment_id, key, coder, span, origin, memo, relative, actor)[0]

    return project.write(work)


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

    def work(session: Session) -> AppliedCoding:
        view, segment = _apply(session, segment_id, key, coder, span, "manual", None, True, None)
        start = segment.start_char if view.start_char is None else view.start_char
        end = segment.end_char if view.end_char is None else view.end_char
        quoted = store.transcript_slice(session, segment.transcript_id, start, end)
        relative = None
        if view.start_char is not None:
            relative = (start - segment.start_char, end - segment.start_char)
        return AppliedCoding(
            coding=view,
            ref=turn_ref(segment.transcript_id, segment.ordinal),
            span=relative,
            text=quoted.strip(),
        )

    return project.write(work)


def _apply(
    session: Session,
    segment_id: int,
    key: str,
    coder: str,
    span: tuple[int, int] | None,
    origin: str,
    memo: str | None,
    relative: bool,
    actor: str | None,
) -> tuple[CodingView, Segment]:
    segment, code, coder_row = find_target(session, segment_id, key, coder)
    coder_row = coder_row or roles.coder_for_write(session, coder)
    if actor is not None and actor != coder:
        roles.require_layer_access(session, actor, coder_row.id)
    start, end = check_span(segment, span, relative=relative)
    coding = add_coding(
        session, code, coder_row.id, segment.id, (start, end), origin=origin, memo=memo
    )
    return coding_view(coding, code.key, coder_row.name), segment


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

    def work(session: Session) -> list[CodingView]:
        segment, code, coder_row = find_target(session, segment_id, key, coder)
        coder_id = coder_row.id if coder_row else find_coder(session, coder)
        if actor is not None and actor != coder:
            roles.require_layer_access(session, actor, coder_id)
        wanted = check_span(segment, span, relative=relative) if span is not None else None
        removed = store.delete_layer_codings(session, segment.id, coder_id, code.id, wanted)
        if not removed and store.has_layer_codings(session, segment.id, coder_id, code.id, wanted):
            raise PermissionDenied(
                f"The coding '{key}' by {coder} on segment {segment_id} is not yours to "
                "remove: the server lets this login remove only its own codings (a "
                "supervisor may remove any)."
            )
        if not removed:
            raise NotFoundError(f"Segment {segment_id} has no coding '{key}' by {coder}.")
        return [coding_view(coding, code.key, coder) for coding in removed]

    return project.write(work)


def delete_coding(project: Project, coding_id: int, coder: str) -> CodingView:
    """Delete one coding by id; a coder may only delete their own codings, a supervisor any."""

    def work(session: Session) -> CodingView:
        coding = session.get(Coding, coding_id)
        if coding is None:
            raise NotFoundError(f"No coding {coding_id}.")
        coder_id = find_coder(session, coder)
        if coding.coder_id != coder_id and not roles.is_supervisor(session, coder):
            raise PermissionDenied(
                f"Coding {coding_id} belongs to another coder; it was not removed."
            )
        code = session.get(Code, coding.code_id)
        owner = session.get_one(Coder, coding.coder_id).name
        view = coding_view(coding, code.key if code else "?", owner)
        session.delete(coding)
        return view

    return project.write(work)


def add_memo(
    project: Project,
    text: str,
    coder: str | None,
    *,
    segment_id: int | None = None,
    transcript_id: int | None = None,
    code_key: str | None = None,
) -> MemoView:
    """Write a memo on a segment, a transcript, a code, or (none given) the project."""
    if not text.strip():
        raise QualcodeError("A memo needs some text.")

    def work(session: Session) -> MemoView:
        target = "project"
        code_id = None
        tid = transcript_id
        if segment_id is not None:
            target = "segment"
            tid = find_segment(session, segment_id).transcript_id
        elif code_key is not None:
            target = "code"
            code_id = find_code(session, code_key).id
        elif transcript_id is not None:
            target = "transcript"
        coder_row = roles.coder_for_write(session, coder) if coder else None
        memo = Memo(
            target=target,
            transcript_id=tid,
            segment_id=segment_id,
            code_id=code_id,
            coder_id=coder_row.id if coder_row else None,
            text=text.strip(),
        )
        session.add(memo)
        session.flush()
        return MemoView(
            id=memo.id,
            target=target,
            text=memo.text,
            coder=coder,
            segment_id=segment_id,
            transcript_id=tid,
            code_key=code_key,
        )

    return project.write(work)


def list_memos(project: Project, *, segment_id: int | None = None) -> list[MemoView]:
    def work(session: Session) -> list[MemoView]:
        return [
            MemoView(
                id=memo.id,
                target=memo.target,
                text=memo.text,
                coder=coder,
                segment_id=memo.segment_id,
                transcript_id=memo.transcript_id,
                code_key=key,
            )
            for memo, coder, key in store.list_memos(session, segment_id)
        ]

    return project.read(work)
