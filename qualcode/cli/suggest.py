"""`qualcode suggest`: store suggestions, rank free text, train the model, evaluate it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click.core import Context  # the click that typer bundles

from qualcode.cli.common import (
    CoderOption,
    DbOption,
    console,
    err_console,
    friendly,
    labelled,
    project,
    require_coder,
)
from qualcode.config import DB_ENV
from qualcode.domain.layer import ALL
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import suggest_training, suggestions


class _DefaultRun(TyperGroup):
    """`qualcode suggest TRANSCRIPT` and `qualcode suggest --all` mean `suggest run ...`."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


suggest_app = typer.Typer(
    cls=_DefaultRun,
    help="Suggest codes: `qualcode suggest TRANSCRIPT|--all` stores suggestions for a coder.",
    no_args_is_help=True,
)

LayerOption = Annotated[
    str,
    typer.Option("--layer", help="Codings to learn from: a coder's name, 'all' or 'consensus'."),
]


@suggest_app.command("run")
@friendly
def run(
    transcript: Annotated[
        str | None,
        typer.Argument(help="Transcript id (8 or T8), title or file name.", show_default=False),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every transcript.")] = False,
    coder: CoderOption = None,
    top: Annotated[int, typer.Option(help="At most this many suggestions per turn.")] = 3,
    min_score: Annotated[float, typer.Option(help="Leave out scores below this.")] = 0.3,
    db: DbOption = None,
) -> None:
    """Store pending suggestions for a coder on one transcript (or --all)."""
    if (transcript is None) == (not all_):
        raise QualcodeError("Name one transcript, or give --all.")
    opened = project(db)
    who = require_coder(coder)
    with console.status("Ranking codes for every turn..."):
        report = suggestions.suggest_transcripts(
            opened, who, None if all_ else [transcript or ""], top=top, min_score=min_score
        )
    for warning in report.warnings:
        err_console.print(labelled("Warning:", "yellow", warning), highlight=False)
    console.print(
        f"{report.created} new and {report.updated} refreshed suggestions for {who} on "
        f"{report.segments} participant turns of {counted(report.transcripts, 'transcript')} "
        f"({report.model_version}); {report.moderator_turns} moderator turns get none."
    )
    for status in suggest_training.model_status(opened):
        if status.retrain_advised:
            console.print(status.message)


@suggest_app.command("write")
@friendly
def write(
    transcript: Annotated[
        str | None,
        typer.Argument(help="Transcript id (8 or T8), title or file name.", show_default=False),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every transcript.")] = False,
    top: Annotated[int, typer.Option(help="Code each turn with at most this many codes.")] = 1,
    min_score: Annotated[float, typer.Option(help="Leave out scores below this.")] = 0.5,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Code participant turns as the model: its top suggestions become the layer model:VERSION."""
    from qualcode.config import coder_name
    from qualcode.services import model_layer

    if (transcript is None) == (not all_):
        raise QualcodeError("Name one transcript, or give --all.")
    with console.status("Coding every participant turn as the model..."):
        report = model_layer.write_model_layer(
            project(db),
            None if all_ else [transcript or ""],
            top=top,
            min_score=min_score,
            actor=coder_name(coder),
        )
    for warning in report.warnings:
        err_console.print(labelled("Warning:", "yellow", warning), highlight=False)
    console.print(
        f"Wrote {counted(report.codings, 'coding')} (top {report.top}, "
        f"score >= {report.min_score}) on "
        f"{report.coded_segments} of {report.segments} participant turns of "
        f"{counted(report.transcripts, 'transcript')} to layer {report.layer} "
        f"(replacing {report.replaced}; {report.moderator_turns} moderator turns not coded).",
        highlight=False,
    )
    console.print(
        f"Compare: qualcode agree --coders CODER,{report.layer} --concepts", highlight=False
    )


@suggest_app.command("text")
@friendly
def text(
    codebook: Annotated[
        Path | None,
        typer.Option(help="Codebook file (default: the bundled three-concept codebook)."),
    ] = None,
    language: Annotated[str, typer.Option(help="Language of the texts.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    top: Annotated[int, typer.Option(help="Show this many codes per text.")] = 5,
    db: DbOption = None,
) -> None:
    """Rank codes for each line of standard input (with the project's model given --db)."""
    texts = [line.strip() for line in sys.stdin if line.strip()]
    use_db = db or os.environ.get(DB_ENV)
    opened = project(use_db) if use_db else None
    results, warnings = suggestions.suggest_texts(
        texts, language=language, codebook=codebook, project=opened
    )
    for warning in warnings:
        err_console.print(labelled("Warning:", "yellow", warning), highlight=False)
    for result in results:
        ranked = [item.model_dump() for item in result.suggestions[:top]]
        if as_json:
            line = {"text": result.text, "suggestions": ranked}
            typer.echo(json.dumps(line, ensure_ascii=False))
            continue
        console.print(Text(result.text, style="bold"), highlight=False)
        for item in result.suggestions[:top]:
            why = f"({', '.join(item.why)})"
            console.print(Text.assemble(f"  {item.score:.2f}  {item.code}  ", (why, "dim")))
        if not result.suggestions:
            console.print(Text("  (no suggestion)", style="dim"))


@suggest_app.command("train")
@friendly
def train(
    layer: LayerOption = ALL,
    epochs: Annotated[int, typer.Option(help="Training passes over the data.")] = 12,
    db: DbOption = None,
) -> None:
    """Train the project's model on a coding layer (rejected suggestions count against)."""
    with console.status("Training..."):
        reports = suggest_training.train_model(project(db), layer=layer, epochs=epochs)
    for report in reports:
        concepts = sum(label.startswith("concept:") for label in report.labels)
        labels = (
            f"{counted(len(report.labels) - concepts, 'code')} and "
            f"{counted(concepts, 'concept')} as labels"
        )
        console.print(
            f"Trained {report.version} on {counted(report.n_examples, 'turn')} "
            f"of layer '{report.layer}' "
            f"({report.n_negative} with rejections only), {labels}, "
            f"in {report.seconds:.1f} s.",
            highlight=False,
        )
        if report.too_rare:
            console.print(
                f"No label for {counted(len(report.too_rare), 'code')} applied to too few "
                f"turns (a code needs {report.code_support}, an open code "
                f"{report.open_support}): {', '.join(report.too_rare)}; the model learns "
                "nothing for them.",
                highlight=False,
            )


@suggest_app.command("eval")
@friendly
def eval_(
    split: Annotated[
        str,
        typer.Option(
            help="'transcript': leave one focus group out (the headline); 'turn': seeded "
            "folds of turns; 'both': the two, headline first."
        ),
    ] = "both",
    folds: Annotated[
        int | None,
        typer.Option(
            help="Folds (default: one per coded transcript by transcript, 5 by turn).",
            show_default=False,
        ),
    ] = None,
    layer: LayerOption = ALL,
    seed: Annotated[int, typer.Option(help="Seed for the fold split and training.")] = 13,
    per_code: Annotated[bool, typer.Option(help="Also show figures per code.")] = False,
    db: DbOption = None,
) -> None:
    """Cross-validate the suggester: P@1 and R@3 with intervals and chance, per concept."""
    from qualcode.cli.suggest_eval import print_report

    if split not in ("both", "transcript", "turn"):
        raise QualcodeError(f"Unknown split '{split}'; use both, transcript or turn.")
    opened = project(db)
    for name in ("transcript", "turn") if split == "both" else (split,):
        try:
            with console.status(f"Cross-validating by {name}..."):
                report = suggest_training.evaluate(
                    opened,
                    layer=layer,
                    folds=folds if name == split or name == "turn" else None,
                    seed=seed,
                    split=name,
                )
        except QualcodeError as error:
            if split != "both":
                raise
            err_console.print(labelled("No figure by transcript:", "yellow", str(error)))
            continue
        for warning in report.warnings:
            err_console.print(labelled("Warning:", "yellow", warning), highlight=False)
        print_report(report, per_code)
