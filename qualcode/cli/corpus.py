"""Corpus commands: init, import, segments (`transcripts` is in `qualcode.cli.listing`)."""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.progress import Progress

from qualcode.cli.common import CoderOption, DbOption, console, friendly, labelled, project
from qualcode.config import coder_name
from qualcode.domain.corpus import SegmentView
from qualcode.domain.imports import LANGUAGES, FilePreview, ImportResult, ImportSpec
from qualcode.domain.text import without_controls
from qualcode.domain.turns import clock
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import cards, corpus, importing, scope
from qualcode.services.manifest import read_import_manifest


@friendly
def init(db: DbOption = None) -> None:
    """Create the database (or bring it to the newest schema)."""
    opened = project(db, create=True)
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
    allow_outside: Annotated[
        bool,
        typer.Option(
            "--allow-outside",
            help="Let the manifest name files and manifests outside its folder.",
        ),
    ] = False,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Import transcripts (.txt, .vtt, .srt, .docx, Otter exports): one transaction per file."""
    if language is not None and language not in LANGUAGES:
        raise QualcodeError(f"--language must be one of {', '.join(LANGUAGES)}.")
    # The manifest is checked whole first, read as a stream; its entries are read again,
    # one at a time, as they are imported.
    declared = read_import_manifest(manifest, allow_outside=allow_outside) if manifest else None
    moderators = declared.moderator_roles if declared else None
    deck = declared.deck if declared else []
    if declared and declared.outside_count:
        many = declared.outside_count
        shown = ", ".join(str(path) for path in declared.outside)
        more = f" and {many - len(declared.outside)} more" if many > len(declared.outside) else ""
        note = f"{many} files are outside the manifest's folder: {shown}{more}."
        console.print(labelled("Note:", "yellow", note), highlight=False)
    try:
        recorded_on = date.fromisoformat(recorded) if recorded else None
    except ValueError:
        raise QualcodeError(
            f"--date '{recorded}' is not a date: write a real date as YYYY-MM-DD, e.g. 2025-03-11."
        ) from None
    named = [
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
    total = len(declared.specs if declared else []) + len(named)

    def specs() -> Iterator[ImportSpec]:
        for spec in chain(declared.specs if declared else [], named):
            if encoding:
                spec = spec.model_copy(update={"encoding": spec.encoding or encoding})
            if allow_unordered:
                spec = spec.model_copy(update={"allow_unordered": True})
            yield spec

    if not total:
        raise QualcodeError("Name files to import, or a --manifest.")
    if dry_run:
        _print_preview(importing.preview(specs(), split=split_sentences, no_speakers=no_speakers))
        return
    opened = project(db, create=True)
    importing.require_import_rights(opened)  # a team server's coder: one sentence, first
    if deck:
        added, updated = cards.load_deck(opened, deck)
        if added or updated:
            console.print(
                f"Deck: {counted(added, 'card')} added, {updated} updated from the manifest."
            )
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Importing", total=total)

        def advance(_: ImportResult) -> None:
            progress.advance(task)

        report = importing.import_files(
            opened,
            specs(),
            count=total,
            keep_going=keep_going,
            split=split_sentences,
            no_speakers=no_speakers,
            update_metadata=update_metadata,
            progress=advance,
            actor=coder_name(coder),
        )
    if moderators is not None and report.count("imported"):
        stored = scope.set_moderator_roles(opened, moderators)
        console.print(f"Moderator roles of the study: {', '.join(stored) or 'none'}.")
    for result in report.results:
        if result.status == "imported":
            message = (
                f"{result.path.name}: transcript {result.transcript_id}, "
                f"{counted(result.turns, 'turn')}, {counted(result.words, 'word')}"
            )
            console.print(labelled("imported", "green", message), highlight=False)
        elif result.status in ("skipped", "updated"):
            message = f"{result.path.name}: {result.message}"
            console.print(labelled(result.status, "yellow", message), highlight=False)
        else:
            console.print(labelled("failed", "bold red", result.message or ""), highlight=False)
        for warning in result.warnings:
            console.print(labelled("Warning:", "yellow", warning), highlight=False)
    if left := total - len(report.results):
        first = islice(specs(), len(report.results), len(report.results) + 10)
        names = ", ".join(spec.path.name for spec in first)
        more = f" and {left - 10} more" if left > 10 else ""
        message = f"{counted(left, 'file')} the import stopped before: {names}{more}."
        console.print(labelled("not imported", "bold red", message), highlight=False)
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
            f"Cards: {counted(readings, 'reading')} found in "
            f"{counted(len(found), 'transcript')} "
            "(`qualcode cards sections TRANSCRIPT` shows them)."
        )
    if report.failures:
        if not keep_going or left:
            console.print(
                "Nothing of the failed file was stored; fix it and run the same import again "
                "(the files already imported are skipped)."
            )
        raise typer.Exit(1)
    if report.unapplied:
        raise typer.Exit(1)


def _print_preview(previews: list[FilePreview]) -> None:
    """The dry run: each file's turns and speakers (with their turn counts)."""
    for preview in previews:
        if preview.error:
            console.print(labelled("failed", "bold red", preview.error), highlight=False)
            continue
        console.print(
            f"{preview.path.name}: {counted(preview.turns, 'turn')}, "
            f"{counted(preview.words, 'word')}, {counted(len(preview.speakers), 'speaker')}",
            highlight=False,
        )
        for speaker in preview.speakers:
            role = f" ({speaker.role})" if speaker.role else ""
            turns = counted(speaker.turns, "turn")
            console.print(f"  {speaker.label}{role}: {turns}", highlight=False)
    console.print("Dry run: nothing was written.")
    if any(preview.error for preview in previews):
        raise typer.Exit(1)


