"""The schema exists only through Alembic migrations."""

from __future__ import annotations

import importlib.util
import sqlite3
from types import ModuleType

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pytest_alembic import tests as alembic_tests
from pytest_alembic.config import Config
from sqlalchemy import create_engine, inspect

from qualcode.services.project import open_project
from qualcode.store.engine import make_engine
from qualcode.store.migrate import (
    HEAD,
    downgrade,
    head_revision,
    include_name,
    migrations_folder,
    upgrade,
)
from qualcode.store.models import Base

DESIGN_TABLES = {
    "transcript": {
        "id",
        "title",
        "source_name",
        "sha256",
        "text",
        "language",
        "department",
        "group_kind",
        "recorded_on",
        "attributes",
    },
    "speaker": {"id", "transcript_id", "label", "role"},
    "segment": {
        "id",
        "transcript_id",
        "speaker_id",
        "ordinal",
        "start_char",
        "end_char",
        "start_time",
        "end_time",
    },
    "codebook": {"id", "name", "version", "content_hash"},
    "code": {
        "id",
        "codebook_id",
        "key",
        "name",
        "parent_id",
        "definition",
        "include",
        "exclude",
        "examples",
        "terms",
        "color",
        "is_open",
        "created_by",
    },
    "coder": {"id", "name", "role"},
    "coding": {
        "id",
        "coder_id",
        "code_id",
        "segment_id",
        "start_char",
        "end_char",
        "origin",
        "created_at",
        "updated_at",
        "memo",
    },
    "suggestion": {"segment_id", "code_id", "score", "model_version", "status", "reason"},
    "memo": {"id", "text"},
    "card": {"id", "key", "statement", "concepts"},
    "section": {
        "id",
        "transcript_id",
        "card_id",
        "first_segment_id",
        "last_segment_id",
        "origin",
        "score",
    },
}


@pytest.fixture
def alembic_config() -> Config:
    return Config(config_options={"script_location": str(migrations_folder())})


@pytest.fixture
def alembic_engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


test_single_head_revision = alembic_tests.test_single_head_revision
test_upgrade = alembic_tests.test_upgrade
test_up_down_consistency = alembic_tests.test_up_down_consistency


def test_upgrade_from_empty_builds_the_design_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    assert set(Base.metadata.tables) <= tables
    for table, columns in DESIGN_TABLES.items():
        present = {column["name"] for column in inspector.get_columns(table)}
        assert columns <= present, f"{table} lacks {columns - present}"
    indexed = {
        (table, tuple(index["column_names"]))
        for table in ("coding", "segment", "transcript")
        for index in inspector.get_indexes(table)
    }
    for expected in [
        ("coding", ("code_id",)),
        ("coding", ("coder_id",)),
        ("coding", ("segment_id",)),
        ("segment", ("transcript_id", "ordinal")),
        ("transcript", ("department",)),
    ]:
        assert expected in indexed
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_models_match_the_migrated_schema(database_url: str) -> None:
    """Autogenerate finds nothing to do: every model change has its migration."""
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_the_pinned_head_is_the_newest_revision() -> None:
    assert head_revision() == HEAD


def test_upgrade_is_idempotent_and_reaches_head(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == head_revision()
    engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()
    plain = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with plain.connect() as connection:  # WAL is a property of the file, not the connection
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    plain.dispose()


def test_transcript_text_is_compressed_with_lz4_where_the_server_offers_it(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("a PostgreSQL column setting")
    method = (
        "SELECT attcompression FROM pg_attribute "
        "WHERE attrelid = 'transcript'::regclass AND attname = 'text'"
    )
    offered = (
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
        "AND 'lz4' = ANY(enumvals)"
    )
    upgrade(engine)
    with engine.connect() as connection:
        has_lz4 = connection.exec_driver_sql(offered).first() is not None
        assert connection.exec_driver_sql(method).scalar() == ("l" if has_lz4 else "")
    downgrade(engine, "0009")
    with engine.connect() as connection:
        assert connection.exec_driver_sql(method).scalar() == ""
    engine.dispose()


def _refresh_function_migration() -> ModuleType:
    path = next(migrations_folder().glob("versions/0015_*.py"))
    spec = importlib.util.spec_from_file_location("summary_refresh_function", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_refresh_function_of_0015_is_the_one_team_mode_installs() -> None:
    """Revision 0015 holds a copy of `qualcode_refresh_summary()`; a change to
    `team_summary_sql` needs a migration of its own for projects outside team mode."""
    from qualcode.domain.layer import MODEL_ROLE
    from qualcode.store import coding_summary, team_sql
    from qualcode.store.team_summary_sql import refresh_function

    live = refresh_function(
        schema="{schema}",
        lock=coding_summary.REFRESH_LOCK,
        cap=coding_summary.CELL_MARKS,
        model_role=team_sql.literal(MODEL_ROLE),
        consensus=coding_summary.ANY_CONSENSUS,
        any_coder=coding_summary.ANY_CODER,
    )
    assert _refresh_function_migration().FUNCTION.strip() == live.strip()


def test_every_postgresql_project_gets_the_refresh_function(database_url: str) -> None:
    """Revision 0015 installs it outside team mode; its downgrade drops it there."""
    engine = make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("a PostgreSQL function")
    found = "SELECT count(*) FROM pg_proc WHERE proname = 'qualcode_refresh_summary'"
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql(found).scalar() == 1
        assert connection.exec_driver_sql("SELECT qualcode_refresh_summary()").scalar() == 0
    downgrade(engine, "0014")
    with engine.connect() as connection:
        assert connection.exec_driver_sql(found).scalar() == 0
    upgrade(engine)
    engine.dispose()


def test_two_new_sqlite_projects_are_the_same_database(tmp_path) -> None:
    """The test fixtures copy one migrated SQLite file instead of migrating each test's own:
    that holds only while a new project carries nothing of its own (no id, no time)."""
    dumps = []
    for name in ("one.db", "two.db"):
        open_project(f"sqlite:///{tmp_path / name}").close()
        with sqlite3.connect(tmp_path / name) as connection:
            dumps.append(list(connection.iterdump()))
    assert any(line.startswith("CREATE TABLE") for line in dumps[0])
    assert dumps[0] == dumps[1]
