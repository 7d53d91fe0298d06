"""Corpus commands: init, import, transcripts, segments."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from qualcode.cli.common import CoderOption, DbOption, console, friendly, project
from qualcode.config import coder_name
from qualcode.domain.imports import LANGUAGES, FilePreview, ImportResult, ImportSpec
from qualcode.errors import QualcodeError
from qualcode.ingest.manifest import read_deck, read_manifest, read_moderator_roles
from qualcode.services import cards, corpus, importing, scope


@friendly
def init(db: DbOption = None) -> None:
    """Create the database (or bring it to the newest schema)."""
    opened = project(db)
    console.print(f"Database ready: {opened.engine.url.render_as_string(hide_password=True)}")


@friendly
def import_(
    paths: Annotated[list[Path] | None, typer.Argument(help="Transcript files.")] = None,
    department: Annotated[str | None, typer.Option(help="Department of these files.")] = None,
    group_kind: Annotated[
        str | None, typer.Option("--group-kind", help="Focus-group kind, e.g. management.")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Language: en, da or nb (default en).", show_default=False)
    ] = None,
    recorded: Annotated[
        str | None, typer.Option("--date", help="Recording date, YYYY-MM-DD.")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="A study.yaml or .csv naming files and metadata.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding when the files are not UTF-8, e.g. cp1252.")
    ] = None,
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Import the good files; list the failures.")
    ] = False,
    split_sentences: Annotated[
        bool, typer.Option("--split-sentences", help="Split long turns at sentence ends.")
    ] = False,
    no_speakers: Annotated[
        bool, typer.Option("--no-speakers", help="Import a file without speaker labels.")
    ] = False,
    allow_unordered: Annotated[
        bool,
        typer.Option(
            "--allow-unordered",
            help="Keep subtitle cues that are out of time order (in the file's order).",
        ),
    ] = False,
    update_metadata: Annotated[
        bool,
        typer.Option(
            "--update-metadata",
            help="For files already imported, replace their stored metadata with these values.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show each file's speakers and turns; write nothing."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Import transcripts (.txt, .vtt, .srt, .docx, Otter exports): one transaction per file."""
    if language is not None and language not in LANGUAGES:
        raise QualcodeError(f"--language must be one of {', '.join(LANGUAGES)}.")
    specs = read_manifest(manifest) if manifest else []
    try:
        recorded_on = date.fromisoformat(recorded) if recorded else None
    except ValueError:
        raise QualcodeError(f"--date '{recorded}' must be YYYY-MM-DD.") from None
    specs += [
        ImportSpec(
            path=path,
            department=department,
            group_kind=group_kind,
            recorded_on=recorded_on,
            encoding=encoding,
            **({"language": language} if language else {}),
        )
        for path in paths or []
    ]
    if encoding:
        specs = [spec.model_copy(update={"encoding": spec.encoding or encoding}) for spec in specs]
    if allow_unordered:
        specs = [spec.model_copy(update={"allow_unordered": True}) for spec in specs]
    if not specs:
        raise QualcodeError("Name files to import, or a --manifest.")
    if dry_run:
        _print_preview(importing.preview(specs, split=split_sentences, no_speakers=no_speakers))
        return
    opened = project(db)
    moderators = read_moderator_roles(manifest) if manifest else None
    deck = read_deck(manifest) if manifest else []
    if deck:
        added, updated = cards.load_deck(opened, deck)
        if added or updated:
            console.print(f"Deck: {added} cards added, {updated} updated from the manifest.")
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Importing", total=len(specs))

        def advance(_: ImportResult) -> None:
            progress.advance(task)

        report = importing.import_files(
            opened,
            specs,
            keep_going=keep_going,
            split=split_sentences,
            no_speakers=no_speakers,
            update_metadata=update_metadata,
            progress=advance,
        )
    if moderators is not None and report.count("imported"):
        stored = scope.set_moderator_roles(opened, moderators)
        console.print(f"Moderator roles of the study: {', '.join(stored) or 'none'}.")
    for result in report.results:
        if result.status == "imported":
            console.print(
                f"[green]imported[/] {result.path.name}: transcript {result.transcript_id}, "
                f"{result.turns} turns, {result.words} words",
                highlight=False,
            )
        elif result.status in ("skipped", "updated"):
            console.print(
                f"[yellow]{result.status}[/] {result.path.name}: {result.message}", highlight=False
            )
        else:
            console.print(f"[bold red]failed[/] {result.message}", highlight=False)
        for warning in result.warnings:
            console.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    refreshed = f", {report.count('updated')} updated" if report.count("updated") else ""
    console.print(
        f"{report.count('imported')} imported, {report.count('skipped')} already there"
        f"{refreshed}, {report.count('failed')} failed."
    )
    new = [r.transcript_id for r in report.results if r.status == "imported" and r.transcript_id]
    if new and cards.list_cards(opened):
        found = cards.detect(opened, new)
        readings = sum(len(result.detections) for result in found)
        console.print(
            f"Cards: {readings} readings found in {len(found)} transcripts "
            "(`qualcode cards sections TRANSCRIPT` shows them)."
        )
    if report.failures:
        if not keep_going:
            console.print("Nothing of the failed file was stored; fix it and run the import again.")
        raise typer.Exit(1)
    if report.unapplied:
        raise typer.Exit(1)


