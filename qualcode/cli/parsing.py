"""Reading the command line before click does: `--coders A B` as well as `--coders A,B`; and
taking string arguments as they come, without building typer's pydantic coercion for them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, get_args, get_origin

from typer._coercion import RuntimeParam, build_runtime_param
from typer.core import TyperCommand, TyperGroup, TyperOption, _TyperParameter

if TYPE_CHECKING:
    from typer._click.core import Command, Context  # the click that typer bundles

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


@dataclass(frozen=True)
class StringsAsGiven(RuntimeParam):
    """typer's coercion of one parameter, with text taken as it is.

    typer converts every value with a pydantic TypeAdapter built on first use (importing
    pydantic costs the short commands about a fifth of their start). For a `str` or
    `list[str]` parameter without a parser, that adapter returns the strings unchanged; so
    such a value is returned as it is. A choice (an `Enum` parameter) given as one of its
    members, or as a member's value, comes back as that member, as the adapter returns it (the
    default `--scope` of the counting commands, for one). Anything else (numbers, paths, other
    choices, a string parameter's default of another type) goes to the adapter typer would
    have used.
    """

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        annotation: Any = self.annotation
        if self.parameter_info.parser is None:
            if annotation is str and type(value) is str:
                return value
            if (
                get_origin(annotation) is list
                and get_args(annotation) == (str,)
                and isinstance(value, (list, tuple))
                and all(type(item) is str for item in value)
            ):
                return list(value)
            if isinstance(annotation, type) and issubclass(annotation, Enum):
                if isinstance(value, annotation):
                    return value
                if type(value) is str and value in annotation._value2member_map_:
                    return annotation(value)
        typer_own = build_runtime_param(param.type_descriptor)
        param._runtime_param = typer_own
        return typer_own._coerce_value(value, param=param, ctx=ctx)


def take_as_given(param: object) -> None:
    """Give a typer parameter `StringsAsGiven` (unless its coercion is already made)."""
    if isinstance(param, _TyperParameter) and param._runtime_param is None:
        descriptor = param.type_descriptor
        param._runtime_param = StringsAsGiven(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )


def take_strings_as_given(command: Command) -> None:
    """`StringsAsGiven` for every parameter of `command` and of its subcommands."""
    for param in command.params:
        take_as_given(param)
    for sub in getattr(command, "commands", {}).values():
        take_strings_as_given(sub)


class QualcodeCommand(TyperCommand):
    """A command whose --help flag (made on first use) takes its value as given too, and
    that refuses an option of one value given twice (click keeps the last without a word:
    `freq --coder anna --coder ben` counted ben alone)."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        take_as_given(option)
        return option

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        repeated_single_option(self, args)
        return super().parse_args(ctx, args)


def repeated_single_option(command: Command, args: list[str]) -> None:
    """Raise a usage error naming an option that takes one value and is given twice."""
    from typer._click.exceptions import BadOptionUsage

    for param in command.params:
        if not isinstance(param, TyperOption) or param.multiple or param.is_flag or param.count:
            continue
        names = [*param.opts, *param.secondary_opts]
        values = []
        for index, token in enumerate(args):
            if token == "--":
                break
            if token in names:
                values.append(args[index + 1] if index + 1 < len(args) else "")
            elif any(token.startswith(f"{name}=") for name in names if name.startswith("--")):
                values.append(token.split("=", 1)[1])
        if len(values) > 1:
            name = max(names, key=len)
            raise BadOptionUsage(
                name,
                f"{name} takes one value but was given {len(values)} "
                f"({', '.join(repr(value) for value in values)}); give it once.",
            )


class QualcodeGroup(TyperGroup):
    """The root command group: rewrites spaced --coders lists before click parses them, and
    takes string arguments as given (`StringsAsGiven`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        take_strings_as_given(self)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        take_as_given(option)
        return option

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        args = spaced_coders(args)
        leaf = _named_command(self, args)
        if leaf is not None and not isinstance(leaf, QualcodeCommand):
            repeated_single_option(leaf, args)  # a group's command (`transcript set`, ...)
        return super().parse_args(ctx, args)


def _named_command(group: Command, args: list[str]) -> Command | None:
    """The command the arguments name through the groups (`transcript set` -> set)."""
    found: Command | None = None
    current = group
    for token in args:
        commands = getattr(current, "commands", None)
        if not commands or token not in commands:
            continue
        found = current = commands[token]
    return found
