"""Who codes in each project, and where they were, remembered per user between runs.

The names live in `$XDG_CONFIG_HOME/qualcode/coders.json` (default `~/.config`), keyed by
the project's database URL without its password: on a shared PostgreSQL server every user
keeps their own name, and one user may code under different names in different projects.
`places.json` beside it keeps, per project and coder, the transcript and turn (segment id)
the coder's cursor was last on, so the workbench reopens there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FILE_NAME = "coders.json"
PLACES = "places.json"


def memory_path(name: str = FILE_NAME) -> Path:
    # The XDG base directory rule is one variable with a default; not worth a dependency.
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "qualcode" / name


def remembered_coder(project: str) -> str | None:
    """The coder last named for this project, or None (also when the file is unreadable)."""
    name = _read(FILE_NAME).get(project)
    return name if isinstance(name, str) and name else None


def remember_coder(project: str, coder: str) -> bool:
    """Keep `coder` as this project's coder; False when the file cannot be written."""
    return _write(FILE_NAME, {**_read(FILE_NAME), project: coder})


def remembered_place(project: str, coder: str) -> tuple[int, int | None] | None:
    """(transcript id, segment id or None) where `coder` last was in this project."""
    place = _read(PLACES).get(project, {})
    found = place.get(coder) if isinstance(place, dict) else None
    if not isinstance(found, list) or len(found) != 2 or not isinstance(found[0], int):
        return None
    return found[0], found[1] if isinstance(found[1], int) else None


def remember_place(project: str, coder: str, transcript_id: int, segment_id: int | None) -> bool:
    """Keep where `coder` is; False when the file cannot be written."""
    places = _read(PLACES)
    mine = places.get(project)
    mine = {**(mine if isinstance(mine, dict) else {}), coder: [transcript_id, segment_id]}
    return _write(PLACES, {**places, project: mine})


def _write(name: str, data: dict[str, Any]) -> bool:
    path = memory_path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")
        temporary.replace(path)  # whole file or nothing, also if two workbenches write
    except OSError:
        return False
    return True


def _read(name: str) -> dict[str, Any]:
    try:
        data = json.loads(memory_path(name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(key): value for key, value in data.items()} if isinstance(data, dict) else {}
