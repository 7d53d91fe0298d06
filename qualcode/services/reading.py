"""The coding workbench's reads: one coder's turns, whether they changed, the code counts.

The turns come from `corpus.segments`, the one read of a transcript's turns for both UIs.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from qualcode.domain.corpus import SegmentView
from qualcode.services.corpus import segments
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import reading as store


def coder_turns(
    project: Project,
    transcript_id: int,
    coder: str,
    *,
    first: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[SegmentView]:
    """The transcript's turns in order (only the `first` ones if given), with `coder`'s
    codings and the memos `coder` may see; `stop` as for `corpus.segments`."""
    return segments(project, transcript_id, coders=[coder], actor=coder, first=first, stop=stop)


def change_stamp(project: Project, transcript_id: int, coder: str) -> tuple[object, ...]:
    """A value that differs whenever `coder_turns` would return something different for
    the transcript (apart from codebook changes): compare it to skip an unneeded re-read."""

    def work(session: Session) -> tuple[object, ...]:
        coder_row = code_store.coder_by_name(session, coder)
        return store.change_stamp(session, transcript_id, coder_row.id if coder_row else None)

    return project.read(work)


def code_counts(project: Project, coder: str) -> dict[str, int]:
    """How many codings `coder` has made with each code of the codebook in use."""

    def work(session: Session) -> dict[str, int]:
        coder_row = code_store.coder_by_name(session, coder)
        book = code_store.active_codebook(session)
        if coder_row is None or book is None:
            return {}
        keys = {code.id: code.key for code in code_store.codes_of(session, book.id)}
        counts = code_store.coding_counts(session, book.id, coder_row.id)
        return {keys[code_id]: count for code_id, count in counts.items()}

    return project.read(work)
