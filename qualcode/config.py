"""Settings: which database, which coder. Read from options first, then the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "qualcode.db"
DB_ENV = "QUALCODE_DB"
CODER_ENV = "QUALCODE_CODER"


def database_url(option: str | None = None) -> str:
    """Return a SQLAlchemy URL from `--db`, `QUALCODE_DB` or the default `./qualcode.db`.

    Either may be a SQLAlchemy URL (`postgresql+psycopg://...`) or a plain file path.
    """
    value = option or os.environ.get(DB_ENV) or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


_server_coder: str | None = None  # on a team server: the coder of the database login


def act_as(name: str | None) -> None:
    """Record the coder a team server says is logged in (None elsewhere): the default
    when neither `--coder` nor `QUALCODE_CODER` names one."""
    global _server_coder
    _server_coder = name


def coder_name(option: str | None = None) -> str | None:
    """Return the coder from `--coder`, `QUALCODE_CODER` or the team server's login, or None."""
    return option or os.environ.get(CODER_ENV) or _server_coder or None
