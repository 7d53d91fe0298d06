"""Import transcripts: each file is one all-or-nothing transaction; re-imports are no-ops."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.domain.imports import (
    FilePreview,
    ImportReport,
    ImportResult,
    ImportSpec,
    SpeakerCount,
    roles_for_nobody,
    unmarked_moderators,
)
from qualcode.domain.transcript import ParsedTranscript
from qualcode.domain.wording import counted
from qualcode.errors import DiskFullError, QualcodeError
from qualcode.ingest.ahead import parsed_ahead, parsers, read_source, skipped
from qualcode.ingest.parsing import parse
from qualcode.services import metadata
from qualcode.services.project import Project
from qualcode.services.roles import require_team_supervisor
from qualcode.services.scope import study_moderator_roles
from qualcode.store import transcripts as store

Progress = Callable[[ImportResult], None]


ACTION = "import transcripts"  # a supervisor's on a team server (roles.team_refusal)


def import_files(
    project: Project,
    specs: Iterable[ImportSpec],
    *,
    keep_going: bool = False,
    split: bool = False,
    no_speakers: bool = False,
    update_metadata: bool = False,
    progress: Progress | None = None,
    count: int | None = None,
    actor: str | None = None,
) -> ImportReport:
    """Import each file in its own transaction; `count`, when given, is how many `specs`
    yields (they are then read as they come, e.g. from a manifest's stream).

    The first failure stops the batch (files before it stay imported, the failing file
    leaves nothing behind) unless `keep_going`, which imports the good files and lists
    the failures. In a batch, a second process parses the next files while this one
    writes (two cores; each step takes half the time). `actor` is who updates metadata.
    """
    if count is None:
        specs = list(specs)
        count = len(specs)
    report = ImportReport()
    with project.one_connection() as batch, parsers(count) as pool:
        batch.read(lambda session: require_team_supervisor(session, ACTION))
        known = batch.read(store.known_hashes)
        for spec, outcome in parsed_ahead(specs, known, pool, split=split, no_speakers=no_speakers):
            try:
                if isinstance(outcome, Exception):
                    raise outcome
                if isinstance(outcome, ImportResult):
                    result = outcome
                else:
                    digest, parsed = outcome
                    result = _save(batch, spec, parsed, digest, known)
                result = _checked(batch, spec, result, update_metadata, actor)
            except QualcodeError as error:
                full = isinstance(error, DiskFullError)
                result = ImportResult(
                    path=spec.path,
                    status="failed",
                    message=f"{spec.path.name}: {error}" if full else str(error),
                    disk_full=full,
                )
            report.results.append(result)
            if progress:
                progress(result)
            if result.status == "failed" and (not keep_going or result.disk_full):
                break  # on a full disk the next files would fail the same way
    return report


def require_import_rights(project: Project) -> None:
    """Refuse, in one sentence, a coder's login on a team server (before anything is read)."""
    project.read(lambda session: require_team_supervisor(session, ACTION))


def import_one(
    project: Project,
    spec: ImportSpec,
    *,
    split: bool = False,
    no_speakers: bool = False,
    update_metadata: bool = False,
    known: dict[str, int] | None = None,
    actor: str | None = None,
) -> ImportResult:
    """Import one file; `known` maps the sha256 of stored sources to transcript ids."""
    require_import_rights(project)
    if known is None:
        known = project.read(store.known_hashes)
    data, digest = read_source(spec)
    if digest in known:
        result = skipped(spec, known[digest])
    else:
        parsed = parse(data, spec, split=split, no_speakers=no_speakers)
        result = _save(project, spec, parsed, digest, known)
    return _checked(project, spec, result, update_metadata, actor)


def preview(
    specs: Iterable[ImportSpec], *, split: bool = False, no_speakers: bool = False
) -> list[FilePreview]:
    """What each file would import as: turns, words and speakers (nothing is written)."""
    previews = []
    for spec in specs:
        try:
            data, _ = read_source(spec)
            parsed = parse(data, spec, split=split, no_speakers=no_speakers)
        except QualcodeError as error:
            previews.append(FilePreview(path=spec.path, error=str(error)))
            continue
        speakers: dict[str, SpeakerCount] = {}
        for turn in parsed.turns:
            if turn.speaker is not None:
                role = spec.roles.get(turn.speaker) or turn.role
                count = speakers.setdefault(
                    turn.speaker, SpeakerCount(label=turn.speaker, role=role)
                )
                count.turns += 1
        previews.append(
            FilePreview(
                path=spec.path,
                turns=len(parsed.turns),
                words=sum(len(turn.text.split()) for turn in parsed.turns),
                speakers=list(speakers.values()),
            )
        )
    return previews


def _checked(
    project: Project, spec: ImportSpec, result: ImportResult, update: bool, actor: str | None
) -> ImportResult:
    """A skipped file's metadata differences (applied when asked); a missing department."""
    if result.status == "skipped" and result.transcript_id:
        changes = metadata.reconcile(project, result.transcript_id, spec, apply=update, actor=actor)
        said = "; ".join(str(change) for change in changes)
        if changes and update:
            return result.model_copy(
                update={"status": "updated", "message": f"metadata updated: {said}."}
            )
        if changes:
            message = (
                f"{result.message} The stored metadata differs: {said}. Run the import again "
                "with --update-metadata to apply it."
            )
            differences = [str(change) for change in changes]
            return result.model_copy(update={"message": message, "differences": differences})
    if result.status == "imported" and spec.department is None:
        warning = (
            f"{spec.path.name} has no department; set it with `qualcode transcript set "
            f"{result.transcript_id} --department NAME`."
        )
        return result.model_copy(update={"warnings": [*result.warnings, warning]})
    return result


def _save(
    project: Project,
    spec: ImportSpec,
    parsed: ParsedTranscript,
    digest: str,
    known: dict[str, int],
) -> ImportResult:
    try:
        result = project.write(lambda session: _store(session, spec, parsed, digest))
    except IntegrityError:
        # Another process stored the same source meanwhile: the unique sha256 refused ours.
        found = project.read(lambda session: store.find_by_sha256(session, digest))
        if found is None:
            raise
        return skipped(spec, found.id)
    known[digest] = result.transcript_id or 0
    return result


def _store(
    session: Session, spec: ImportSpec, parsed: ParsedTranscript, digest: str
) -> ImportResult:
    transcript_id, words = store.insert_parsed(session, spec, parsed, digest)
    return ImportResult(
        path=spec.path,
        status="imported",
        transcript_id=transcript_id,
        turns=len(parsed.turns),
        words=words,
        warnings=[
            *(_kept_as_notes(parsed.notes) if parsed.notes_are_text else parsed.notes),
            *unmarked_moderators(spec, parsed, transcript_id, study_moderator_roles(session)),
            *roles_for_nobody(spec, parsed),
        ],
    )


def _kept_as_notes(lines: list[str]) -> list[str]:
    """One sentence for the file's lines that are no turn (before the first speaker label, or
    an export's footer): they are kept as the transcript's notes, not counted anywhere."""
    if not lines:
        return []
    first = lines[0] if len(lines[0]) <= 80 else lines[0][:79] + "…"
    more = f" and {counted(len(lines) - 1, 'more line')}" if len(lines) > 1 else ""
    one = len(lines) == 1
    return [
        f"{counted(len(lines), 'line')} of the file {'is' if one else 'are'} no speaker's turn "
        f"(text before the first speaker label, a heading or an export's footer) and "
        f"{'is' if one else 'are'} kept as a note of the transcript, counted nowhere: "
        f"{first!r}{more}. If it is speech, give it a speaker label ('Name: ') and import "
        "the file again."
    ]
