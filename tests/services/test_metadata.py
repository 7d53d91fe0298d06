"""Metadata that can be fixed: transcript fields and speaker roles change, codings do not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qualcode.domain.corpus import MetadataUpdate
from qualcode.domain.imports import ImportSpec
from qualcode.errors import NotFoundError, PermissionDenied, QualcodeError
from qualcode.services import corpus, importing, metadata, roles
from qualcode.services.codebooks import load_codebook_file
from qualcode.services.coding import apply_code
from qualcode.services.project import Project

from ..conftest import CODEBOOK

TEXT = "Moderator: Welcome.\nAnne: We never get a break.\nBo: The phone rings.\n"


@pytest.fixture
def stored(project: Project, tmp_path: Path) -> tuple[Project, Path]:
    path = tmp_path / "fg1.txt"
    path.write_text(TEXT, encoding="utf-8")
    load_codebook_file(project, CODEBOOK)
    result = importing.import_one(project, ImportSpec(path=path, department="Ward A"))
    views = corpus.segments(project, result.transcript_id)
    apply_code(project, views[1].id, "temporality", "anna", span=(views[1].start_char, 30))
    return project, path


def codings(project: Project) -> list[tuple[str, str, int | None, int | None]]:
    return [
        (c.coder, c.code_key, c.start_char, c.end_char)
        for v in corpus.segments(project, "fg1")
        for c in v.codings
    ]


def test_set_transcript_metadata_changes_fields_and_keeps_codings(stored) -> None:
    project, _ = stored
    before = codings(project)
    update = MetadataUpdate(department="Ward B", group_kind="staff", recorded_on=date(2024, 3, 1))
    info, changes = metadata.set_transcript_metadata(project, "fg1", update)
    assert [str(c) for c in changes] == [
        "department Ward A -> Ward B",
        "group_kind (empty) -> staff",
        "recorded_on (empty) -> 2024-03-01",
    ]
    assert (info.department, info.group_kind, info.recorded_on) == (
        "Ward B", "staff", date(2024, 3, 1),
    )  # fmt: skip
    _, cleared = metadata.set_transcript_metadata(project, info.id, MetadataUpdate(department=None))
    assert corpus.get_transcript(project, info.id).department is None and len(cleared) == 1
    assert codings(project) == before


def test_bad_title_and_language_are_refused(stored) -> None:
    project, _ = stored
    with pytest.raises(QualcodeError, match="title cannot be empty"):
        metadata.set_transcript_metadata(project, "fg1", MetadataUpdate(title=" "))
    with pytest.raises(QualcodeError, match="one of en, da, nb"):
        metadata.set_transcript_metadata(project, "fg1", MetadataUpdate(language="fr"))
    assert corpus.get_transcript(project, "fg1").language == "en"


def test_speaker_role_is_set_and_cleared(stored) -> None:
    project, _ = stored
    before = codings(project)
    change = metadata.set_speaker_role(project, "fg1", "Moderator", "moderator")
    assert (change.old, change.new) == (None, "moderator")
    assert [(s.label, s.role, s.n_turns) for s in metadata.speakers(project, "fg1")] == [
        ("Moderator", "moderator", 1),
        ("Anne", None, 1),
        ("Bo", None, 1),
    ]
    assert corpus.segments(project, "fg1")[0].role == "moderator"
    metadata.set_speaker_role(project, "fg1", "Moderator", "")
    assert corpus.segments(project, "fg1")[0].role is None
    with pytest.raises(NotFoundError, match="its speakers are Anne, Bo, Moderator"):
        metadata.set_speaker_role(project, "fg1", "Nobody", "x")
    assert codings(project) == before


def test_reimport_with_other_metadata_says_what_differs(stored) -> None:
    project, path = stored
    spec = ImportSpec(path=path, department="Ward B", language="da", roles={"Bo": "secretary"})
    again = importing.import_one(project, spec)
    assert again.status == "skipped"
    assert again.differences == [
        "department Ward A -> Ward B",
        "language en -> da",
        "role of Bo (empty) -> secretary",
    ]
    assert "--update-metadata" in again.message
    assert corpus.get_transcript(project, "fg1").department == "Ward A"
    updated = importing.import_one(project, spec, update_metadata=True)
    assert updated.status == "updated"
    info = corpus.get_transcript(project, "fg1")
    assert (info.department, info.language) == ("Ward B", "da")
    assert corpus.segments(project, "fg1")[2].role == "secretary"
    # The same metadata again: nothing differs, nothing to say.
    assert importing.import_one(project, spec).differences == []


def test_import_without_department_warns_and_names_the_command(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "fg2.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = importing.import_one(project, ImportSpec(path=path))
    assert result.warnings[-1:] == [
        f"fg2.txt has no department; set it with `qualcode transcript set "
        f"{result.transcript_id} --department NAME`."
    ]


def test_preview_counts_speakers_and_turns_without_writing(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "fg3.txt"
    path.write_text(TEXT + "Anne: Yes.\n", encoding="utf-8")
    (preview,) = importing.preview([ImportSpec(path=path, roles={"Bo": "secretary"})])
    assert preview.turns == 4
    assert [(s.label, s.role, s.turns) for s in preview.speakers] == [
        ("Moderator", None, 1),
        ("Anne", None, 2),
        ("Bo", "secretary", 1),
    ]
    assert corpus.list_transcripts(project) == []


def test_a_form_sends_only_what_changed_and_refuses_a_bad_date(stored) -> None:
    project, _ = stored
    info = corpus.get_transcript(project, "fg1")
    typed = {
        "title": info.title,
        "department": " Ward  B ",
        "group_kind": "",
        "recorded_on": "2025-03-11",
        "language": "EN",
    }
    update = metadata.form_update(info, typed)
    assert update.model_dump(exclude_unset=True) == {
        "department": "Ward B",
        "recorded_on": date(2025, 3, 11),
    }
    with pytest.raises(QualcodeError, match="'2025-13-11' is not a date: write it as YYYY-MM-DD"):
        metadata.form_update(info, {**typed, "recorded_on": "2025-13-11"})
    with pytest.raises(QualcodeError, match="one of en, da, nb"):
        metadata.form_update(info, {**typed, "language": ""})
    with pytest.raises(QualcodeError, match="title cannot be empty"):
        metadata.form_update(info, {**typed, "title": "  "})
    speakers = metadata.speakers(project, "fg1")
    assert metadata.role_changes(speakers, {"Moderator": " moderator", "Anne": " "}) == {
        "Moderator": "moderator"
    }


def test_fields_and_roles_change_together_or_not_at_all(stored) -> None:
    project, _ = stored
    update = MetadataUpdate(department="Ward B")
    with pytest.raises(NotFoundError, match="no speaker 'Nobody'"):
        metadata.edit_metadata(project, "fg1", update, {"Moderator": "moderator", "Nobody": "x"})
    assert corpus.get_transcript(project, "fg1").department == "Ward A"
    assert metadata.speakers(project, "fg1")[0].role is None
    info, changes = metadata.edit_metadata(project, "fg1", update, {"Moderator": "moderator"})
    assert [str(c) for c in changes] == [
        "department Ward A -> Ward B",
        "role of Moderator (empty) -> moderator",
    ]
    assert info.department == "Ward B" and metadata.speakers(project, "fg1")[0].role == "moderator"


def test_once_there_are_supervisors_only_they_change_metadata(stored) -> None:
    project, _ = stored
    roles.add_coder(project, "sara", roles.SUPERVISOR)
    # anna (who coded in the fixture) is a coder
    update = MetadataUpdate(department="Ward B")
    with pytest.raises(PermissionDenied, match="Only a supervisor may change transcript metadata"):
        metadata.edit_metadata(project, "fg1", update, {}, actor="anna")
    with pytest.raises(PermissionDenied, match="say who you are"):
        metadata.set_speaker_role(project, "fg1", "Moderator", "moderator")
    assert corpus.get_transcript(project, "fg1").department == "Ward A"
    metadata.set_transcript_metadata(project, "fg1", update, actor="sara")
    metadata.set_speaker_role(project, "fg1", "Moderator", "moderator", actor="sara")
    assert corpus.get_transcript(project, "fg1").department == "Ward B"


def test_import_names_a_moderator_label_without_a_role(project: Project, tmp_path: Path) -> None:
    """'Moderator:' and 'Interviewer:' speak in the file but have no role: their turns would
    count as participant turns, so the import says so and names the command; a label given
    its role (here by the spec) is not named."""
    path = tmp_path / "fg3.txt"
    path.write_text(
        "Moderator: Welcome.\n\nAnne: Hello.\n\nModerator: Breaks?\n\n"
        "Interviewer: And you?\n\nFacilitator: Go on.\n",
        encoding="utf-8",
    )
    spec = ImportSpec(path=path, department="Ward", roles={"Facilitator": "facilitator"})
    result = importing.import_one(project, spec)
    tid = result.transcript_id
    assert result.warnings == [
        "fg3.txt: the speaker 'Moderator' has no role, so their 2 turns count as participant "
        f"turns; if Moderator moderated, run `qualcode speaker set {tid} Moderator --role "
        "moderator`.",
        "fg3.txt: the speaker 'Interviewer' has no role, so their 1 turn counts as a "
        f"participant turn; if Interviewer moderated, run `qualcode speaker set {tid} "
        "Interviewer --role interviewer`.",
    ]
