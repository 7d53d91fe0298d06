"""Regenerate docs/cli.md from the commands' own --help (run it after changing a command).

.venv/bin/python docs/gen_cli.py
"""

from __future__ import annotations

import re
from pathlib import Path

HEADER = """# Command reference

Every command takes `--db URL|PATH` (default `$QUALCODE_DB`, else `./qualcode.db`); only
`init`, `import`, `import-qdpx`, `demo` and `restore` create a database that does not exist
yet.
Commands that act for a coder take `--coder NAME` (default `$QUALCODE_CODER`; on a team
server set up with `qualcode team setup`, the coder of your database login). A turn is
named `T8:4` (transcript 8, turn 4; turns are numbered from 1) or by its segment id.
`qualcode --version` prints the version. This page is the commands' own `--help` output.
"""


def help_text(*words: str) -> str:
    from typer.testing import CliRunner

    from qualcode.cli import app

    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    done = CliRunner().invoke(app, [*words, "--help"], env=env)
    assert done.exit_code == 0, done.output
    return "\n".join(line.rstrip() for line in done.output.rstrip().splitlines())


def prose(text: str) -> dict[str, str]:
    """The paragraphs written between each heading and its help block, to keep them."""
    kept: dict[str, str] = {}
    for section in re.split(r"^#{2,3} ", text, flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        words = body.split("```", 1)[0].strip()
        if words:
            kept[heading.strip()] = words + "\n\n"
    return kept


def main() -> None:
    from qualcode.cli import COMMANDS, app

    target = Path(__file__).with_name("cli.md")
    kept = prose(target.read_text(encoding="utf-8")) if target.exists() else {}
    groups = {group.name: group.typer_instance for group in app.registered_groups}
    parts = [HEADER]
    for name in COMMANDS:
        parts.append(f"## {name}\n\n{kept.get(name, '')}```\n{help_text(name)}\n```\n")
        for command in groups[name].registered_commands if name in groups else []:
            assert command.callback is not None
            sub = command.name or command.callback.__name__.replace("_", "-")
            heading = f"{name} {sub}"
            block = help_text(name, sub)
            parts.append(f"### {heading}\n\n{kept.get(heading, '')}```\n{block}\n```\n")
    target.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
