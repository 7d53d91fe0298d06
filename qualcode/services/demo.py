"""The demo study: the bundled codebook, transcripts and three coders' codings."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from qualcode.domain.imports import ImportReport
from qualcode.errors import InputError
from qualcode.ingest.manifest import read_deck, read_manifest
from qualcode.resources import bundled
from qualcode.services import cards
from qualcode.services.codebooks import active_codebook, ensure_open_code, load_codebook_file
from qualcode.services.importing import import_files
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import transcripts as transcript_store
from qualcode.store.models import Segment, Transcript

DEMO_CODEBOOK = "three_concepts.yaml"
DEMO_MANIFEST = "study.yaml"


def build_demo(project: Project) -> tuple[ImportReport, int]:
    """Load the codebook, import the study and its demo codings; returns (report, codings)."""
    corpus = bundled("transcripts")
    load_codebook_file(project, bundled("codebooks") / DEMO_CODEBOOK)
    cards.load_deck(project, read_deck(corpus / DEMO_MANIFEST))
    report = import_files(project, read_manifest(corpus / DEMO_MANIFEST))
    cards.detect(project, [r.transcript_id for r in report.results if r.transcript_id])
    loaded = sum(load_codings_file(project, path) for path in sorted(corpus.glob("*/codings.yaml")))
    return report, loaded


def load_codings_file(project: Project, path: Path) -> int:
    """Apply the codings listed in a codings.yaml fixture; all or nothing; returns how many.

    Entries name a transcript file (relative to the fixture), a verbatim quote that locates
    the turn, and for each coder a list of code keys or {code, span} for a span.
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return project.write(lambda session: _apply_fixture(session, path, document))


def _apply_fixture(session: Session, path: Path, document: dict[str, Any]) -> int:
    book = active_codebook(session)
    coders = {
        entry["name"]: code_store.ensure_coder(session, entry["name"], entry.get("role", "coder"))
        for entry in document.get("coders", [])
    }
    transcripts: dict[str, Transcript] = {}
    segments: dict[int, list[Segment]] = {}
    rows: list[dict[str, object]] = []
    for index, entry in enumerate(document.get("codings", []), start=1):
        where = f"entry {index}"
        transcript = transcripts.get(entry["file"])
        if transcript is None:
            digest = hashlib.sha256((path.parent / entry["file"]).read_bytes()).hexdigest()
            found = transcript_store.find_by_sha256(session, digest)
            if found is None:
                raise InputError(str(path), f"{where}: {entry['file']} has not been imported.")
            transcripts[entry["file"]] = transcript = found
            segments[found.id] = [row for row, _ in transcript_store.segments_of(session, found.id)]
        segment = _segment_with(
            segments[transcript.id], transcript, entry["turn"], str(path), where
        )
        for coder_name, coder in coders.items():
            for item in entry.get(coder_name, []) or []:
                key, span_text = (
                    (item, None) if isinstance(item, str) else (item["code"], item["span"])
                )
                code = code_store.code_by_key(session, book.id, key)
                if code is None and key.startswith("open."):
                    name = key.removeprefix("open.").replace("_", " ")
                    code = ensure_open_code(session, book.id, key, name, coder.id)
                if code is None:
                    raise InputError(str(path), f"{where}: unknown code '{key}'.")
                start, end = _span(transcript, segment, span_text, str(path), where)
                rows.append(
                    {
                        "coder_id": coder.id,
                        "code_id": code.id,
                        "segment_id": segment.id,
                        "start_char": start,
                        "end_char": end,
                        "origin": "imported",
                    }
                )
    return coding_store.bulk_add_codings(session, rows)


def _segment_with(
    segments: list[Segment], transcript: Transcript, quote: str, source: str, where: str
) -> Segment:
    position = transcript.text.find(quote)
    if position < 0:
        raise InputError(source, f"{where}: the quote '{quote}' is not in {transcript.title}.")
    for segment in segments:
        if segment.start_char <= position < segment.end_char:
            return segment
    raise InputError(source, f"{where}: no segment holds '{quote}'.")


def _span(
    transcript: Transcript, segment: Segment, quote: str | None, source: str, where: str
) -> tuple[int | None, int | None]:
    if quote is None:
        return None, None
    position = transcript.text.find(quote, segment.start_char, segment.end_char)
    if position < 0:
        raise InputError(source, f"{where}: the span '{quote}' is not in the turn.")
    return position, position + len(quote)
