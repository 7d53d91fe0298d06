"""Memos: write one on a segment, a transcript, a code or the project; list them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.domain.coding import MemoView
from qualcode.domain.text import multi_line
from qualcode.errors import QualcodeError
from qualcode.services import roles
from qualcode.services.finders import find_code, find_segment
from qualcode.services.project import Project
from qualcode.store import codings as store
from qualcode.store.models import Memo


def add_memo(
    project: Project,
    text: str,
    coder: str | None,
    *,
    segment_id: int | None = None,
    transcript_id: int | None = None,
    code_key: str | None = None,
) -> MemoView:
    """Write a memo on a segment, a transcript, a code, or (none given) the project; control
    and direction-override characters are removed (line breaks and tabs kept)."""
    text = multi_line(text)
    if not text:
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
            text=text,
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
                text=multi_line(memo.text),  # one stored raw by an older qualcode
                coder=coder,
                segment_id=memo.segment_id,
                transcript_id=memo.transcript_id,
                code_key=key,
            )
            for memo, coder, key in store.list_memos(session, segment_id)
        ]

    return project.read(work)
