"""Codebook edits: rename, recolour, merge open codes, promote an open code into the file.

Open codes live only in the database, so their edits are database updates. Codes from the
codebook file are edited in the file (written with dump_codebook) and the file is loaded
again as a new codebook version, so the file stays the source of truth. Like loading a
codebook, every edit needs a supervisor (`actor`) once the project has one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from qualcode.codebook.files import dump_codebook, load_codebook
from qualcode.domain.codebook import COLOUR_PATTERN, OPEN_BRANCH, Codebook, CodeSpec
from qualcode.domain.corpus import CodeInfo
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.resources import bundled
from qualcode.services.codebooks import (
    LoadSummary,
    active_codebook,
    codebook_info,
    load_codebook_file,
)
from qualcode.services.finders import find_code
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import code_edit as store
from qualcode.store.models import Code

CHANGE = "change the codebook"


@dataclass(frozen=True)
class MergeSummary:
    source: str
    target: str
    moved: int
    duplicates: int


def codebook_file(project: Project) -> Path | None:
    """The file the active codebook was loaded from, or None if it is the shipped one."""
    source = project.read(lambda session: active_codebook(session).source_path)
    if source is None or _is_shipped(Path(source)):
        return None
    return Path(source)


def rename_code(
    project: Project, key: str, name: str, *, path: Path | None = None, actor: str | None = None
) -> CodeInfo:
    """Give the code a new display name (its key, and so its codings, stay)."""
    name = name.strip()
    if not name:
        raise QualcodeError("A code needs a name; type at least one letter.")
    return _edit(project, key, {"name": name}, path, actor)


def recolour_code(
    project: Project, key: str, color: str, *, path: Path | None = None, actor: str | None = None
) -> CodeInfo:
    """Give the code a new colour, a hex colour such as #1f77b4."""
    color = color.strip().lower()
    if not COLOUR_PATTERN.fullmatch(color):
        raise QualcodeError(f"{color!r} is not a colour; type a hex colour such as #1f77b4.")
    return _edit(project, key, {"color": color}, path, actor)


def merge_open_code(
    project: Project, source: str, target: str, *, actor: str | None = None
) -> MergeSummary:
    """Move every coding of the open code `source` to `target`, then delete `source`."""
    if source == target:
        raise QualcodeError("Choose a different code to merge into.")

    def work(session: Session) -> MergeSummary:
        require_supervisor(session, actor, CHANGE)
        code = _open_code(session, source)
        into = find_code(session, target)
        if into.retired:
            raise QualcodeError(f"The code '{target}' is retired; merge into a code in use.")
        moved, dropped = store.move_code_usage(session, code.id, into.id)
        store.delete_code(session, code)
        return MergeSummary(source, target, moved, dropped)

    return project.write(work)


def promote_open_code(
    project: Project,
    key: str,
    *,
    new_key: str | None = None,
    path: Path | None = None,
    actor: str | None = None,
) -> LoadSummary:
    """Write the open code into the codebook file and load the file as a new version.

    With `new_key` (e.g. temporality.it_system) the code gets a place in the hierarchy and
    its codings move to it; `path` writes the codebook to another file (needed when the
    codebook is the one shipped with qualcode).
    """
    code = _info(project, key)
    if not code.is_open:
        raise QualcodeError(f"'{key}' is already a codebook code; only open codes are promoted.")
    target_key = (new_key or key).strip()
    spec = _spec(
        key=target_key,
        name=code.name,
        definition=code.definition,
        include=code.include,
        exclude=code.exclude,
        examples=code.examples,
        terms=code.terms,
        color=code.color,
    )

    def add(book: Codebook) -> Codebook:
        if target_key in book:
            raise QualcodeError(f"The codebook file already has '{target_key}'; pick another key.")
        return book.with_code(spec)

    summary = _rewrite_file(project, add, path, actor)
    if target_key != key:
        merge_open_code(project, key, target_key, actor=actor)
    return summary


def usage_by_coder(project: Project) -> dict[str, dict[str, int]]:
    """Per code key, the number of codings of each coder."""

    def work(session: Session) -> dict[str, dict[str, int]]:
        usage: dict[str, dict[str, int]] = defaultdict(dict)
        for key, coder, count in store.coding_counts_by_coder(session, active_codebook(session).id):
            usage[key][coder] = count
        return dict(usage)

    return project.read(work)


def _edit(
    project: Project, key: str, values: dict[str, str], path: Path | None, actor: str | None
) -> CodeInfo:
    if _info(project, key).is_open:

        def work(session: Session) -> None:
            require_supervisor(session, actor, CHANGE)
            store.set_code_fields(session, find_code(session, key), **values)

        project.write(work)
    else:
        _rewrite_file(
            project,
            lambda book: book.with_code(_spec(**(book.get(key).model_dump() | values))),
            path,
            actor,
        )
    return _info(project, key)


def _rewrite_file(
    project: Project,
    change: Callable[[Codebook], Codebook],
    path: Path | None,
    actor: str | None,
) -> LoadSummary:
    """Apply `change` to the codebook file, write it, and load it as a new version."""
    project.read(lambda session: require_supervisor(session, actor, CHANGE))
    row = project.read(active_codebook)
    source, digest = row.source_path, row.content_hash
    if source is None:
        raise QualcodeError("The codebook in use was not loaded from a file; load one first.")
    book = load_codebook(source)
    if book.content_hash() != digest:
        raise QualcodeError(
            f"The codebook file {source} changed since it was loaded; load it first with "
            f"`qualcode codebook load {source}`."
        )
    target = Path(path or source)
    if _is_shipped(target):
        raise QualcodeError(
            f"{target} is the codebook shipped with qualcode; write the change to a file of "
            "your own (give its path)."
        )
    updated = change(book)
    previous = target.read_text(encoding="utf-8") if target.exists() else None
    dump_codebook(updated, target)
    try:
        return load_codebook_file(project, target, actor=actor)
    except Exception:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(previous, encoding="utf-8")
        raise


def _spec(**values: object) -> CodeSpec:
    try:
        return CodeSpec.model_validate(values)
    except ValidationError as error:
        raise QualcodeError(f"The code is not valid: {error.errors()[0]['msg']}.") from None


def _open_code(session: Session, key: str) -> Code:
    code = find_code(session, key)
    if not code.is_open or key == OPEN_BRANCH:
        raise QualcodeError(f"'{key}' is not an open code; only open codes are merged.")
    return code


def _info(project: Project, key: str) -> CodeInfo:
    code = codebook_info(project).get(key)
    if code is None:
        raise NotFoundError(f"No code '{key}' in the codebook in use; check the key.")
    return code


def _is_shipped(path: Path) -> bool:
    try:
        shipped = bundled("codebooks").resolve()
    except NotFoundError:
        return False
    return shipped in path.resolve().parents
