"""Roles: single-user mode until a supervisor exists, then supervisors guard the project."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services import codebooks, coding, corpus, roles
from qualcode.services.project import Project

from .conftest import CODEBOOK

CODE = "temporality.breaks"


@pytest.fixture
def supervised(team_project: Project) -> Project:
    """Sam supervises, Kim and Lee code."""
    roles.add_coder(team_project, "sam", roles.SUPERVISOR)
    roles.add_coder(team_project, "kim", actor="sam")
    roles.add_coder(team_project, "lee", actor="sam")
    return team_project


def test_without_a_supervisor_everyone_may_do_everything(team_project: Project) -> None:
    codebooks.load_codebook_file(team_project, CODEBOOK)  # no actor named at all
    coding.apply_code(team_project, 2, CODE, "kim")
    coding.apply_code(team_project, 2, CODE, "lee", actor="kim")
    coding.remove_code(team_project, 2, CODE, "lee", actor="kim")
    roles.add_coder(team_project, "max", actor=None)
    assert [c.name for c in roles.list_coders(team_project)] == ["kim", "lee", "max"]


def test_only_supervisors_load_codebooks(supervised: Project) -> None:
    with pytest.raises(PermissionDenied, match="Only a supervisor may load a codebook; kim"):
        codebooks.load_codebook_file(supervised, CODEBOOK, actor="kim")
    with pytest.raises(PermissionDenied, match="say who you are"):
        codebooks.load_codebook_file(supervised, CODEBOOK)
    with pytest.raises(PermissionDenied, match="No coder 'nobody'"):
        codebooks.load_codebook_file(supervised, CODEBOOK, actor="nobody")
    assert codebooks.load_codebook_file(supervised, CODEBOOK, actor="sam").unchanged


def test_a_coder_cannot_alter_another_coders_codings(supervised: Project) -> None:
    lee = coding.apply_code(supervised, 2, CODE, "lee")
    with pytest.raises(PermissionDenied, match="kim may not change the codings of lee"):
        coding.apply_code(supervised, 3, CODE, "lee", actor="kim")
    with pytest.raises(PermissionDenied):
        coding.remove_code(supervised, 2, CODE, "lee", actor="kim")
    with pytest.raises(PermissionDenied, match="belongs to another coder"):
        coding.delete_coding(supervised, lee.id, "kim")
    assert [c.coder for c in corpus.segments(supervised, 1)[1].codings] == ["lee"]
    assert corpus.segments(supervised, 1)[2].codings == []


def test_a_coder_changes_their_own_layer_and_a_supervisor_any(supervised: Project) -> None:
    coding.apply_code(supervised, 2, CODE, "kim", actor="kim")
    coding.apply_code(supervised, 3, CODE, "lee", actor="sam")
    coding.remove_code(supervised, 2, CODE, "kim", actor="sam")
    lee = corpus.segments(supervised, 1)[2].codings[0]
    assert coding.delete_coding(supervised, lee.id, "sam").coder == "lee"
    assert all(not turn.codings for turn in corpus.segments(supervised, 1))


def test_only_supervisors_manage_coders_and_the_last_cannot_step_down(
    supervised: Project,
) -> None:
    with pytest.raises(PermissionDenied, match="Only a supervisor may add coders"):
        roles.add_coder(supervised, "eve", actor="kim")
    with pytest.raises(PermissionDenied, match="Only a supervisor may change roles"):
        roles.set_role(supervised, "kim", roles.SUPERVISOR, actor="kim")
    with pytest.raises(QualcodeError, match="sam is the last supervisor"):
        roles.set_role(supervised, "sam", roles.CODER, actor="sam")
    with pytest.raises(QualcodeError, match="Unknown role 'boss'"):
        roles.add_coder(supervised, "eve", "boss", actor="sam")
    with pytest.raises(QualcodeError, match="already exists"):
        roles.add_coder(supervised, "kim", actor="sam")
    assert roles.set_role(supervised, "kim", roles.SUPERVISOR, actor="sam").role == "supervisor"
    assert roles.set_role(supervised, "sam", roles.CODER, actor="kim").role == "coder"
    by_name = {c.name: c.role for c in roles.list_coders(supervised)}
    assert by_name == {"kim": "supervisor", "lee": "coder", "sam": "coder"}


def test_cli_roles(team_project: Project, database_url: str, monkeypatch) -> None:
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setenv("QUALCODE_DB", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    listed = run("coder", "list")
    assert listed.exit_code == 0 and "single-user mode" in listed.output
    assert run("coder", "add", "sam", "--role", "supervisor").exit_code == 0
    refused = run("coder", "add", "kim")
    assert refused.exit_code == 1 and "--coder NAME" in refused.output
    assert "Added kim as coder" in run("coder", "add", "kim", "--coder", "sam").output
    load = run("codebook", "load", str(CODEBOOK), "--coder", "kim")
    assert load.exit_code == 1
    assert "Only a supervisor may load a codebook" in load.output
    assert "Traceback" not in load.output
    assert run("codebook", "load", str(CODEBOOK), "--coder", "sam").exit_code == 0
    assert run("coder", "role", "kim", "supervisor", "--coder", "kim").exit_code == 1
    promoted = run("coder", "role", "kim", "supervisor", "--coder", "sam")
    assert promoted.exit_code == 0 and "kim is now a supervisor" in promoted.output
    table = run("coder", "list").output
    assert "single-user" not in table and table.count("supervisor") == 2
    assert {c.name: c.role for c in roles.list_coders(team_project)} == {
        "kim": "supervisor",
        "sam": "supervisor",
    }


def test_only_supervisors_delete_transcripts(supervised: Project, database_url: str) -> None:
    coding.apply_code(supervised, 2, CODE, "kim")
    with pytest.raises(PermissionDenied, match="Only a supervisor may delete transcripts"):
        corpus.delete_transcript(supervised, 1, actor="kim")
    runner = CliRunner()
    refused = runner.invoke(
        app, ["delete-transcript", "fg", "--yes", "--db", database_url, "--coder", "lee"]
    )
    assert refused.exit_code == 1 and "Only a supervisor" in refused.output
    assert len(corpus.list_transcripts(supervised)) == 1
    done = runner.invoke(
        app, ["delete-transcript", "fg", "--yes", "--db", database_url, "--coder", "sam"]
    )
    assert done.exit_code == 0 and "Deleted transcript 1 (fg)" in done.output
    assert corpus.list_transcripts(supervised) == []
