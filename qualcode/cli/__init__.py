"""The `qualcode` command line: thin commands over qualcode.services."""

from __future__ import annotations

import typer

from qualcode.cli import agreement as supervision
from qualcode.cli import analysis as analysing
from qualcode.cli import codebook, coding, corpus, demo, teams
from qualcode.cli import exchange as refi_exchange
from qualcode.cli import suggest as suggesting
from qualcode.cli import tui as workbench

app = typer.Typer(
    name="qualcode",
    help="Qualitative coding of focus-group and interview transcripts, in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command("demo")(demo.run_demo)
app.command("tui")(workbench.tui)
app.command("init")(corpus.init)
app.command("import")(corpus.import_)
app.command("transcripts")(corpus.transcripts)
app.command("segments")(corpus.segments)
app.command("code")(coding.code)
app.command("uncode")(coding.uncode)
app.command("open-code")(coding.open_code)
app.add_typer(coding.memo_app, name="memo")
app.add_typer(codebook.codebook_app, name="codebook")
app.command("freq")(analysing.freq)
app.command("compare")(analysing.compare)
app.command("cooccur")(analysing.cooccur)
app.command("quotes")(analysing.quotes)
app.command("search")(analysing.search)
app.add_typer(suggesting.suggest_app, name="suggest")
app.command("backup")(teams.backup)
app.command("restore")(teams.restore)
app.command("transfer")(teams.transfer)
app.command("delete-transcript")(teams.delete_transcript)
app.add_typer(teams.coder_app, name="coder")
app.add_typer(refi_exchange.export_app, name="export")
app.command("import-qdc")(refi_exchange.import_qdc)
app.command("import-qdpx")(refi_exchange.import_qdpx)
app.add_typer(supervision.agree_app, name="agree")
app.command("disagreements")(supervision.disagreements)
app.command("adjudicate")(supervision.adjudicate)
app.command("blind")(supervision.blind_command)
app.command("audit")(supervision.audit_command)


def main() -> None:
    app()
