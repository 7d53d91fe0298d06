"""Who codes in each project, remembered per user between runs of the workbench.

The names live in `$XDG_CONFIG_HOME/qualcode/coders.json` (default `~/.config`), keyed by
the project's database URL without its password: on a shared PostgreSQL server every user
keeps their own name, and one user may code under different names in different projects.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE_NAME = "coders.json"


def memory_path() -> Path:
    # The XDG base directory rule is one variable with a default; not worth a dependency.
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "qualcode" / FILE_NAME


def remembered_coder(project: str) -> str | None:
    """The coder last named for this project, or None (also when the file is unreadable)."""
    return _read().get(project) or None


def remember_coder(project: str, coder: str) -> bool:
    """Keep `coder` as this project's coder; False when the file cannot be written."""
    names = {**_read(), project: coder}
    path = memory_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(names, indent=2, sort_keys=True) + "\n", "utf-8")
        temporary.replace(path)  # whole file or nothing, also if two workbenches write
    except OSError:
        return False
    return True


def _read() -> dict[str, str]:
    try:
        data = json.loads(memory_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, str)}
