"""A command that makes a SQLite file and then fails with nothing stored leaves no file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from qualcode.cli import app

TRANSCRIPT = "Moderator: Welcome.\nAnne: We skip lunch every day.\n"


def test_a_refused_first_import_leaves_no_database_behind(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "new.db"
    bad = tmp_path / "bad.qdpx"
    bad.write_text("not a zip")
    refused = runner.invoke(app, ["import-qdpx", str(bad), "--db", str(target)])
    assert refused.exit_code == 1
    assert "bad.qdpx" in refused.stderr
    assert f"{target} was made for this command and removed" in refused.stderr
    assert not target.exists()
    missing = runner.invoke(app, ["import", str(tmp_path / "none.txt"), "--db", str(target)])
    assert missing.exit_code == 1
    assert not list(tmp_path.glob("new.db*"))


def test_a_database_that_stored_something_or_existed_before_is_kept(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.txt"
    good.write_text(TRANSCRIPT)
    target = tmp_path / "partial.db"
    partial = runner.invoke(
        app,
        ["import", str(good), str(tmp_path / "none.txt"), "--keep-going", "--db", str(target)],
    )
    assert partial.exit_code == 1  # one file failed
    assert target.exists()
    listed = runner.invoke(app, ["transcripts", "--db", str(target)])
    assert "good" in listed.stdout
    made = tmp_path / "made.db"
    assert runner.invoke(app, ["init", "--db", str(made)]).exit_code == 0
    failed = runner.invoke(app, ["import", str(tmp_path / "none.txt"), "--db", str(made)])
    assert failed.exit_code == 1
    assert made.exists()  # it was there before the command
