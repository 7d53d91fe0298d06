"""`--db` naming something that is not a qualcode database: one sentence on stderr, exit
status 1, no traceback, and the file or database left as it was (issue 16)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import create_engine, text


def refused(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_text_file_given_as_the_database(run, tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    before = hashlib.sha256(passwd.read_bytes()).hexdigest()
    for args in (("transcripts",), ("init",), ("code", "1", "temporality", "--coder", "a")):
        refused(run(*args, "--db", passwd), f"{passwd} is not a qualcode database")
    assert hashlib.sha256(passwd.read_bytes()).hexdigest() == before


def test_another_database_system(run) -> None:
    result = run("transcripts", "--db", "mysql://kim:secret@db.example.org/study")
    refused(result, "qualcode runs on SQLite files and PostgreSQL servers, not on mysql")
    assert "secret" not in result.output


def test_a_database_made_by_a_newer_qualcode(run, database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        for args in (
            ("transcripts",),
            ("init",),
            ("codebook", "load", "--bundled", "three_concepts"),
        ):
            refused(run(*args), "made by a newer qualcode (schema revision 9999")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "9999"
    finally:
        engine.dispose()
