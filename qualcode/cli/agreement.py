"""Supervisor commands: agree, disagreements, adjudicate, blind, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from qualcode.cli.common import DbOption, console, friendly, project
from qualcode.cli.output import (
    FormatOption,
    OutputOption,
    TableOption,
    choose_format,
    emit,
    fits,
    parts,
    short_codes,
    show_tables,
)
from qualcode.config import coder_name
from qualcode.domain.agreement import (
    AdjudicationView,
    AgreementOptions,
    Decision,
    GroupBy,
    MatrixOptions,
    UnitKind,
)
from qualcode.domain.table import ResultSet
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import adjudication, audit, blind, coding, reliability
from qualcode.services import agreement as agree
from qualcode.services.project import Project
from qualcode.services.tables import FORMATS, write

CodersOption = Annotated[
    list[str] | None,
    typer.Option(
        "--coders",
        help="Coders to compare: repeat (--coders anna --coders ben) or a comma list "
        "(--coders anna,ben). Default: every coder who has coded.",
        show_default=False,
    ),
]
SupervisorOption = Annotated[
    str | None,
    typer.Option("--coder", help="Who you are (default: $QUALCODE_CODER).", show_default=False),
]

agree_app = typer.Typer(
    help="Inter-coder agreement: coefficients per code, transcript or department.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def split_names(values: list[str] | None) -> tuple[str, ...] | None:
    """Names from repeated options and comma lists, in order, without duplicates."""
    names = [name.strip() for value in values or [] for name in value.split(",")]
    return tuple(dict.fromkeys(name for name in names if name)) or None


@agree_app.callback()
@friendly
def agree_command(
    ctx: typer.Context,
    coders: CodersOption = None,
    codes: Annotated[
        list[str] | None,
        typer.Option(
            "--codes", help="Only these codes (repeat or comma list).", show_default=False
        ),
    ] = None,
    concepts: Annotated[
        bool, typer.Option("--concepts", help="Roll codes up to their top-level concept.")
    ] = False,
    by: Annotated[
        str, typer.Option("--by", help="Rows per code, transcript, department or card.")
    ] = "code",
    card: Annotated[
        list[str] | None,
        typer.Option(
            "--card",
            help="Turn and sentence units: only the turns in these cards' sections "
            "(KEY,KEY or repeat).",
            show_default=False,
        ),
    ] = None,
    unit: Annotated[
        str, typer.Option("--unit", help="Unit of agreement: turn, sentence or character.")
    ] = "turn",
    overlap: Annotated[
        float | None,
        typer.Option(
            "--overlap",
            help="Add MAXQDA-style segment matching with this minimum overlap (0-1, e.g. 0.9).",
            show_default=False,
        ),
    ] = None,
    exclude_uncoded: Annotated[
        bool,
        typer.Option("--exclude-uncoded", help="Character level: leave out text nobody coded."),
    ] = False,
    average: Annotated[
        str,
        typer.Option(
            "--average",
            help="Character level across transcripts: pooled (kappa of the summed counts), "
            "or NVivo's weighted (by length) or unweighted mean of per-transcript kappas.",
        ),
    ] = "pooled",
    nvivo_empty: Annotated[
        bool,
        typer.Option(
            "--nvivo-empty",
            help="Count a transcript neither coder coded as kappa 1 in the means (NVivo); "
            "by default it is undefined.",
        ),
    ] = False,
    intervals: Annotated[
        bool,
        typer.Option("--intervals/--no-intervals", help="95 % intervals for every coefficient."),
    ] = True,
    include_moderators: Annotated[
        bool,
        typer.Option(
            "--include-moderators",
            help="Turn and sentence units: count the moderators' turns too.",
        ),
    ] = False,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="Treat --codes as the ordered levels of one rating and report weighted "
            "agreement: linear, quadratic, ordinal or ratio.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    supervisor: SupervisorOption = None,
    db: DbOption = None,
) -> None:
    """Agreement between coders: percent agreement, kappas (Cohen's, Fleiss', and with three
    or more coders Conger's and Light's), alpha, Brennan-Prediger, AC1, and positive and
    negative agreement per code.

    Run `qualcode agree matrix FILE.csv` for a reliability matrix from elsewhere.
    """
    if ctx.invoked_subcommand is not None:
        return
    if by not in ("code", "transcript", "department", "card"):
        raise QualcodeError(f"--by '{by}' must be code, transcript, department or card.")
    if unit not in ("turn", "sentence", "character"):
        raise QualcodeError(f"--unit '{unit}' must be turn, sentence or character.")
    if average not in ("pooled", "weighted", "unweighted"):
        raise QualcodeError(f"--average '{average}' must be pooled, weighted or unweighted.")
    if weights is not None and weights not in ("linear", "quadratic", "ordinal", "ratio"):
        raise QualcodeError(f"--weights '{weights}' must be linear, quadratic, ordinal or ratio.")
    options = AgreementOptions(
        coders=split_names(coders),
        codes=split_names(codes),
        concepts=concepts,
        by=_group(by),
        unit=_unit(unit),
        overlap=overlap,
        exclude_uncoded=exclude_uncoded,
        average=average,
        empty_as_one=nvivo_empty,
        intervals=intervals,
        weights=weights,
        include_moderators=include_moderators,
        cards=split_names(card) or (),
    )
    emit(
        agree.agreement(project(db), options, actor=coder_name(supervisor)),
        fmt,
        output,
        table=table,
        show=_show_narrow,
    )


def _show_narrow(result: ResultSet) -> None:
    """The tables as they are when the terminal holds them; else with short coefficient
    names and, where that saves panels (at 80 columns), short code keys, each with a
    legend, and the columns in as few panels as fit."""
    if fits(result, console):
        show_tables(result)
        return
    shortened, legend = short_codes(result, named="code")
    if parts(shortened, console) >= parts(result, console):  # short codes would not help
        show_tables(result)
        return
    show_tables(shortened)
    console.print(legend)


def _group(by: str) -> GroupBy:
    choices: dict[str, GroupBy] = {"transcript": "transcript", "department": "department"}
    return "card" if by == "card" else choices.get(by, "code")


def _unit(unit: str) -> UnitKind:
    return "sentence" if unit == "sentence" else "character" if unit == "character" else "turn"


@agree_app.command("matrix")
@friendly
def agree_matrix(
    path: Annotated[
        Path,
        typer.Argument(
            help="CSV: one row per unit, one column per coder, empty = missing; an optional "
            "first row of names. With --counts: one column per category, how many raters "
            "chose it."
        ),
    ],
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help="Krippendorff's alpha: nominal, ordinal, interval or ratio. Default: the level "
            "matching --weights (quadratic: interval, ordinal, ratio), else nominal.",
            show_default=False,
        ),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help="Weighted kappa, AC2 and Brennan-Prediger: linear, quadratic, ordinal or ratio.",
            show_default=False,
        ),
    ] = None,
    counts: Annotated[
        bool, typer.Option("--counts", help="The file is a counts table (Fleiss 1971).")
    ] = False,
    categories: Annotated[
        str | None,
        typer.Option(
            "--categories",
            help="Every possible category, in order (a,b,c): Brennan-Prediger and AC1 depend "
            "on how many there are, weights on their order.",
            show_default=False,
        ),
    ] = None,
    header: Annotated[
        bool | None,
        typer.Option(
            "--header/--no-header",
            help="The first row names coders (or categories). Default: decided from the data.",
            show_default=False,
        ),
    ] = None,
    intervals: Annotated[
        bool,
        typer.Option("--intervals/--no-intervals", help="95 % intervals for every coefficient."),
    ] = True,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
) -> None:
    """Coefficients for a reliability-data matrix or counts table brought from elsewhere."""
    if level is not None and level not in ("nominal", "ordinal", "interval", "ratio"):
        raise QualcodeError(f"--level '{level}' must be nominal, ordinal, interval or ratio.")
    if weights is not None and weights not in ("linear", "quadratic", "ordinal", "ratio"):
        raise QualcodeError(f"--weights '{weights}' must be linear, quadratic, ordinal or ratio.")
    options = MatrixOptions(
        level=level,
        weights=weights,
        counts=counts,
        categories=split_names([categories]) if categories else None,
        header=header,
        intervals=intervals,
    )
    emit(reliability.matrix_agreement(path, options), fmt, output, table=table)


@friendly
def disagreements(
    code: Annotated[
        str | None, typer.Option("--code", help="Only this code.", show_default=False)
    ] = None,
    coders: CodersOption = None,
    transcript: Annotated[
        str | None,
        typer.Option(
            "--transcript", help="Only this transcript (id or title).", show_default=False
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    table: TableOption = None,
    supervisor: SupervisorOption = None,
    db: DbOption = None,
) -> None:
    """Turns where coders differ about a code, with each coder's codes and the text."""
    opened = project(db)
    who = coder_name(supervisor)
    found = adjudication.disagreements(
        opened, code=code, coders=split_names(coders), transcript=transcript, actor=who
    )
    if choose_format(fmt, output) == "table":
        for d in found:
            status = f"  adjudicated: {d.resolution.decision}" if d.resolution else ""
            console.print(
                Text.assemble(
                    (f"{d.transcript}, turn {d.turn}", "bold"),
                    (f" · {d.speaker or 'no speaker'} · segment {d.segment_id} ({d.ref})", "dim"),
                    "\n  ",
                    (d.code_key, "cyan"),
                    f" coded by {', '.join(d.coded_by)}, not by {', '.join(d.not_coded_by)}",
                    (status, "green"),
                )
            )
            for name, keys in d.codes.items():
                console.print(Text(f"  {name}: {', '.join(keys) or '(no codes)'}"))
            console.print(Text(f"  {d.text}"))
        console.print(f"{counted(len(found), 'disagreement')}.")
        return
    emit(audit.disagreements_report(opened, found, split_names(coders)), fmt, output, table=table)


