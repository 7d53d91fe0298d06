"""Files parsed ahead of the import that writes them: read, hashed, skipped when their bytes
were imported before (or earlier in the batch), and parsed, in a second process for a batch."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from qualcode.domain.imports import ImportResult, ImportSpec
from qualcode.domain.transcript import ParsedTranscript
from qualcode.errors import QualcodeError
from qualcode.ingest.parsing import parse
from qualcode.ingest.readers import read_file
from qualcode.processes import die_with_parent

# Below this many files a parsing process costs more to start than it saves.
PARALLEL_FROM = 4
# Parsed files waiting to be written, at most: bounds memory when writing is the slower step.
LOOKAHEAD = 8


def skipped(spec: ImportSpec, transcript_id: int) -> ImportResult:
    """A file whose bytes are stored already, as transcript `transcript_id`."""
    return ImportResult(
        path=spec.path,
        status="skipped",
        transcript_id=transcript_id,
        message=f"already imported as transcript {transcript_id}.",
    )


Outcome = ImportResult | tuple[str, ParsedTranscript] | Exception
# Parsing in the pool, or None for bytes already seen earlier in the batch.
Pending = tuple[str, "Future[ParsedTranscript] | None"]


def parsed_ahead(
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
            data, digest = read_source(spec)
        except QualcodeError as error:
            waiting.append((spec, error))
            return
        if digest in known or digest in seen:
            transcript_id = known.get(digest)
            waiting.append(
                (spec, skipped(spec, transcript_id) if transcript_id else (digest, None))
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
            return skipped(spec, first)
        return QualcodeError(
            f"{spec.path}: the same file is earlier in this batch and was not imported."
        )
    return digest, value


@contextmanager
def parsers(files: int) -> Iterator[ProcessPoolExecutor | None]:
    """A second process that parses while this one writes, for a batch of `files`."""
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


def read_source(spec: ImportSpec) -> tuple[bytes, str]:
    """The file's bytes (bounded by readers.read_file) and their sha256."""
    data = read_file(spec.path)
    return data, hashlib.sha256(data).hexdigest()
