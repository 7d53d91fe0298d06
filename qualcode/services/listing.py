"""The transcript list with a coder's progress, on SQLAlchemy Core.

`qualcode transcripts` and the workbench's corpus list read it; in Core it needs neither the
ORM nor pydantic (`qualcode.store.transcript_rows`), so the command starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.domain.transcript_info import TranscriptInfo
from qualcode.services.project import Project
from qualcode.store import coders
from qualcode.store import transcript_rows as store

if TYPE_CHECKING:
    from sqlalchemy import Connection


def list_transcripts(project: Project, coder: str | None = None) -> list[TranscriptInfo]:
    """Every transcript, with how many segments `coder` (if given) has coded and whether
    they marked it done."""

    def work(connection: Connection) -> list[TranscriptInfo]:
        found = coders.coder_row(connection, coder) if coder else None
        coded = store.coded_turn_counts(connection, found.id) if found else {}
        done = store.done_transcript_ids(connection, found.id) if found else set()
        return [
            TranscriptInfo(
                id=row.id,
                title=row.title,
                source_name=row.source_name,
                language=row.language,
                department=row.department,
                group_kind=row.group_kind,
                recorded_on=row.recorded_on,
                n_segments=row.n_segments,
                n_words=row.n_words,
                n_coded_segments=coded.get(row.id, 0),
                done=row.id in done,
                notes=list((row.attributes or {}).get("notes", [])),
                variables=dict((row.attributes or {}).get("variables", {})),
            )
            for row in store.transcript_rows(connection)
        ]

    return project.read_rows(work)
