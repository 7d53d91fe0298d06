"""Department reports (`report`) and the quote choices behind them (`pin`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.analysis import (
    ConsensusOption,
    LayerCoderOption,
    LayerOption,
    ModeratorsOption,
    ScopeOption,
    _actor,
    _scope,
    _split,
)
from qualcode.cli.common import CoderOption, DbOption, console, friendly, project
from qualcode.domain.scope import Coverage
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError


@friendly
def report(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="FILE.html, .docx or .md; with --all-departments one file per department "
            "(FILE-<department>.html) and FILE-summary.html.",
        ),
    ],
    department: Annotated[
        str | None, typer.Option("--department", help="The department to report on.")
    ] = None,
    all_departments: Annotated[
        bool,
        typer.Option("--all-departments", help="One report per department plus a summary."),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Also show each figure by group-kind within the department."),
    ] = None,
    codes: Annotated[
        list[str] | None,
        typer.Option("--codes", help="Only these codes and the codes below them."),
    ] = None,
    concepts: Annotated[
        bool, typer.Option("--concepts", help="Only the concepts (top-level codes).")
    ] = False,
    layer_coder: LayerCoderOption = None,
    consensus: ConsensusOption = False,
    layer_text: LayerOption = None,
    scope: ScopeOption = Coverage.CODED,
    include_moderators: ModeratorsOption = False,
    quotes: Annotated[int, typer.Option("--quotes", help="Quotes per code.")] = 3,
    min_words: Annotated[int, typer.Option("--min-words", help="Preferred shortest quote.")] = 8,
    max_words: Annotated[int, typer.Option("--max-words", help="Preferred longest quote.")] = 150,
    per_group: Annotated[
        int,
        typer.Option("--per-focus-group", help="Quotes per focus group before repeating one."),
    ] = 1,
    names: Annotated[
        bool, typer.Option("--names", help="Attribute quotes by speaker name, not only role.")
    ] = False,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise",
            help="Replace speaker names (and those of --names-file) inside quotes with role "
            "labels, and list what was replaced.",
        ),
    ] = False,
    names_file: Annotated[
        Path | None,
        typer.Option("--names-file", help="More names to replace, one per line (UTF-8)."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="md, html or docx (default: suffix).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the analysis of a department as a document: figures, quotes, open codes, memos."""
    from qualcode.domain.layer import Layer
    from qualcode.domain.report import QuoteRule
    from qualcode.services import report as service

    if (department is None) == (not all_departments):
        raise QualcodeError("Say which department: --department NAME, or --all-departments.")
    chosen = service.report_format(output, fmt)
    query = service.ReportQuery(
        department=department or "",
        by=by,
        codes=_split(codes),
        concepts=concepts,
        layer=Layer.of_options(layer_coder, consensus, layer_text),
        rule=QuoteRule(
            per_code=quotes, min_words=min_words, max_words=max_words, max_per_transcript=per_group
        ),
        names=names,
        pseudonymise=pseudonymise,
        extra_names=_names(names_file),
        scope=_scope(None, None, None, scope, include_moderators),
        actor=_actor(layer_coder),
    )
    opened = project(db)
    if not all_departments:
        built = service.build_report(opened, query)
        service.write_report(built, output, chosen)
        _said(output, built.replacements)
        return
    for name in service.departments(opened):
        built = service.build_report(
            opened, service.ReportQuery(**{**query.__dict__, "department": name})
        )
        path = output.with_name(f"{output.stem}-{_slug(name)}{output.suffix}")
        service.write_report(built, path, chosen)
        _said(path, built.replacements)
    summary = output.with_name(f"{output.stem}-summary{output.suffix}")
    service.write_report(service.build_summary(opened, query), summary, chosen)
    _said(summary, ())


@friendly
def pin(
    code: Annotated[str, typer.Argument(help="The code the quote is for.")],
    segment: Annotated[
        str, typer.Argument(help="The turn: T8:4 (transcript 8, turn 4) or a segment id.")
    ],
    exclude: Annotated[
        bool, typer.Option("--exclude", help="Never use this turn as a quote for the code.")
    ] = False,
    release: Annotated[
        bool, typer.Option("--release", help="Remove an earlier pin or exclusion.")
    ] = False,
    coder: CoderOption = None,
    db: DbOption = None,
) -> None:
    """Pin a turn as a report quote for a code (a supervisor's choice), or exclude it."""
    from qualcode.config import coder_name
    from qualcode.services.report import set_quote_choice

    if exclude and release:
        raise QualcodeError("Choose --exclude or --release, not both.")
    from qualcode.services.coding import segment_id

    action = None if release else ("exclude" if exclude else "pin")
    opened = project(db)
    turn = segment_id(opened, segment)
    set_quote_choice(opened, code, turn, action, coder_name(coder))
    done = {"pin": "Pinned", "exclude": "Excluded", None: "Released"}[action]
    named = f"{segment} (segment {turn})" if str(turn) != segment.strip() else f"segment {turn}"
    console.print(f"{done} {named} for {code}.", highlight=False, markup=False)


def _names(path: Path | None) -> tuple[str, ...]:
    if path is None:
        return ()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise QualcodeError(
            f"Cannot read the names file {path}: {error}; give a UTF-8 text file, "
            "one name per line."
        ) from None
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-") or "department"


def _said(path: Path, replacements: tuple[tuple[str, str, int], ...]) -> None:
    console.print(f"Wrote {path}.", highlight=False, markup=False)
    if replacements:
        total = sum(n for _, _, n in replacements)
        listed = ", ".join(f"{name} -> [{label}] x{n}" for name, label, n in replacements)
        console.print(
            f"Pseudonymised {counted(total, 'name')}: {listed}.", highlight=False, markup=False
        )
