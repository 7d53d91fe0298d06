"""The `qualcode` command line: thin commands over qualcode.services."""

from __future__ import annotations

import typer

from qualcode.cli import codebook, coding, corpus, demo

app = typer.Typer(
    name="qualcode",
    help="Qualitative coding of focus-group and interview transcripts, in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command("demo")(demo.run_demo)
app.command("init")(corpus.init)
app.command("import")(corpus.import_)
app.command("transcripts")(corpus.transcripts)
app.command("segments")(corpus.segments)
app.command("code")(coding.code)
app.command("uncode")(coding.uncode)
app.command("open-code")(coding.open_code)
app.add_typer(coding.memo_app, name="memo")
app.add_typer(codebook.codebook_app, name="codebook")


def main() -> None:
    app()