@friendly
def adjudicate(
    segment: Annotated[
        str,
        typer.Argument(help="The turn (T8:4 or a segment id), or `undo` to undo an adjudication."),
    ],
    code: Annotated[str, typer.Argument(help="Code key in dispute (after `undo`: its id).")],
    take: Annotated[
        str | None,
        typer.Option(
            "--take",
            help="A or B (the first or second of --coders), a coder name, both or neither.",
            show_default=False,
        ),
    ] = None,
    other: Annotated[
        str | None,
        typer.Option(
            "--code", help="Apply this code instead of the disputed one.", show_default=False
        ),
    ] = None,
    coders: CodersOption = None,
    memo: Annotated[str | None, typer.Option("--memo", help="Why.", show_default=False)] = None,
    supervisor: SupervisorOption = None,
    db: DbOption = None,
) -> None:
    """Settle a disagreement in the consensus layer: --take A|B|both|neither or --code KEY.

    `qualcode adjudicate undo ID` undoes adjudication ID (see `qualcode audit`).
    """
    opened = project(db)
    who = coder_name(supervisor)
    if segment == "undo":
        view = adjudication.undo_adjudication(
            opened, _number(code, "adjudication id"), supervisor=who
        )
        console.print(
            f"Undid adjudication {view.id} ({view.decision} on segment "
            f"{view.segment_id}); the consensus layer is as before."
        )
        return
    segment_id = coding.segment_id(opened, segment)
    if (take is None) == (other is None):
        raise QualcodeError("Give one decision: --take A|B|both|neither or --code KEY.")
    names = split_names(coders)
    if other is not None:
        view = adjudication.adjudicate(
            opened,
            segment_id,
            code,
            "recode",
            supervisor=who,
            other_code=other,
            coders=names,
            memo=memo,
        )
    elif take in ("both", "neither"):
        decision: Decision = "both" if take == "both" else "neither"
        view = adjudication.adjudicate(
            opened, segment_id, code, decision, supervisor=who, coders=names, memo=memo
        )
    else:
        chosen = _coder_for(opened, segment_id, str(take), names)
        view = adjudication.adjudicate(
            opened, segment_id, code, "take", supervisor=who, coder=chosen, coders=names, memo=memo
        )
    console.print(
        f"Adjudication {view.id}: {view.decision} for {view.code_key} on segment "
        f"{view.segment_id} (undo: qualcode adjudicate undo {view.id})."
    )
    console.print(_outcome(view), highlight=False)