def _print_preview(previews: list[FilePreview]) -> None:
    """The dry run: each file's turns and speakers (with their turn counts)."""
    for preview in previews:
        if preview.error:
            console.print(f"[bold red]failed[/] {preview.error}", highlight=False)
            continue
        console.print(
            f"{preview.path.name}: {preview.turns} turns, {preview.words} words, "
            f"{len(preview.speakers)} speakers",
            highlight=False,
        )
        for speaker in preview.speakers:
            role = f" ({speaker.role})" if speaker.role else ""
            console.print(f"  {speaker.label}{role}: {speaker.turns} turns", highlight=False)
    console.print("Dry run: nothing was written.")
    if any(preview.error for preview in previews):
        raise typer.Exit(1)


@friendly
def transcripts(db: DbOption = None, coder: CoderOption = None) -> None:
    """List transcripts by department, with turns, words and coding progress."""
    who = coder_name(coder)
    rows = corpus.list_transcripts(project(db), who)
    table = Table(title="Transcripts")
    for column in ("id", "department", "group kind", "title", "lang", "turns", "words"):
        table.add_column(column, justify="right" if column in ("id", "turns", "words") else "left")
    if who:
        table.add_column(f"coded by {who}", justify="right")
    for info in rows:
        cells = [
            str(info.id),
            info.department or "",
            info.group_kind or "",
            info.title,
            info.language,
            str(info.n_segments),
            str(info.n_words),
        ]
        if who:
            share = info.n_coded_segments / info.n_segments if info.n_segments else 0
            cells.append(f"{share:.0%}")
        table.add_row(*cells)
    console.print(table)


@friendly
def segments(
    transcript: Annotated[str, typer.Argument(help="Transcript id, title or file name.")],
    coder: Annotated[
        list[str] | None, typer.Option("--coder", help="Show only these coders' codings.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Show a transcript's segments: id, speaker, time, text and codes.

    In blind mode a coder (QUALCODE_CODER, or a single --coder) sees only their own codings.
    """
    opened = project(db)
    who = coder_name(None) or (coder[0] if coder and len(coder) == 1 else None)
    views = corpus.segments(opened, transcript, coders=coder or None, actor=who)
    table = Table(show_lines=True)
    table.add_column("id", justify="right")
    table.add_column("#", justify="right")
    table.add_column("speaker")
    table.add_column("time")
    table.add_column("text", ratio=3)
    table.add_column("codes")
    for view in views:
        speaker = view.speaker or ""
        if view.role:
            speaker += f" ({view.role})"
        codes = sorted({f"{coding.code_key} [{coding.coder}]" for coding in view.codings})
        table.add_row(
            str(view.id),
            str(view.ordinal),
            speaker,
            _clock(view.start_time),
            Text(view.text),
            Text("\n".join(codes)),
        )
    console.print(table)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
