from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from qualcode.cli import app
from qualcode.services.project import Project


def test_cli_export_and_import(coded: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    qdpx, qdc = tmp_path / "s.qdpx", tmp_path / "c.qdc"
    other = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["export", "project", str(qdpx), "--db", coded.url])
    assert result.exit_code == 0, result.output
    assert "3 codings by 2 users" in result.output
    result = runner.invoke(
        app, ["export", "codebook", "--format", "qdc", str(qdc), "--db", coded.url]
    )
    assert result.exit_code == 0 and qdc.exists()
    result = runner.invoke(app, ["import-qdpx", str(qdpx), "--db", other])
    assert result.exit_code == 0, result.output
    assert "transcripts: 1 added" in result.output
    result = runner.invoke(app, ["import-qdc", str(tmp_path / "missing.qdc"), "--db", other])
    assert result.exit_code == 1 and "Error" in result.output
