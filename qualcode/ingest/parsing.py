"""One file's bytes to turns, as the import runs it (in its own process for a batch)."""

from __future__ import annotations

from qualcode.domain.imports import ImportSpec
from qualcode.domain.transcript import ParsedTranscript
from qualcode.ingest.readers import read_transcript_bytes
from qualcode.ingest.segmenter import split_sentences


def parse(data: bytes, spec: ImportSpec, *, split: bool, no_speakers: bool) -> ParsedTranscript:
    """Read one file's bytes into turns (and split long turns when asked)."""
    parsed = read_transcript_bytes(
        data,
        str(spec.path),
        encoding=spec.encoding,
        no_speakers=no_speakers,
        allow_unordered=spec.allow_unordered,
    )
    if split:
        parsed.turns = split_sentences(parsed.turns, spec.language)
    return parsed
