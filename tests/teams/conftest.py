"""Team fixtures: a small coded project, and a consistency check for whole databases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, importing
from qualcode.services.project import Project
from qualcode.store.models import Base, Segment, Transcript

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "codebooks" / "three_concepts.yaml"
TRANSCRIPT = """[00:00:00] Moderator: Please read the first card.
[00:00:10] Anne (nurse): We never get a proper lunch break. The phone rings all the time.
[00:00:30] Bo (secretary): I keep a paper list next to the system, otherwise we lose patients.
[00:00:50] Anne (nurse): Yes, and nobody asks us before they change the rota again.
"""


@pytest.fixture
def team_project(project: Project, write_file) -> Project:
    """The shipped codebook and one four-turn transcript (segment ids 1-4)."""
    codebooks.load_codebook_file(project, CODEBOOK)
    path = write_file("fg.txt", TRANSCRIPT)
    importing.import_one(project, ImportSpec(path=path, department="Ward", group_kind="staff"))
    return project


def orphan_rows(connection: Connection) -> list[str]:
    """Rows whose foreign key points at a row that does not exist."""
    found = []
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            parent = key.column.table.alias()
            column = key.parent
            n = connection.scalar(
                select(func.count())
                .select_from(table.outerjoin(parent, column == parent.c[key.column.name]))
                .where(column.is_not(None), parent.c[key.column.name].is_(None))
            )
            if n:
                found.append(f"{table.name}.{column.name}: {n}")
    return found


def untiled_transcripts(connection: Connection) -> list[int]:
    """Transcripts whose segments do not cover their text exactly, in order, without gaps."""
    bad = []
    for transcript_id, length in connection.execute(
        select(Transcript.id, func.length(Transcript.text))
    ):
        bounds = connection.execute(
            select(Segment.ordinal, Segment.start_char, Segment.end_char)
            .where(Segment.transcript_id == transcript_id)
            .order_by(Segment.ordinal)
        ).all()
        ends = [0] + [end for _, _, end in bounds]
        starts = [start for _, start, _ in bounds] + [length]
        ordinals = [ordinal for ordinal, _, _ in bounds]
        if not bounds or ends != starts or ordinals != list(range(len(bounds))):
            bad.append(transcript_id)
    return bad


@pytest.fixture
def assert_consistent() -> Callable[[Project], None]:
    """Check a database: no orphan rows, every transcript tiled by its segments."""

    def check(project: Project) -> None:
        with project.engine.connect() as connection:
            assert orphan_rows(connection) == []
            assert untiled_transcripts(connection) == []

    return check
