"""Opening something that is not a qualcode database says so in one sentence, and changes
nothing: a text file, another database system, a database made by a newer qualcode."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from qualcode.errors import QualcodeError
from qualcode.services.project import open_project
from qualcode.store.migrate import HEAD


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(QualcodeError, match=r"passwd is not a qualcode database"):
        open_project(str(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_another_database_system_is_named() -> None:
    with pytest.raises(QualcodeError) as caught:
        open_project("mysql://user:secret@localhost/study")
    message = str(caught.value)
    assert "not on mysql" in message and "secret" not in message


def test_a_database_from_a_newer_qualcode(database_url: str) -> None:
    open_project(database_url).close()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(QualcodeError, match=rf"revision 9999; this qualcode knows .* {HEAD}"):
        open_project(database_url)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        )
    engine.dispose()
