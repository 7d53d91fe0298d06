"""A two-department study small enough that every figure of its report is counted by hand.

Ward (staff focus group), segments 1-5; Clinic (management), segments 6-9. The moderator's
turns (1 and 6) are not participant turns, so Ward has 4 participant turns, Clinic 3.
anna codes: 2 temporality.breaks, 3 jobcrafting.workarounds, 5 temporality.rhythm,
7 temporality.breaks, 8 open.it_system; ben codes: 2 temporality.breaks,
3 jobcrafting.workarounds, 5 temporality.breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, importing
from qualcode.services.coding import apply_code
from qualcode.services.memos import add_memo
from qualcode.services.project import Project

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"

WARD = """Moderator (moderator): Please read the first card aloud.
Anne (nurse): We never get a proper lunch break, the phone keeps ringing and ringing all day long.
Bo (secretary): I keep a paper list next to the system, otherwise we lose patients, Anne knows.
Anne (nurse): Yes.
Cai (doctor): The surgeons run late so the whole afternoon rhythm slides and nobody can plan.
"""

CLINIC = """Moderator (moderator): Next card, please.
Dan (manager): Breaks are fine for us, we plan the day around the clinic hours and it works well.
Eva (manager): The IT system crashes every week and we print everything twice to be safe.
Dan (manager): Right.
"""


@pytest.fixture
def study(project: Project, write_file) -> Project:
    codebooks.load_codebook_file(project, CODEBOOK)
    for name, text, department, kind in (
        ("ward.txt", WARD, "Ward", "staff"),
        ("clinic.txt", CLINIC, "Clinic", "management"),
    ):
        path = write_file(name, text)
        importing.import_one(project, ImportSpec(path=path, department=department, group_kind=kind))
    codebooks.create_open_code(project, "IT system", "anna")
    for segment, key in (
        (2, "temporality.breaks"),
        (3, "jobcrafting.workarounds"),
        (5, "temporality.rhythm"),
        (7, "temporality.breaks"),
        (8, "open.it_system"),
    ):
        apply_code(project, segment, key, "anna")
    for segment, key in (
        (2, "temporality.breaks"),
        (3, "jobcrafting.workarounds"),
        (5, "temporality.breaks"),
    ):
        apply_code(project, segment, key, "ben")
    add_memo(project, "Breaks come up with the phone.", "anna", code_key="temporality.breaks")
    add_memo(project, "Workaround: the paper list.", "ben", segment_id=3)
    add_memo(project, "Managers were relaxed.", "anna", transcript_id=2)
    return project
