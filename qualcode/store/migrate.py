"""Run the Alembic migrations programmatically: the schema exists only through them.

Every command opens the database and checks it is at the newest revision. That check reads
`alembic_version` directly and compares it with `HEAD`; Alembic itself (a third of a second
to import) is loaded only when there is something to migrate. A test keeps `HEAD` equal to
the newest revision in `alembic/versions`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, literal, select, table, text

from qualcode.errors import QualcodeError
from qualcode.resources import bundled

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0015"


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate filter: the search indexes, the coded-turn summary and the kept document
    frequencies are caches."""
    return not (
        type_ == "table"
        and name is not None
        and (
            name.startswith(("segment_fts", "coding_summary"))
            or name in ("segment_search", "turn_summary", "transcript_term_df")
        )
    )


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    return config


def head_revision() -> str:
    """The newest revision according to Alembic's own reading of the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (a no-op when it is already there)."""
    current = current_revision(engine)
    if revision == "head" and current == HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    config = alembic_config()
    if current is not None:
        try:
            ScriptDirectory.from_config(config).get_revision(current)
        except CommandError:
            raise QualcodeError(
                f"This database was made by a newer qualcode (schema revision {current}; "
                f"this qualcode knows revisions up to {HEAD}). Upgrade qualcode to open it "
                "(pip install -U qualcode); nothing was changed."
            ) from None
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        _team_again(connection)


def _team_again(connection: Connection) -> None:
    """Set team mode up again after migrating (a migration may add a table or replace a
    trigger function, which makes it `SECURITY INVOKER` again); see qualcode.store.team."""
    if connection.dialect.name != "postgresql":
        return
    from sqlalchemy.orm import Session

    from qualcode.store import team

    with Session(bind=connection) as session:
        found = team.settings(session)
        if found is not None and team.owns_tables(session):
            team.set_up(session, found["coder_role"], found["supervisor_role"])
            session.flush()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def migrations_folder() -> Path:
    return bundled("alembic")


# Tables a new database fills itself: the schema's revision and the search index's settings.
SCHEMA_ROWS = frozenset({"alembic_version"})


def holds_only_its_schema(connection: Connection) -> bool:
    """True when no table holds a row the user put there (a database just made and migrated)."""
    names = [
        name
        for name in inspect(connection).get_table_names()
        if name not in SCHEMA_ROWS and not name.startswith("segment_fts")
    ]
    return not any(
        connection.execute(select(literal(1)).select_from(table(name)).limit(1)).first()
        for name in names
    )