SEGMENT_FORMATS = ("text", "tsv", "json")


@friendly
def segments(
    transcript: Annotated[str, typer.Argument(help="Transcript id (8 or T8), title or file name.")],
    coder: Annotated[
        list[str] | None, typer.Option("--coder", help="Show only these coders' codings.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="text (one block per turn), tsv or json (one row per turn)."
        ),
    ] = "text",
    db: DbOption = None,
) -> None:
    """Show a transcript's turns: number, segment id, speaker, time, text and codes.

    Span codings show their characters in the turn, e.g. temporality.breaks[14:44]. A long
    listing opens in a pager when the output is a terminal. In blind mode a coder
    (QUALCODE_CODER, or a single --coder) sees only their own codings.
    """
    if fmt not in SEGMENT_FORMATS:
        raise QualcodeError(f"--format '{fmt}' must be one of {', '.join(SEGMENT_FORMATS)}.")
    opened = project(db)
    who = coder_name(None) or (coder[0] if coder and len(coder) == 1 else None)
    views = corpus.segments(opened, transcript, coders=coder or None, actor=who)
    terminal = sys.stdout.isatty()
    if fmt == "json":
        listing = json.dumps([turn_record(view) for view in views], ensure_ascii=False) + "\n"
    elif fmt == "tsv":
        listing = "".join(tsv_lines(views))
    else:
        width = shutil.get_terminal_size().columns if terminal else None
        listing = "".join(turn_block(view, width) for view in views)
    listing = without_controls(listing)  # text stored raw by an older qualcode
    if terminal and fmt == "text" and listing.count("\n") >= shutil.get_terminal_size().lines:
        click.echo_via_pager(listing)
    else:
        sys.stdout.write(listing)
        sys.stdout.flush()


def coding_labels(view: SegmentView) -> dict[str, list[str]]:
    """Each coder's codes on the turn, spans as `key[start:end]` in offsets into the turn."""
    labels: dict[str, list[str]] = {}
    for coding in sorted(view.codings, key=lambda c: (c.coder, c.code_key, c.start_char or 0)):
        label = coding.code_key
        if coding.start_char is not None and coding.end_char is not None:
            label += f"[{coding.start_char - view.start_char}:{coding.end_char - view.start_char}]"
        labels.setdefault(coding.coder, []).append(label)
    return labels


def turn_block(view: SegmentView, width: int | None) -> str:
    """`turn 4 · Pernille (nurse) · 00:12:31 · segment 606`, then the text and codes."""
    speaker = view.speaker or "no speaker"
    if view.role:
        speaker += f" ({view.role})"
    head = [f"turn {view.turn}", speaker, clock(view.start_time), f"segment {view.id}"]
    lines = [" · ".join(part for part in head if part)]
    body = [view.text]
    body += [f"{name}: {', '.join(keys)}" for name, keys in coding_labels(view).items()]
    body += [f"memo: {memo}" for memo in view.memos]
    for paragraph in body:
        if width is None:
            lines.append("    " + paragraph.replace("\n", " "))
        else:
            lines += textwrap.wrap(
                paragraph, width - 1, initial_indent="    ", subsequent_indent="    "
            )
    return "\n".join(lines) + "\n\n"


TSV_COLUMNS = ("turn", "segment_id", "speaker", "role", "time", "text", "codes")


def tsv_lines(views: list[SegmentView]) -> list[str]:
    """A header and one tab-separated line per turn; tabs and newlines in text become spaces."""
    rows = ["\t".join(TSV_COLUMNS) + "\n"]
    for view in views:
        codes = "; ".join(
            f"{name}: {', '.join(keys)}" for name, keys in coding_labels(view).items()
        )
        cells = [
            str(view.turn),
            str(view.id),
            view.speaker or "",
            view.role or "",
            clock(view.start_time) or "",
            view.text,
            codes,
        ]
        rows.append("\t".join(_TSV_SPACE.sub(" ", cell) for cell in cells) + "\n")
    return rows


_TSV_SPACE = re.compile(r"[\t\r\n]+")


def turn_record(view: SegmentView) -> dict[str, object]:
    """One turn as JSON: numbers, text, and codings with spans in offsets into the turn."""
    return {
        "turn": view.turn,
        "ref": view.ref,
        "segment_id": view.id,
        "speaker": view.speaker,
        "role": view.role,
        "start_time": view.start_time,
        "text": view.text,
        "codings": [
            {
                "code": coding.code_key,
                "coder": coding.coder,
                "span": None
                if coding.start_char is None or coding.end_char is None
                else [coding.start_char - view.start_char, coding.end_char - view.start_char],
            }
            for coding in view.codings
        ],
        "memos": view.memos,
    }
