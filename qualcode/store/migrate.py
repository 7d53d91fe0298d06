"""Run the Alembic migrations programmatically: the schema exists only through them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from qualcode.resources import bundled


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate filter: the SQLite FTS5 search index is a dialect cache, not a model."""
    return not (type_ == "table" and name is not None and name.startswith("segment_fts"))


@cache
def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(bundled("alembic")))
    return config


@cache
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (a no-op when it is already there)."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def migrations_folder() -> Path:
    return bundled("alembic")
