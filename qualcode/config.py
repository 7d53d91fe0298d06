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


def coder_name(option: str | None = None) -> str | None:
    """Return the coder from `--coder` or `QUALCODE_CODER`, or None when neither is set."""
    return option or os.environ.get(CODER_ENV) or None
