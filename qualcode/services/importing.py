"""Import transcripts: each file is one all-or-nothing transaction; re-imports are no-ops."""

from __future__ import annotations

import hashlib
import multiprocessing
import shlex
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.domain.imports import (
    FilePreview,
    ImportReport,
    ImportResult,
    ImportSpec,
    SpeakerCount,
)
from qualcode.domain.scope import is_moderator, normal_role
from qualcode.domain.transcript import ParsedTranscript
from qualcode.domain.wording import counted
from qualcode.errors import DiskFullError, QualcodeError
from qualcode.ingest.parsing import parse
from qualcode.ingest.readers import read_file
from qualcode.processes import die_with_parent
from qualcode.services import metadata
from qualcode.services.project import Project
from qualcode.services.roles import require_team_supervisor
from qualcode.services.scope import study_moderator_roles
from qualcode.store import transcripts as store

Progress = Callable[[ImportResult], None]


ACTION = "import transcripts"  # a supervisor's on a team server (roles.team_refusal)
# Below this many files a parsing process costs more to start than it saves.
PARALLEL_FROM = 4
# Parsed files waiting to be written, at most: bounds memory when writing is the slower step.
LOOKAHEAD = 8


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
    with project.one_connection() as batch, _parsers(count) as pool:
        batch.read(lambda session: require_team_supervisor(session, ACTION))
        known = batch.read(store.known_hashes)
        for spec, outcome in _parsed(specs, known, pool, split=split, no_speakers=no_speakers):
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
    data, digest = _read(spec)
    if digest in known:
        result = _skipped(spec, known[digest])
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
            data, _ = _read(spec)
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


Outcome = ImportResult | tuple[str, ParsedTranscript] | Exception
# Parsing in the pool, or None for bytes already seen earlier in the batch.
Pending = tuple[str, "Future[ParsedTranscript] | None"]


def _parsed(
    specs: Iterable[ImportSpec],
    known: dict[str, int],
    pool: ProcessPoolExecutor | None,
    *,
    split: bool,
    no_speakers: bool,
) -> Iterator[tuple[ImportSpec, Outcome]]:
    """Each file with its outcome, in order: skipped, parsed (with its digest), or an error.

    With a pool, up to LOOKAHEAD files are parsed ahead in the other process.
    """
    waiting: deque[tuple[ImportSpec, Outcome | Pending]] = deque()
    seen: set[str] = set()

    def submit(spec: ImportSpec) -> None:
        try:
            data, digest = _read(spec)
        except QualcodeError as error:
            waiting.append((spec, error))
            return
        if digest in known or digest in seen:
            transcript_id = known.get(digest)
            waiting.append(
                (spec, _skipped(spec, transcript_id) if transcript_id else (digest, None))
            )
            return
        seen.add(digest)
        if pool is None:
            try:
                waiting.append(
                    (spec, (digest, parse(data, spec, split=split, no_speakers=no_speakers)))
                )
            except QualcodeError as error:
                waiting.append((spec, error))
            return
        future = pool.submit(parse, data, spec, split=split, no_speakers=no_speakers)
        waiting.append((spec, (digest, future)))

    queue = iter(specs)
    for spec in queue:
        submit(spec)
        if len(waiting) >= LOOKAHEAD:
            break
    while waiting:
        spec, entry = waiting.popleft()
        outcome = _resolved(spec, entry, known)
        next_spec = next(queue, None)
        if next_spec is not None:
            submit(next_spec)
        yield spec, outcome


def _resolved(spec: ImportSpec, entry: Outcome | Pending, known: dict[str, int]) -> Outcome:
    """The outcome of a waiting file: its parse finished, or its earlier copy's."""
    if not isinstance(entry, tuple):
        return entry
    digest, value = entry
    if isinstance(value, Future):
        try:
            return digest, value.result()
        except QualcodeError as error:
            return error
    if value is None:
        # The same bytes came twice in this batch: the first copy decides.
        first = known.get(digest)
        if first:
            return _skipped(spec, first)
        return QualcodeError(
            f"{spec.path}: the same file is earlier in this batch and was not imported."
        )
    return digest, value


@contextmanager
def _parsers(files: int) -> Iterator[ProcessPoolExecutor | None]:
    if files < PARALLEL_FROM:
        yield None
        return
    # A fresh interpreter (spawn), not a fork: the worker loads only the readers and holds
    # none of this process's memory; as this process's own child it stops when this process
    # dies, even by SIGKILL (a forkserver would outlive it).
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=die_with_parent)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _read(spec: ImportSpec) -> tuple[bytes, str]:
    data = read_file(spec.path)
    return data, hashlib.sha256(data).hexdigest()


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
    transcript_id, words = store.insert_parsed(session, spec, parsed, digest)
    return ImportResult(
        path=spec.path,
        status="imported",
        transcript_id=transcript_id,
        turns=len(parsed.turns),
        words=words,
        warnings=[*parsed.notes, *_unmarked_moderators(session, spec, parsed, transcript_id)],
    )


def _unmarked_moderators(
    session: Session, spec: ImportSpec, parsed: ParsedTranscript, transcript_id: int
) -> list[str]:
    """A speaker labelled with a moderator role ('Moderator:', 'Interviewer:') but given no
    role: their turns count as a participant's until the role is set, which the analysis
    scope ('participant turns (not moderator, ...)') does not show, so the import says so."""
    roles = study_moderator_roles(session)
    turns: dict[str, int] = {}
    for turn in parsed.turns:
        label = turn.speaker
        if label and not (spec.roles.get(label) or turn.role) and is_moderator(label, roles):
            turns[label] = turns.get(label, 0) + 1
    return [
        f"{spec.path.name}: the speaker {label!r} has no role, so their {counted(n, 'turn')} "
        f"{'counts as a participant turn' if n == 1 else 'count as participant turns'}; if "
        f"{label} moderated, run "
        f"`qualcode speaker set {transcript_id} {shlex.quote(label)} "
        f"--role {normal_role(label)}`."
        for label, n in turns.items()
    ]
