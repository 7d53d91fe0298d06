"""Imports of other tools' files and coding as an unknown coder follow the role rules of
services/roles.py once a project has a supervisor (issue 16)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.errors import PermissionDenied
from qualcode.services import codebooks, coding, corpus, done, exchange, memos, roles
from qualcode.services.project import Project
from qualcode.store.models import Code, Coding, Memo

CODE = "temporality.breaks"
NEW_CODE_QDC = (
    '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    '<Code guid="{11111111-1111-2222-3333-444444444444}" name="Night shifts"/>'
    "</Codes></CodeBook>"
)


@pytest.fixture
def supervised(team_project: Project) -> Project:
    """Sam supervises, Kim codes; Sam has coded turn 2."""
    roles.add_coder(team_project, "sam", roles.SUPERVISOR)
    roles.add_coder(team_project, "kim", actor="sam")
    coding.apply_code(team_project, 2, CODE, "sam")
    return team_project


def counts(project: Project) -> tuple[int, int, int, int, int]:
    def work(session) -> tuple[int, int, int, int, int]:
        rows = [session.scalar(select(func.count()).select_from(t)) for t in (Code, Coding, Memo)]
        return (*rows, len(roles.list_coders(project)), len(corpus.list_transcripts(project)))

    return project.read(work)


def test_only_a_supervisor_imports_a_codebook(supervised: Project, tmp_path: Path) -> None:
    path = tmp_path / "extra.qdc"
    path.write_text(NEW_CODE_QDC, encoding="utf-8")
    before = counts(supervised)
    with pytest.raises(PermissionDenied, match="Only a supervisor may import codes.*kim"):
        exchange.import_qdc(supervised, path, actor="kim")
    with pytest.raises(PermissionDenied, match="say who you are"):
        exchange.import_qdc(supervised, path)
    assert counts(supervised) == before
    assert exchange.import_qdc(supervised, path, actor="sam").codes_added == ["night_shifts"]


def test_a_coder_cannot_import_into_a_supervisors_layer(
    supervised: Project, tmp_path: Path
) -> None:
    exported = tmp_path / "study.qdpx"
    exchange.export_project_qdpx(supervised, exported, actor="sam")  # holds sam's coding
    before = counts(supervised)
    with pytest.raises(PermissionDenied, match="kim may not change the codings of sam"):
        exchange.import_qdpx(supervised, exported, "kim")
    assert counts(supervised) == before
    exchange.import_qdpx(supervised, exported, "sam")  # the supervisor may


def test_a_file_naming_new_users_needs_a_supervisor(supervised: Project, tmp_path: Path) -> None:
    exported = tmp_path / "study.qdpx"
    exchange.export_project_qdpx(supervised, exported, actor="sam")
    with zipfile.ZipFile(exported) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["project.qde"] = entries["project.qde"].replace(b'name="sam"', b'name="ghost"')
    ghost = tmp_path / "ghost.qdpx"
    with zipfile.ZipFile(ghost, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    before = counts(supervised)
    with pytest.raises(PermissionDenied, match="Only a supervisor may add the coders 'ghost'"):
        exchange.import_qdpx(supervised, ghost, "kim")
    assert counts(supervised) == before
    assert "ghost" not in {c.name for c in roles.list_coders(supervised)}


def test_coding_as_an_unknown_coder_does_not_create_one(supervised: Project) -> None:
    with pytest.raises(PermissionDenied, match="No coder 'ghost' in this project"):
        coding.apply_code(supervised, 3, CODE, "ghost")
    with pytest.raises(PermissionDenied, match="No coder 'ghost'"):
        memos.add_memo(supervised, "A note.", "ghost", segment_id=3)
    with pytest.raises(PermissionDenied, match="No coder 'ghost'"):
        codebooks.create_open_code(supervised, "Night work", "ghost")
    with pytest.raises(PermissionDenied, match="No coder 'ghost'"):
        done.mark_done(supervised, 1, "ghost")
    assert "ghost" not in {c.name for c in roles.list_coders(supervised)}
    coding.apply_code(supervised, 3, CODE, "kim")  # a known coder codes as before
    done.mark_done(supervised, 1, "kim")


def test_without_a_supervisor_a_new_coder_is_still_made(team_project: Project) -> None:
    coding.apply_code(team_project, 3, CODE, "newcomer")
    assert [c.name for c in roles.list_coders(team_project)] == ["newcomer"]


def test_the_cli_refuses_with_one_sentence(
    supervised: Project, tmp_path: Path, database_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("QUALCODE_DB", database_url)
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    path = tmp_path / "extra.qdc"
    path.write_text(NEW_CODE_QDC, encoding="utf-8")
    runner = CliRunner()
    before = counts(supervised)
    ghost = runner.invoke(app, ["code", "3", CODE, "--coder", "ghost"])
    assert ghost.exit_code == 1
    assert "No coder 'ghost' in this project" in ghost.output
    qdc = runner.invoke(app, ["import-qdc", str(path), "--coder", "kim"])
    assert qdc.exit_code == 1
    assert "Only a supervisor may import codes into the codebook; kim is a coder" in qdc.output
    assert "Traceback" not in ghost.output + qdc.output
    assert counts(supervised) == before
    assert runner.invoke(app, ["import-qdc", str(path), "--coder", "sam"]).exit_code == 0


def test_only_a_supervisor_replaces_metadata_on_a_re_import(
    supervised: Project, write_file
) -> None:
    """`import --update-metadata` changes stored metadata, like `transcript set`."""
    from qualcode.domain.imports import ImportSpec
    from qualcode.services import importing
    from tests.teams.conftest import TRANSCRIPT

    path = write_file("fg.txt", TRANSCRIPT)
    spec = ImportSpec(path=path, department="Oncology", group_kind="staff")
    refused = importing.import_files(supervised, [spec], update_metadata=True, actor="kim")
    assert refused.results[0].status == "failed"
    assert "Only a supervisor may change transcript metadata" in str(refused.results[0].message)
    assert [t.department for t in corpus.list_transcripts(supervised)] == ["Ward"]
    done_ = importing.import_files(supervised, [spec], update_metadata=True, actor="sam")
    assert done_.results[0].status == "updated"
    assert [t.department for t in corpus.list_transcripts(supervised)] == ["Oncology"]
