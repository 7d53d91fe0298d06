"""Regenerate docs/cli.md from the commands' own --help (run it after changing a command).

.venv/bin/python docs/gen_cli.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEADER = """# Command reference

Every command takes `--db URL|PATH` (default `$QUALCODE_DB`, else `./qualcode.db`); only
`init`, `import`, `demo` and `restore` create a database that does not exist yet.
Commands that act for a coder take `--coder NAME` (default `$QUALCODE_CODER`). A turn is
named `T8:4` (transcript 8, turn 4; turns are numbered from 1) or by its segment id.
`qualcode --version` prints the version. This page is the commands' own `--help` output.
"""


def help_text(*words: str) -> str:
    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("qualcode")), *words, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return "\n".join(line.rstrip() for line in done.stdout.rstrip().splitlines())


def main() -> None:
    from qualcode.cli import COMMANDS, app

    groups = {group.name: group.typer_instance for group in app.registered_groups}
    parts = [HEADER]
    for name in COMMANDS:
        parts.append(f"## {name}\n\n```\n{help_text(name)}\n```\n")
        for command in groups[name].registered_commands if name in groups else []:
            assert command.callback is not None
            sub = command.name or command.callback.__name__.replace("_", "-")
            parts.append(f"### {name} {sub}\n\n```\n{help_text(name, sub)}\n```\n")
    target = Path(__file__).with_name("cli.md")
    target.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
