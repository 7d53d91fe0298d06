"""Values a database holds with terminal control characters (stored by an older qualcode,
or by hand) are drawn without them: the workbench never sends ESC, BEL or U+202E from a
department, title, speaker or code name to the terminal (issue 16)."""

from __future__ import annotations

import re

from sqlalchemy import text

from qualcode.services import corpus
from qualcode.services.project import Project

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
OLD_VALUES = (
    "UPDATE transcript SET department = 'Ward' || :raw || 'RED', title = 'FG' || :raw",
    "UPDATE speaker SET label = label || :raw",
    "UPDATE code SET name = name || :raw",
)


def store_raw(project: Project) -> None:
    def work(session) -> None:  # type: ignore[no-untyped-def]
        for statement in OLD_VALUES:
            session.execute(text(statement), {"raw": "\x1b[31m\x07\u202e"})

    project.write(work)


async def test_raw_values_are_drawn_without_control_characters(
    make_app, workbench_project, settle
) -> None:
    store_raw(workbench_project)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        corpus_screen = app.export_screenshot()
        app.open_transcript(corpus.get_transcript(workbench_project, 1))
        await settle(pilot)
        coding_screen = app.export_screenshot()
        await pilot.press("f3")
        await settle(pilot)
        codebook_screen = app.export_screenshot()
    for drawn in (corpus_screen, coding_screen, codebook_screen):
        assert not CONTROLS.search(drawn), repr(CONTROLS.findall(drawn))
    assert "Ward[31mRED" in corpus_screen.replace("&#160;", " ")
    assert "[31m" in codebook_screen
