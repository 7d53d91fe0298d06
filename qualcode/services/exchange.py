"""REFI-QDA use cases: export the codebook (.qdc) or the project (.qdpx), import either.

The mapping lives in `qualcode.exchange.refi` (`exporter`, `importer`); this module reads
and writes the files and runs each import as one transaction: when part of a file cannot be
imported, nothing is stored unless the caller allows a partial import, in which case the
rest is committed and the summary names what was left and why.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from qualcode.domain.wording import counted
from qualcode.errors import InputError, PermissionDenied, QualcodeError
from qualcode.exchange.refi import qdc, qdpx
from qualcode.exchange.refi.cards import is_deck
from qualcode.exchange.refi.code_import import CodeImport, target_codebook
from qualcode.exchange.refi.exporter import (
    CODEBOOK_MARKER,
    active_or_fail,
    build_project,
    code_guid,
    code_sets,
    code_tree,
    count,
)
from qualcode.exchange.refi.importer import Importer, ImportOptions
from qualcode.exchange.refi.kept import keep_sets
from qualcode.exchange.refi.model import RefiProject
from qualcode.exchange.refi.positions import CODEPOINTS, UTF16
from qualcode.exchange.refi.summary import ExportSummary, ImportSummary
from qualcode.ingest.plain_text import turn_spans
from qualcode.services.blind import visibility
from qualcode.services.project import Project
from qualcode.services.roles import require_import, require_supervisor, team_refusal
from qualcode.store import codes as code_store

__all__ = [
    "POSITIONS",
    "ExportSummary",
    "ImportSummary",
    "PartialImportError",
    "export_codebook_qdc",
    "export_project_qdpx",
    "import_qdc",
    "import_qdpx",
]

FALLBACK_CODER = "imported"
POSITIONS = (CODEPOINTS, UTF16)


class PartialImportError(InputError):
    """Part of a file could not be imported and the caller did not allow a partial import;
    nothing was stored. `summary` says what would have been imported and what not."""

    def __init__(self, summary: ImportSummary):
        left = "; ".join(summary.not_imported)
        super().__init__(
            str(summary.path),
            f"{counted(len(summary.not_imported), 'part')} cannot be imported: {left}.",
            hint="Nothing was imported. Fix the file, or import the rest with --allow-partial.",
        )
        self.summary = summary


# ---------------------------------------------------------------- export


def export_codebook_qdc(project: Project, path: Path) -> ExportSummary:
    """Write the active codebook (with its kept code sets) as a REFI-QDA codebook (.qdc)."""

    def work(session: Session) -> tuple[bytes, int]:
        codes = code_store.codes_of(session, active_or_fail(session).id)
        tree = code_tree(codes, {})
        sets = code_sets(session, {code_guid(code) for code in codes})
        return qdc.write_codebook(tree, sets), count(tree)

    data, codes = project.read(work)
    _write(path, data)
    return ExportSummary(path, codes=codes)


def _write(path: Path, data: bytes) -> None:
    """Write an export, or say in one sentence why it cannot be (no traceback)."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise QualcodeError(
            f"Could not write {path}: {error.strerror or error}; "
            "check that the folder exists and is writable."
        ) from error


def export_project_qdpx(project: Project, path: Path, *, actor: str | None = None) -> ExportSummary:
    """Write the whole project (all coders' layers) as a REFI-QDA project (.qdpx)."""
    summary = ExportSummary(path)

    def work(session: Session) -> RefiProject:
        visibility(session, actor).require_every_layer("every coder's codings")
        return build_project(session, summary)

    refi = project.read(work)
    _write(path, qdpx.write_project(refi))
    summary.codes = count([code for code in refi.codes if not is_deck(code)])
    summary.users = len(refi.users)
    summary.sources = len(refi.sources)
    summary.notes = len(refi.notes)
    summary.cases = len(refi.cases)
    summary.sets = len(refi.sets)
    return summary


# ---------------------------------------------------------------- import


def import_qdc(
    project: Project,
    path: Path,
    codebook: str | None = None,
    *,
    allow_partial: bool = False,
    actor: str | None = None,
) -> ImportSummary:
    """Merge the codes (and code sets) of a .qdc file into `codebook` (default: the active
    one, else a new codebook named after the file); codes already there (same key) are
    kept as they are. Once the project has supervisors, only they may (`actor`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror}).") from error
    codes, sets = qdc.read_codebook(data, str(path))
    summary = ImportSummary(path)

    def work(session: Session) -> ImportSummary:
        require_supervisor(session, actor, "import codes into the codebook")
        book = target_codebook(session, codebook, path.stem, data)
        CodeImport(session, summary).merge(book, codes)
        keep_sets(session, sets, str(path))
        summary.kept = {"sets": len(sets)}
        return _settle(summary, allow_partial)

    return project.write(work)


def import_qdpx(
    project: Project,
    path: Path,
    coder: str | None = None,
    *,
    allow_partial: bool = False,
    merge_by_text: bool = False,
    positions: str | None = None,
    actor: str | None = None,
) -> ImportSummary:
    """Import a .qdpx project (or a bare .qde) in one transaction; codings without a user
    go to `coder`. `positions` (codepoints or utf16) overrides how positions are counted.

    Once the project has supervisors, `actor` (default: `coder`) may import only what they
    could do by hand (see `roles.require_import`): a coder imports codings into their own
    layer; new codes, cards or coders, and other coders' layers, need a supervisor."""
    if positions is not None and positions not in POSITIONS:
        raise QualcodeError(f"--positions must be one of {', '.join(POSITIONS)}.")
    refi = qdpx.read_project(path)
    summary = ImportSummary(path)
    options = ImportOptions(
        fallback_coder=coder or FALLBACK_CODER,
        segmenter=turn_spans,
        positions=positions,
        merge_by_text=merge_by_text,
    )

    def work(session: Session) -> ImportSummary:
        digest = hashlib.sha256(refi.name.encode("utf-8")).digest()
        exported = next(
            (x for x in refi.description.splitlines() if x.startswith(CODEBOOK_MARKER)), None
        )
        fallback = exported[len(CODEBOOK_MARKER) :] if exported else refi.name or path.stem
        book = target_codebook(session, None, fallback, digest)
        known = {row.name for row in code_store.list_coders(session)}
        importer = Importer(session, summary, options)
        if team_refusal(session, "import transcripts") is not None:
            # a coder's login: their codings onto the project's transcripts, nothing more
            def refuse(where: str) -> None:
                why = f"{path.name} holds {where}, which is not in the project"
                raise PermissionDenied(str(team_refusal(session, "import transcripts", why)))

            importer.options = replace(options, refuse_transcript=refuse)
        importer.project(book, refi)
        require_import(
            session,
            actor or coder,
            codebook_changed=bool(summary.codes_added or summary.cards_added),
            new_coders=[c.name for c in code_store.list_coders(session) if c.name not in known],
            layers=importer.layers,
        )
        return _settle(summary, allow_partial)

    return project.write(work)


def _settle(summary: ImportSummary, allow_partial: bool) -> ImportSummary:
    """Refuse (rolling the transaction back) when parts were left and that is not allowed."""
    if summary.not_imported and not allow_partial:
        raise PartialImportError(summary)
    return summary
