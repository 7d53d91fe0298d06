"""Default sizes of listings, shared by the CLI's options and the services (no pydantic, so
that a command module can name them without importing the models)."""

from __future__ import annotations

DEFAULT_LIMIT = 50  # quotes or search hits shown when no --limit is given
