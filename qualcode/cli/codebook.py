"""Codebook commands: load a file as a new version, show the tree with counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text
from rich.tree import Tree

from qualcode.cli.common import CoderOption, DbOption, console, friendly, project
from qualcode.config import coder_name
from qualcode.errors import QualcodeError
from qualcode.services import codebooks

codebook_app = typer.Typer(help="Load and show codebooks.", no_args_is_help=True)


@codebook_app.command("load")
@friendly
def load(
    path: Annotated[
        Path | None, typer.Argument(help="A codebook YAML file.", show_default=False)
    ] = None,
    bundled: Annotated[
        str | None,
        typer.Option(
            "--bundled",
            help="A codebook shipped with qualcode instead of a file: three_concepts.",
            show_default=False,
        ),
    ] = None,
    retire: Annotated[
        bool, typer.Option("--retire", help="Retire removed codes that have codings.")
    ] = False,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Load a codebook file; a changed file becomes a new version (supervisors, once any)."""
    if (path is None) == (bundled is None):
        raise QualcodeError(
            "Name one codebook: a YAML file, or --bundled three_concepts for the shipped one."
        )
    source = path or codebooks.bundled_codebook(str(bundled))
    summary = codebooks.load_codebook_file(
        project(db), source, retire=retire, actor=coder_name(coder)
    )
    if summary.unchanged:
        console.print(f"Codebook {summary.name} version {summary.version} is unchanged.")
        return
    console.print(f"Codebook {summary.name} is now version {summary.version}.")
    for label, keys in (
        ("added", summary.added),
        ("updated", summary.updated),
        ("removed", summary.removed),
        ("retired", summary.retired),
    ):
        if keys:
            console.print(f"  {label} {len(keys)}: {', '.join(keys)}", highlight=False)


@codebook_app.command("show")
@friendly
def show(db: DbOption = None, coder: CoderOption = None) -> None:
    """Print the codebook tree with the number of codings per code."""
    info = codebooks.codebook_info(project(db), coder_name(coder))
    tree = Tree(Text.assemble((info.title or info.name, "bold"), f" (version {info.version})"))
    nodes: dict[str, Tree] = {}
    for code in info.codes:
        parent = nodes.get(code.parent_key or "", tree)
        flags = " (open)" if code.is_open else ""
        flags += " (retired)" if code.retired else ""
        label = Text.assemble(
            ("■", code.color),
            f" {code.key}  {code.name}  ",
            (str(code.n_codings), "cyan"),
            (flags, "dim"),
        )
        nodes[code.key] = parent.add(label)
    console.print(tree)
