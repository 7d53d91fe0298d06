"""A project with the shipped codebook and one small imported transcript, and two coders on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, corpus, importing
from qualcode.services.coding import apply_code
from qualcode.services.project import Project

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"


TRANSCRIPT = """[00:00:00] Moderator: Please read the first card.
[00:00:10] Anne (nurse): We never get a proper lunch break. The phone rings all the time.
[00:00:30] Bo (secretary): I keep a paper list next to the system, otherwise we lose patients.
[00:00:50] Anne (nurse): Yes.
"""


@pytest.fixture
def coded_project(project: Project, write_file) -> Project:
    codebooks.load_codebook_file(project, CODEBOOK)
    path = write_file("fg.txt", TRANSCRIPT)
    importing.import_one(project, ImportSpec(path=path, department="Ward", group_kind="staff"))
    return project


@pytest.fixture
def turns(coded_project: Project):
    return corpus.segments(coded_project, 1)


@pytest.fixture
def two_coders(coded_project: Project) -> Project:
    """anna: breaks on turn 2, workarounds on turn 3; ben: breaks on [29, 63) of turn 2
    and on turn 3."""
    breaks, workarounds = "temporality.breaks", "jobcrafting.workarounds"
    apply_code(coded_project, 2, breaks, "anna")
    apply_code(coded_project, 3, workarounds, "anna")
    apply_code(coded_project, 2, breaks, "ben", span=(29, 63))
    apply_code(coded_project, 3, breaks, "ben")
    return coded_project