def _outcome(view: AdjudicationView) -> str:
    """What the consensus layer holds on the turn now, and whether that changed."""
    held = ", ".join(
        coding.code_key
        + ("" if coding.start_char is None else f" [{coding.start_char}:{coding.end_char}]")
        for coding in view.applied
    )
    now = (
        f"The consensus layer now has {held} here"
        if held
        else (f"The consensus layer now has no {view.code_key} here")
    )
    before = {(c.code_key, c.start_char, c.end_char) for c in view.replaced}
    after = {(c.code_key, c.start_char, c.end_char) for c in view.applied}
    return now + (" (unchanged: it held that already)." if before == after else ".")


def _coder_for(opened: Project, segment_id: int, take: str, names: tuple[str, ...] | None) -> str:
    if take.upper() not in ("A", "B"):
        return take
    compared = adjudication.compared_coders(opened, segment_id, names)
    index = "AB".index(take.upper())
    if index >= len(compared):
        raise QualcodeError(
            f"There is no coder {take.upper()} for segment {segment_id}; name the coder instead."
        )
    return compared[index]


def _number(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise QualcodeError(f"'{value}' is not a {what}; give a number.") from None


@friendly
def blind_command(
    state: Annotated[str, typer.Argument(help="on or off.")],
    supervisor: SupervisorOption = None,
    db: DbOption = None,
) -> None:
    """Blind mode on or off: while on, each coder sees only their own codings."""
    if state not in ("on", "off"):
        raise QualcodeError(f"Say `qualcode blind on` or `qualcode blind off`, not '{state}'.")
    on = blind.set_blind_mode(project(db), state == "on", actor=coder_name(supervisor))
    console.print(
        "Blind mode is on: coders see only their own codings." if on else "Blind mode is off."
    )


@friendly
def audit_command(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="report.html or report.md (also .json, .xlsx)."),
    ],
    coders: CodersOption = None,
    supervisor: SupervisorOption = None,
    db: DbOption = None,
) -> None:
    """Audit report: coverage, agreement per code and department, disagreements,
    adjudication log, codebook version and coefficient definitions."""
    fmt = output.suffix.lstrip(".").lower()
    if fmt not in FORMATS or fmt == "csv":
        raise QualcodeError(f"Give --output a .html, .md, .json or .xlsx file, not '{output}'.")
    report = audit.audit_report(project(db), split_names(coders), actor=coder_name(supervisor))
    write(report, fmt, output)
    console.print(f"Wrote the audit report to {output}.", highlight=False)
