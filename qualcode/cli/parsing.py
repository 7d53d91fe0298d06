"""Reading the command line before click does: `--coders A B` as well as `--coders A,B`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click.core import Context  # the click that typer bundles

# Commands whose --coders takes the names that follow it (they have no positional arguments
# a name could be mistaken for, except agree's `matrix` subcommand).
SPACED_CODERS = {"agree": {"matrix"}, "disagreements": set()}


def spaced_coders(args: list[str]) -> list[str]:
    """`agree --coders anna ben` -> `agree --coders anna,ben` (other commands unchanged)."""
    if not args or args[0] not in SPACED_CODERS:
        return args
    stops = SPACED_CODERS[args[0]]
    out: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        out.append(token)
        index += 1
        if token != "--coders":
            continue
        names = []
        while index < len(args) and not args[index].startswith("-") and args[index] not in stops:
            names.append(args[index])
            index += 1
        if names:
            out.append(",".join(names))
    return out


class QualcodeGroup(TyperGroup):
    """The root command group: rewrites spaced --coders lists before click parses them."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spaced_coders(args))
