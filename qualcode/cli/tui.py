"""`qualcode tui`: open the coding workbench on a database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from qualcode.cli.common import CoderOption, DbOption, friendly, project
from qualcode.config import coder_name
from qualcode.errors import InputError


def read_keymap(path: Path) -> dict[str, str]:
    """A YAML mapping of binding ids to keys, e.g. `coding.undo: ctrl+z`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InputError(str(path), f"cannot be read as YAML ({error}).") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InputError(str(path), "must map binding ids to keys, like `coding.undo: ctrl+z`.")
    return {str(key): value for key, value in data.items()}


@friendly
def tui(
    db: DbOption = None,
    coder: CoderOption = None,
    transcript: Annotated[
        int | None, typer.Option("--transcript", help="Open this transcript id at once.")
    ] = None,
    keymap: Annotated[
        Path | None,
        typer.Option("--keymap", help="YAML file mapping binding ids to keys, to remap keys."),
    ] = None,
) -> None:
    """Open the coding workbench: read, segment and code transcripts from the keyboard."""
    from qualcode.tui.app import QualcodeApp
    from qualcode.tui.collector import set_for_workbench

    keys = read_keymap(keymap) if keymap else None
    app = QualcodeApp(project(db), coder_name(coder), transcript=transcript, keymap=keys)
    set_for_workbench()
    app.run()
