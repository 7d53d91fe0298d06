"""`E` on the corpus screen edits a transcript's metadata and speaker roles (issue 13, issue
20 item 13): saved through the metadata service, checked before anything is written, and
refused in the dialog where the service refuses."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, Tree

from qualcode.domain.imports import ImportSpec
from qualcode.services import corpus, importing, metadata, roles
from qualcode.services.project import Project
from qualcode.tui.modals.metadata_editor import MetadataEditor
from qualcode.tui.screens.corpus import CorpusScreen

from .test_workday import SMALL, shown_words


def stored(project: Project) -> tuple[str | None, date | None, list[str | None]]:
    """Department, date and speaker roles of the test transcript, as the services say."""
    info = corpus.get_transcript(project, 1)
    return info.department, info.recorded_on, [s.role for s in metadata.speakers(project, 1)]


async def open_editor(pilot: Pilot, settle) -> MetadataEditor:
    await settle(pilot)
    assert isinstance(pilot.app.screen, CorpusScreen)
    await pilot.press("E")
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, MetadataEditor)
    return editor


async def test_e_edits_the_department_and_a_speaker_role(
    make_app, settle, workbench_project
) -> None:
    before = stored(workbench_project)
    assert before == ("Ward", date(2025, 3, 11), [None, None, None, None])
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(pilot, settle)
        box = editor.query_one(".dialog")
        assert app.screen.region.contains_region(box.region)  # fits 80x24
        assert shown_words(editor.query_one(".dialog-title")) == "Metadata of Ward: staff group"
        hint = "↑↓ move · → completes a role · Enter or ctrl+s saves · Esc cancels"
        assert shown_words(editor.query_one(".dialog-hint")) == hint
        assert [editor.query_one(f"#role-{i}", Input).region.bottom <= box.region.bottom
                for i in range(4)] == [True] * 4  # every speaker in view  # fmt: skip
        assert editor.focused is editor.query_one("#field-department")
        await pilot.press("ctrl+u", *"ICU")
        await pilot.press("down", "down", "down", "down")  # group kind, date, language, Moderator
        assert editor.focused is editor.query_one("#role-0")
        await pilot.press(*"mod", "right")  # the study's moderator role completes
        assert editor.query_one("#role-0", Input).value == "moderator"
        await pilot.press("enter")
        await settle(pilot)

        assert not isinstance(app.screen, MetadataEditor)
        assert stored(workbench_project) == (
            "ICU",
            date(2025, 3, 11),
            ["moderator", None, None, None],
        )
        tree = app.screen.query_one("#corpus-tree", Tree)
        assert [str(node.label).split()[0] for node in tree.root.children] == ["ICU"]


async def test_a_bad_date_is_named_in_the_dialog_and_nothing_is_written(
    make_app, settle, workbench_project
) -> None:
    before = stored(workbench_project)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(pilot, settle)
        await pilot.press("ctrl+u", *"ICU", "down", "down", "ctrl+u", *"2025-13-40", "enter")
        await settle(pilot)
        assert app.screen is editor  # still open, with what was typed
        error = editor.query_one("#metadata-error")
        assert error.display and shown_words(error) == (
            "The date '2025-13-40' is not a date: write it as YYYY-MM-DD, e.g. 2025-03-11."
        )
        assert app.screen.region.contains_region(editor.query_one(".dialog").region)
        assert stored(workbench_project) == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CorpusScreen)
        assert stored(workbench_project) == before


async def test_where_supervisors_decide_a_coder_is_told_so_in_the_dialog(
    make_app, settle, workbench_project
) -> None:
    roles.add_coder(workbench_project, "sara", roles.SUPERVISOR)
    roles.add_coder(workbench_project, "anna", roles.CODER, actor="sara")
    before = stored(workbench_project)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(pilot, settle)
        await pilot.press("down", "down", "down", "down", *"moderator", "ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        error = shown_words(editor.query_one("#metadata-error"))
        assert error.startswith("Only a supervisor may change transcript metadata or speaker")
        box = editor.query_one(".dialog").region  # the three-line refusal and the hint fit
        assert app.screen.region.contains_region(box)
        assert editor.query_one(".dialog-hint").region.bottom < box.bottom
        assert stored(workbench_project) == before

    supervisor = make_app(coder="sara")
    async with supervisor.run_test(size=SMALL) as pilot:
        await open_editor(pilot, settle)
        await pilot.press("down", "down", "down", "down", *"moderator", "ctrl+s")
        await settle(pilot)
        assert isinstance(supervisor.screen, CorpusScreen)
        assert stored(workbench_project)[2] == ["moderator", None, None, None]


MANY = "".join(f"P{n}: Turn {n} of a long round.\n" for n in range(1, 9))


async def test_with_more_speakers_than_fit_the_arrows_still_move_and_scroll(
    make_app, settle, workbench_project, write_file
) -> None:
    """Eight speakers do not fit 80x24: ↓ moves to the last one (the form scrolls to it)."""
    spec = ImportSpec(path=write_file("round.txt", MANY), title="A round", department="Annex")
    transcript = importing.import_one(workbench_project, spec).transcript_id
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(pilot, settle)
        assert editor.info.title == "A round"
        await pilot.press(*["down"] * 11)  # group kind, date, language, then P1 ... P8
        last = editor.query_one("#role-7", Input)
        assert editor.focused is last
        form = editor.query_one("#metadata-form")
        assert form.region.contains_region(last.region)  # scrolled into view
        await pilot.press(*"observer", "enter")
        await settle(pilot)
    assert [s.role for s in metadata.speakers(workbench_project, transcript)] == [None] * 7 + [
        "observer"
    ]


async def test_variables_from_a_refi_file_are_shown(make_app, settle, workbench_project) -> None:
    from qualcode.store.models import Transcript

    def give_variables(session) -> None:  # type: ignore[no-untyped-def]
        transcript = session.get(Transcript, 1)
        transcript.attributes = {**(transcript.attributes or {}), "variables": {"Site": "North"}}

    workbench_project.write(give_variables)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(pilot, settle)
        shown = [shown_words(label) for label in editor.query(".metadata-variable")]
        assert shown == ["Site = North"]
