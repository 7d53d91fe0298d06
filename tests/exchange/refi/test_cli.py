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


def test_cli_partial_import_exits_nonzero_unless_allowed(tmp_path: Path) -> None:
    from .test_peers import emoji_file, peer_file

    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'partial.db'}"
    path = peer_file(tmp_path)  # two of its three texts are missing
    result = runner.invoke(app, ["import-qdpx", str(path), "--db", db])
    assert result.exit_code == 1
    assert "Interview B" in result.output and "--allow-partial" in result.output
    result = runner.invoke(app, ["import-qdpx", str(path), "--allow-partial", "--db", db])
    assert result.exit_code == 0, result.output
    assert "Not imported: source 'Interview B'" in result.output
    assert "kept: 2 variables, 1 case, 2 sets" in result.output
    emoji = emoji_file(tmp_path, "SomeTool", 26, 53)
    fresh = f"sqlite:///{tmp_path / 'emoji.db'}"
    result = runner.invoke(app, ["import-qdpx", str(emoji), "--positions", "utf16", "--db", fresh])
    assert result.exit_code == 0, result.output
    assert "positions read as UTF-16 code units (as asked)" in result.output


def test_transcripts_show_the_variables_a_peer_file_gave(tmp_path: Path) -> None:
    from .test_peers import peer_file

    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'variables.db'}"
    path = peer_file(tmp_path)
    assert (
        runner.invoke(app, ["import-qdpx", str(path), "--allow-partial", "--db", db]).exit_code == 0
    )
    listed = runner.invoke(app, ["transcripts", "--db", db], env={"COLUMNS": "100"})
    assert listed.exit_code == 0, listed.output
    assert "  1 Interview A: Age = 41; Site = North" in listed.output


def test_cli_export_into_a_missing_folder_is_one_sentence(coded: Project, tmp_path: Path) -> None:
    """`export project` and `export codebook` into a folder that does not exist printed a
    FileNotFoundError traceback; they say what to check, as the table exports do."""
    runner = CliRunner()
    db = str(coded.url)
    for args in (
        ["export", "project", str(tmp_path / "no" / "x.qdpx")],
        ["export", "codebook", "--format", "qdc", str(tmp_path / "no" / "x.qdc")],
    ):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert f"Could not write {tmp_path / 'no'}" in result.output
        assert "check that the folder exists and is writable" in result.output
