"""Done marks: a coder says they finished coding a transcript.

A transcript a coder marked done is in that coder's coded scope (and so in the scope of the
all-coders layer) even when they coded nothing in it: its turns then count in the
denominators as turns they read and left uncoded (`qualcode.domain.scope`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.services.corpus import find_transcript
from qualcode.services.project import Project
from qualcode.services.roles import coder_for_write
from qualcode.store import codes as code_store
from qualcode.store import done as store


@dataclass(frozen=True)
class DoneMark:
    transcript_id: int
    title: str
    coder: str
    done: bool  # the state after the call
    changed: bool  # False when the transcript already was in that state
    new_coder: bool = False  # the mark made the coder (a mistyped name starts a layer)


def mark_done(
    project: Project, transcript: str | int, coder: str, *, undo: bool = False
) -> DoneMark:
    """Mark the transcript done for `coder` (with `undo`, remove the mark)."""

    def work(session: Session) -> DoneMark:
        found = find_transcript(session, transcript)
        known = code_store.coder_by_name(session, coder)
        if undo:
            changed = known is not None and store.unmark(session, found.id, known.id)
        else:
            changed = store.mark(session, found.id, coder_for_write(session, coder).id)
        made = not undo and known is None
        return DoneMark(found.id, found.title, coder, not undo, changed, made)

    return project.write(work)


def done_marks(project: Project) -> dict[int, list[str]]:
    """Transcript id -> the coders who marked it done (by name)."""
    return project.read(store.marks)
