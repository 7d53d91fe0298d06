"""Codebook versions: identity by key, refusing to drop used codes, open codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qualcode.errors import QualcodeError
from qualcode.resources import bundled
from qualcode.services import codebooks, coding
from qualcode.services.project import Project


def edited_copy(source: Path, target: Path, edit) -> Path:
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(document)
    target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def test_loading_stores_a_new_version_only_when_the_file_changed(
    coded_project: Project, tmp_path: Path
) -> None:
    info = codebooks.codebook_info(coded_project)
    assert info.version == 1
    assert info.get("temporality.breaks").parent_key == "temporality"
    assert len(info.favourites) == 9
    source = bundled("codebooks") / "three_concepts.yaml"
    again = codebooks.load_codebook_file(coded_project, source)
    assert again.unchanged and again.version == 1

    def redefine(document) -> None:
        for code in document["codes"]:
            if code["key"] == "temporality.breaks":
                code["definition"] = "Breaks, pauses and restitution during the working day."

    changed = codebooks.load_codebook_file(
        coded_project, edited_copy(source, tmp_path / "v2.yaml", redefine)
    )
    assert changed.version == 2 and changed.updated == ["temporality.breaks"]
    after = codebooks.codebook_info(coded_project)
    assert after.get("temporality.breaks").id == info.get("temporality.breaks").id
    assert after.get("temporality.breaks").definition.startswith("Breaks, pauses")


def test_removing_a_used_code_is_refused_unless_retired(
    coded_project: Project, turns, tmp_path: Path
) -> None:
    coding.apply_code(coded_project, turns[1].id, "temporality.breaks", "anna")
    source = bundled("codebooks") / "three_concepts.yaml"

    def drop(keys):
        def edit(document) -> None:
            document["codes"] = [c for c in document["codes"] if c["key"] not in keys]
            document["favourites"] = [k for k in document["favourites"] if k not in keys]

        return edit

    smaller = edited_copy(source, tmp_path / "v2.yaml", drop({"temporality.breaks"}))
    with pytest.raises(QualcodeError, match="temporality.breaks.*--retire"):
        codebooks.load_codebook_file(coded_project, smaller)
    assert codebooks.codebook_info(coded_project).version == 1
    summary = codebooks.load_codebook_file(coded_project, smaller, retire=True)
    assert summary.retired == ["temporality.breaks"]
    info = codebooks.codebook_info(coded_project)
    assert info.get("temporality.breaks").retired
    assert info.get("temporality.breaks").n_codings == 1
    with pytest.raises(QualcodeError, match="retired"):
        coding.apply_code(coded_project, turns[2].id, "temporality.breaks", "anna")
    unused = edited_copy(
        source, tmp_path / "v3.yaml", drop({"temporality.breaks", "jobcrafting.cognitive"})
    )
    summary = codebooks.load_codebook_file(coded_project, unused, retire=True)
    assert summary.removed == ["jobcrafting.cognitive"]
    assert codebooks.codebook_info(coded_project).get("jobcrafting.cognitive") is None


def test_open_codes_are_created_once_under_the_open_branch(coded_project: Project, turns) -> None:
    made = codebooks.create_open_code(coded_project, "IT system", "anna")
    assert (made.key, made.name, made.is_open, made.parent_key) == (
        "open.it_system",
        "IT system",
        True,
        "open",
    )
    again = codebooks.create_open_code(coded_project, "IT  System", "ben")
    assert again.id == made.id
    coding.apply_code(coded_project, turns[2].id, made.key, "anna")
    info = codebooks.codebook_info(coded_project, "anna")
    assert info.get("open.it_system").n_codings == 1
    assert codebooks.codebook_info(coded_project, "ben").get("open.it_system").n_codings == 0


def test_open_codes_survive_a_reload_of_the_codebook(coded_project: Project, turns) -> None:
    codebooks.create_open_code(coded_project, "Uncertainty", "anna")
    source = bundled("codebooks") / "three_concepts.yaml"
    codebooks.load_codebook_file(coded_project, source)
    assert codebooks.codebook_info(coded_project).get("open.uncertainty") is not None
