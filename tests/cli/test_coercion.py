"""Text arguments taken as given (`qualcode.cli.parsing.StringsAsGiven`) come out as typer's
own pydantic coercion gives them, and other values still go through typer's coercion; one
line printed without rich (`qualcode.cli.common.say`) is what rich prints."""

from __future__ import annotations

import io

import pytest
import typer.main
from rich.console import Console
from rich.text import Text
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from qualcode.cli import app, common
from qualcode.cli.parsing import StringsAsGiven
from qualcode.domain.scope import Coverage


def params(*path: str) -> dict[str, _TyperParameter]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return {
        param.name or "": param for param in command.params if isinstance(param, _TyperParameter)
    }


def both(param: _TyperParameter, value: object) -> tuple[object, object]:
    """The value as given by StringsAsGiven and by typer's own coercion."""
    context = Context(typer.main.get_command(app))
    given = StringsAsGiven(
        parameter_info=param.type_descriptor.parameter_info,
        annotation=param.type_descriptor.annotation,
    )
    own = build_runtime_param(param.type_descriptor)
    return (
        given.coerce(value, param=param, ctx=context),
        own.coerce(value, param=param, ctx=context),
    )


def test_every_parameter_of_the_app_is_taken_as_given_until_typer_is_needed() -> None:
    code = params("code")
    assert all(isinstance(param._runtime_param, StringsAsGiven) for param in code.values())


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        (("code",), "segment", "T1:3"),
        (("code",), "key", "temporality.breaks"),
        (("code",), "span", "0:4"),
        (("code",), "coder", "ånna [b]"),
        (("code",), "db", None),
        (("freq",), "by", ("department", "coder")),
        (("freq",), "by", None),
        (("memo", "add"), "transcript", "5"),
        (("freq",), "depth", "2"),
        (("freq",), "scope", "all"),
        (("freq",), "scope", "coded"),
        (("freq",), "scope", Coverage.CODED),
        (("freq",), "scope", Coverage.ALL),
    ],
)
def test_taken_as_given_equals_typer_own_coercion(
    path: tuple[str, ...], name: str, value: object
) -> None:
    given, own = both(params(*path)[name], value)
    assert given == own
    assert type(given) is type(own)


@pytest.mark.parametrize(
    ("path", "name", "value"), [(("memo", "add"), "transcript", "five"), (("freq",), "scope", "x")]
)
def test_a_bad_value_is_refused_in_typer_own_words(
    path: tuple[str, ...], name: str, value: str
) -> None:
    param = params(*path)[name]
    context = Context(typer.main.get_command(app))
    given = StringsAsGiven(
        parameter_info=param.type_descriptor.parameter_info,
        annotation=param.type_descriptor.annotation,
    )
    with pytest.raises(BadParameter) as ours:
        given.coerce(value, param=param, ctx=context)
    with pytest.raises(BadParameter) as theirs:
        build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=context)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "message",
    [
        'Coded T1:2 (segment 2) 8:13 "lunch" as temporality.breaks (anna).',
        "bell\x07 back\x08 vt\x0b ff\x0c cr\r\nnext line  ",
        "markup [bold]x[/bold] :smile: 日本語",
        "a\ttab after 日本",
        "",
    ],
)
def test_say_prints_what_rich_prints(
    message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rich_out = io.StringIO()
    Console(file=rich_out, soft_wrap=True, markup=False).print(Text(message))
    monkeypatch.setattr(
        common, "console", Console(file=io.StringIO(), soft_wrap=True, markup=False), raising=False
    )
    if "\t" in message:  # laid out by rich itself
        common.say(message)
        assert common.console.file.getvalue() == rich_out.getvalue()  # type: ignore[attr-defined]
        return
    common.say(message)
    assert capsys.readouterr().out == rich_out.getvalue()
