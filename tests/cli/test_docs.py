"""Every command is documented in docs/cli.md (regenerate it when a command changes)."""

from __future__ import annotations

from pathlib import Path

import typer

from qualcode.cli import COMMANDS, app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def test_every_command_and_subcommand_has_a_section_in_the_reference() -> None:
    headings = {line.lstrip("#").strip() for line in DOC.splitlines() if line.startswith("#")}
    for name in COMMANDS:
        assert name in headings, f"docs/cli.md lacks a section for `qualcode {name}`"
    for group in app.registered_groups:
        sub_app: typer.Typer = group.typer_instance
        for command in sub_app.registered_commands:
            label = command.name or command.callback.__name__.replace("_", "-")
            assert f"{group.name} {label}" in headings, f"docs/cli.md lacks `{group.name} {label}`"
