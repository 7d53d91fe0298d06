"""Codebook edits: open codes change in the database, file codes through a new file version."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.codebook.files import load_codebook
from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services import codebook_edit, codebooks, coding, corpus, roles
from qualcode.services.project import Project

CODER = "anna"
SHIPPED = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"


@pytest.fixture
def own_codebook(coded_project: Project, tmp_path: Path) -> Path:
    """The three-concept codebook, retitled in a file of the test's own, loaded as version 2."""
    path = tmp_path / "book.yaml"
    path.write_text(
        SHIPPED.read_text("utf-8").replace("title: Jobcrafting", "title: Our jobcrafting"), "utf-8"
    )
    codebooks.load_codebook_file(coded_project, path)
    return path


def keys_on(project: Project, turn_index: int) -> list[str]:
    return corpus.segments(project, 1, coders=[CODER])[turn_index].code_keys


def test_open_code_rename_and_recolour_stay_in_the_database(
    coded_project: Project, own_codebook: Path
) -> None:
    codebooks.create_open_code(coded_project, "IT system", CODER)
    renamed = codebook_edit.rename_code(coded_project, "open.it_system", "The IT system")
    recoloured = codebook_edit.recolour_code(coded_project, "open.it_system", "#AA0000")
    assert (renamed.name, recoloured.color) == ("The IT system", "#aa0000")
    assert codebooks.codebook_info(coded_project).version == 2  # the file load, no more
    assert "open.it_system" not in load_codebook(own_codebook)


def test_file_code_rename_writes_a_new_version(
    coded_project: Project, own_codebook: Path, turns
) -> None:
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", CODER)
    codebook_edit.rename_code(coded_project, "temporality.breaks", "Pauses")
    info = codebooks.codebook_info(coded_project)
    assert info.get("temporality.breaks").name == "Pauses"
    assert load_codebook(own_codebook).get("temporality.breaks").name == "Pauses"
    assert info.version == 3
    assert keys_on(coded_project, 1) == ["temporality.breaks"]


def test_bad_colour_and_shipped_file_are_refused(coded_project: Project) -> None:
    with pytest.raises(QualcodeError, match="hex colour"):
        codebook_edit.recolour_code(coded_project, "temporality", "red")
    assert codebook_edit.codebook_file(coded_project) is None
    with pytest.raises(QualcodeError, match="shipped with qualcode"):
        codebook_edit.rename_code(coded_project, "temporality", "Time")
    assert codebooks.codebook_info(coded_project).get("temporality").name == "Temporality"


def test_merge_moves_codings_and_drops_duplicates(
    coded_project: Project, own_codebook: Path, turns
) -> None:
    for name in ("paper lists", "lists on paper"):
        codebooks.create_open_code(coded_project, name, CODER)
    coding.apply_code(coded_project, turns[1].id, "open.paper_lists", CODER)
    coding.apply_code(coded_project, turns[2].id, "open.paper_lists", CODER)
    coding.apply_code(coded_project, turns[2].id, "open.lists_on_paper", CODER)
    summary = codebook_edit.merge_open_code(
        coded_project, "open.paper_lists", "open.lists_on_paper"
    )
    assert (summary.moved, summary.duplicates) == (1, 1)
    assert codebooks.codebook_info(coded_project).get("open.paper_lists") is None
    assert keys_on(coded_project, 1) == keys_on(coded_project, 2) == ["open.lists_on_paper"]
    with pytest.raises(QualcodeError, match="not an open code"):
        codebook_edit.merge_open_code(coded_project, "temporality", "open.lists_on_paper")


def test_promote_writes_the_file_and_moves_codings(
    coded_project: Project, own_codebook: Path, turns
) -> None:
    codebooks.create_open_code(coded_project, "IT system", CODER)
    coding.apply_code(coded_project, turns[2].id, "open.it_system", CODER)
    summary = codebook_edit.promote_open_code(
        coded_project, "open.it_system", new_key="temporality.it_system"
    )
    assert summary.added == ["temporality.it_system"]
    book = load_codebook(own_codebook)
    assert book.get("temporality.it_system").name == "IT system"
    info = codebooks.codebook_info(coded_project)
    assert info.version == 3 and info.get("open.it_system") is None
    assert not info.get("temporality.it_system").is_open
    assert keys_on(coded_project, 2) == ["temporality.it_system"]
    assert codebook_edit.usage_by_coder(coded_project) == {"temporality.it_system": {CODER: 1}}


def test_promote_in_place_keeps_the_key(coded_project: Project, own_codebook: Path) -> None:
    codebooks.create_open_code(coded_project, "Uncertainty", CODER)
    codebook_edit.promote_open_code(coded_project, "open.uncertainty")
    code = codebooks.codebook_info(coded_project).get("open.uncertainty")
    assert code is not None and not code.is_open
    assert "open.uncertainty" in load_codebook(own_codebook)
    with pytest.raises(QualcodeError, match="only open codes"):
        codebook_edit.promote_open_code(coded_project, "open.uncertainty")


def test_shipped_codebook_is_promoted_into_a_copy(coded_project: Project, tmp_path: Path) -> None:
    codebooks.create_open_code(coded_project, "Uncertainty", CODER)
    copy = tmp_path / "ours.yaml"
    codebook_edit.promote_open_code(coded_project, "open.uncertainty", path=copy)
    assert "open.uncertainty" in load_codebook(copy)
    assert "open.uncertainty" not in load_codebook(SHIPPED)
    assert codebook_edit.codebook_file(coded_project) == copy


def test_a_changed_file_is_not_overwritten(coded_project: Project, own_codebook: Path) -> None:
    own_codebook.write_text(
        own_codebook.read_text("utf-8").replace("title: Our jobcrafting", "title: Changed"), "utf-8"
    )
    with pytest.raises(QualcodeError, match="changed since it was loaded"):
        codebook_edit.rename_code(coded_project, "temporality", "Time")
    assert "title: Changed" in own_codebook.read_text("utf-8")


def test_once_there_is_a_supervisor_only_a_supervisor_edits(
    coded_project: Project, own_codebook: Path
) -> None:
    codebooks.create_open_code(coded_project, "IT system", CODER)
    roles.add_coder(coded_project, "sam", roles.SUPERVISOR)
    roles.add_coder(coded_project, "bo", actor="sam")
    with pytest.raises(PermissionDenied):
        codebook_edit.rename_code(coded_project, "open.it_system", "IT", actor="bo")
    with pytest.raises(PermissionDenied):
        codebook_edit.promote_open_code(coded_project, "open.it_system", actor="bo")
    assert "open.it_system" not in load_codebook(own_codebook)
    codebook_edit.promote_open_code(coded_project, "open.it_system", actor="sam")
    assert "open.it_system" in load_codebook(own_codebook)
