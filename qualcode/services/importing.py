"""Import transcripts: each file is one all-or-nothing transaction; re-imports are no-ops."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.domain.imports import ImportReport, ImportResult, ImportSpec
from qualcode.domain.transcript import ParsedTranscript, layout
from qualcode.errors import InputError, QualcodeError
from qualcode.ingest.readers import read_transcript_bytes
from qualcode.ingest.segmenter import split_sentences
from qualcode.services.project import Project
from qualcode.store import transcripts as store

Progress = Callable[[ImportResult], None]


def import_files(
    project: Project,
    specs: Iterable[ImportSpec],
    *,
    keep_going: bool = False,
    split: bool = False,
    no_speakers: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import each file in its own transaction.

    The first failure stops the batch (files before it stay imported, the failing file
    leaves nothing behind) unless `keep_going`, which imports the good files and lists
    the failures.
    """
    report = ImportReport()
    known = project.read(store.known_hashes)
    for spec in specs:
        try:
            result = import_one(project, spec, split=split, no_speakers=no_speakers, known=known)
        except QualcodeError as error:
            result = ImportResult(path=spec.path, status="failed", message=str(error))
            report.results.append(result)
            if progress:
                progress(result)
            if not keep_going:
                break
            continue
        report.results.append(result)
        if progress:
            progress(result)
    return report


def import_one(
    project: Project,
    spec: ImportSpec,
    *,
    split: bool = False,
    no_speakers: bool = False,
    known: dict[str, int] | None = None,
) -> ImportResult:
    """Import one file; `known` maps the sha256 of stored sources to transcript ids."""
    try:
        data = spec.path.read_bytes()
    except OSError as error:
        raise InputError(str(spec.path), f"cannot be read ({error.strerror}).") from error
    digest = hashlib.sha256(data).hexdigest()
    if known is None:
        known = project.read(store.known_hashes)
    if digest in known:
        return _skipped(spec, known[digest])
    parsed = read_transcript_bytes(
        data, str(spec.path), encoding=spec.encoding, no_speakers=no_speakers
    )
    if split:
        parsed.turns = split_sentences(parsed.turns, spec.language)
    try:
        result = project.write(lambda session: _store(session, spec, parsed, digest))
    except IntegrityError:
        # Another process stored the same source meanwhile: the unique sha256 refused ours.
        found = project.read(lambda session: store.find_by_sha256(session, digest))
        if found is None:
            raise
        return _skipped(spec, found.id)
    known[digest] = result.transcript_id or 0
    return result


def _skipped(spec: ImportSpec, transcript_id: int) -> ImportResult:
    return ImportResult(
        path=spec.path,
        status="skipped",
        transcript_id=transcript_id,
        message=f"already imported as transcript {transcript_id}.",
    )


def _store(
    session: Session, spec: ImportSpec, parsed: ParsedTranscript, digest: str
) -> ImportResult:
    text, bounds = layout(parsed.turns)
    speakers: dict[str, str | None] = {}
    for turn in parsed.turns:
        if turn.speaker is not None and turn.speaker not in speakers:
            speakers[turn.speaker] = spec.roles.get(turn.speaker) or turn.role
    segments = []
    words = 0
    for turn, bound in zip(parsed.turns, bounds, strict=True):
        count = len(turn.text.split())
        words += count
        segments.append(
            {
                "speaker": turn.speaker,
                "ordinal": bound.ordinal,
                "start_char": bound.start_char,
                "end_char": bound.end_char,
                "word_count": count,
                "start_time": turn.start,
                "end_time": turn.end,
            }
        )
    transcript_id = store.insert_transcript(
        session,
        title=spec.title or spec.path.stem,
        source_name=spec.path.name,
        sha256=digest,
        text=text,
        language=spec.language,
        department=spec.department,
        group_kind=spec.group_kind,
        recorded_on=spec.recorded_on,
        attributes={"notes": parsed.notes, "words": words},
        speakers=speakers,
        segments=segments,
    )
    return ImportResult(
        path=spec.path,
        status="imported",
        transcript_id=transcript_id,
        turns=len(segments),
        words=words,
    )
