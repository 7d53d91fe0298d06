"""The scope on the command line: a manifest's moderator roles, --scope, --include-moderators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.services import scope
from qualcode.services.project import open_project

WARD = """Chair: How are the breaks?
Anne: We never get a proper break.
Bo: The phone rings.
"""
MANIFEST = """moderator_roles: [Chair]
transcripts:
  - {file: ward.txt, department: Ward, roles: {Chair: chair, Anne: nurse}}
"""


def test_manifest_roles_and_scope_options(run: Callable, tmp_path: Path, database_url: str) -> None:
    (tmp_path / "ward.txt").write_text(WARD, encoding="utf-8")
    (tmp_path / "study.yaml").write_text(MANIFEST, encoding="utf-8")
    imported = run("import", "--manifest", tmp_path / "study.yaml")
    assert imported.exit_code == 0, imported.output
    assert "Moderator roles of the study: chair." in imported.output
    project = open_project(database_url)
    assert scope.get_moderator_roles(project) == ("chair",)
    project.close()
    codebook = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"
    assert run("codebook", "load", codebook).exit_code == 0
    assert run("code", 2, "temporality.breaks", "--coder", "anna").exit_code == 0
    # Participant turns: Anne's and Bo's (the chair's is left out): 1 of 2 = 50 %.
    default = run("freq", "--codes", "temporality", "--measure", "percent", "-f", "csv")
    assert default.exit_code == 0, default.output
    assert "temporality,Temporality,50.0" in default.output
    on_screen = run("freq", "--codes", "temporality")
    assert "participant turns (not chair) of transcripts the layer has coded" in on_screen.output
    everyone = run(
        "freq", "--codes", "temporality", "--measure", "percent", "-f", "csv",
        "--include-moderators", "--scope", "all",
    )  # fmt: skip
    assert "temporality,Temporality,33.3" in everyone.output
    bad = run("freq", "--scope", "some")
    assert bad.exit_code != 0
