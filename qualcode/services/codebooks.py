"""Codebook use cases: load a file as a new version, show it with counts, open codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from qualcode.domain.codebook import OPEN_BRANCH, slugify_open_code
from qualcode.domain.codekey import CodeKey
from qualcode.domain.corpus import CodebookInfo, CodeInfo
from qualcode.domain.text import one_line
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.project import Project
from qualcode.services.roles import coder_for_write, require_supervisor
from qualcode.store import codes as store
from qualcode.store.coding_rows import ACTIVE_CODEBOOK
from qualcode.store.models import Code
from qualcode.store.models import Codebook as CodebookRow

if TYPE_CHECKING:
    from qualcode.domain.codebook import Codebook

OPEN_COLOUR = "#9467bd"


@dataclass
class LoadSummary:
    name: str
    version: int
    unchanged: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def bundled_codebook(name: str) -> Path:
    """The file of a codebook shipped with qualcode, e.g. `three_concepts`."""
    from qualcode.codebook.files import bundled_codebook_path

    return bundled_codebook_path(name)


def load_codebook_file(
    project: Project, path: Path, *, retire: bool = False, actor: str | None = None
) -> LoadSummary:
    """Store the codebook in `path`; a changed file becomes a new version.

    Codes keep their identity (and codings) by key. A code missing from the new file is
    deleted when nobody used it; when it has codings the load is refused unless `retire`,
    which keeps the code and its codings but hides it from coding. Once the project has a
    supervisor, only a supervisor (`actor`) may load.
    """
    # Imported here: the YAML reader is needed to load a file, never to code (the other
    # use cases read the codebook from the database).
    from qualcode.codebook.files import load_codebook

    codebook = load_codebook(path)

    def work(session: Session) -> LoadSummary:
        require_supervisor(session, actor, "load a codebook")
        return _store_codebook(session, codebook, path, retire)

    return project.write(work)


def _store_codebook(session: Session, codebook: Codebook, path: Path, retire: bool) -> LoadSummary:
    digest = codebook.content_hash()
    row = store.codebook_by_name(session, codebook.name)
    if row is not None and row.content_hash == digest:
        store.put_setting(session, ACTIVE_CODEBOOK, {"name": row.name})
        return LoadSummary(codebook.name, row.version, unchanged=True)
    if row is None:
        row = store.add_codebook(session, codebook.name, digest)
    store.next_version(row, digest, codebook.title, list(codebook.favourites), str(path))
    summary = LoadSummary(codebook.name, row.version)
    existing = {code.key: code for code in store.codes_of(session, row.id)}
    by_key: dict[str, Code] = {}
    for order, spec in enumerate(codebook.codes):
        code = existing.get(spec.key)
        values = {
            "name": spec.name,
            "definition": spec.definition,
            "include": list(spec.include),
            "exclude": list(spec.exclude),
            "examples": list(spec.examples),
            "terms": {lang: list(terms) for lang, terms in spec.terms.items()},
            "color": spec.color,
            "is_open": spec.is_open,
            "retired": False,
            "sort_order": order,
            "parent_id": by_key[spec.parent_key].id if spec.parent_key else None,
        }
        if code is None:
            code = store.add_code(session, codebook_id=row.id, key=spec.key, **values)
            summary.added.append(spec.key)
        elif store.update_code(code, values):
            summary.updated.append(spec.key)
        by_key[spec.key] = code
    _drop_missing(session, row.id, existing, by_key, retire, summary)
    store.put_setting(session, ACTIVE_CODEBOOK, {"name": row.name})
    return summary


def _drop_missing(
    session: Session,
    codebook_id: int,
    existing: dict[str, Code],
    kept: dict[str, Code],
    retire: bool,
    summary: LoadSummary,
) -> None:
    counts = store.coding_counts(session, codebook_id)
    missing = [code for key, code in existing.items() if key not in kept and not code.is_open]
    used = [code.key for code in missing if counts.get(code.id)]
    if used and not retire:
        raise QualcodeError(
            f"The new codebook removes codes that have codings: {', '.join(sorted(used))}. "
            "Keep them in the file, or load with --retire to retire them."
        )
    for code in missing:
        if counts.get(code.id):
            store.update_code(code, {"retired": True})
            summary.retired.append(code.key)
        else:
            store.delete_code(session, code)
            summary.removed.append(code.key)


def active_codebook(session: Session) -> CodebookRow:
    row = store.active_codebook(session)
    if row is None:
        raise NotFoundError(
            "No codebook is loaded; run `qualcode codebook load --bundled three_concepts` "
            "(or load your own YAML file)."
        )
    return row


def codebook_info(project: Project, coder: str | None = None) -> CodebookInfo:
    """The active codebook with every code and its number of codings (of `coder` if given)."""

    def work(session: Session) -> CodebookInfo:
        row = active_codebook(session)
        coder_row = store.coder_by_name(session, coder) if coder else None
        counts = store.coding_counts(session, row.id, coder_row.id if coder_row else None)
        codes = store.codes_of(session, row.id)
        keys = {code.id: code.key for code in codes}
        return CodebookInfo(
            id=row.id,
            name=row.name,
            title=row.title,
            version=row.version,
            content_hash=row.content_hash,
            favourites=list(row.favourites),
            codes=[code_info(code, keys, counts.get(code.id, 0)) for code in codes],
        )

    return project.read(work)


def code_info(code: Code, keys: dict[int, str], count: int = 0) -> CodeInfo:
    return CodeInfo(
        id=code.id,
        key=code.key,
        name=code.name,
        parent_key=keys.get(code.parent_id) if code.parent_id else None,
        definition=code.definition,
        include=list(code.include),
        exclude=list(code.exclude),
        examples=list(code.examples),
        terms=dict(code.terms),
        color=code.color,
        is_open=code.is_open,
        retired=code.retired,
        n_codings=count,
    )


def create_open_code(project: Project, name: str, coder: str) -> CodeInfo:
    """Create (or reuse) the open code `open.<slug of name>` made by `coder`."""
    name = one_line(name)  # no control characters for the terminal to obey
    key = slugify_open_code(name)

    def work(session: Session) -> CodeInfo:
        book = active_codebook(session)
        coder_row = coder_for_write(session, coder)
        code = ensure_open_code(session, book.id, key, name.strip(), coder_row.id)
        return code_info(code, {code.parent_id: OPEN_BRANCH} if code.parent_id else {})

    return project.write(work)


def ensure_open_code(
    session: Session, codebook_id: int, key: str, name: str, coder_id: int | None
) -> Code:
    """Return the code `key` under the open branch, creating the branch and code if needed."""
    code = store.code_by_key(session, codebook_id, key)
    if code is not None:
        if code.retired:
            raise QualcodeError(f"The code '{key}' is retired; choose another name.")
        return code
    branch = store.code_by_key(session, codebook_id, OPEN_BRANCH)
    if branch is None:
        branch = store.add_code(
            session,
            codebook_id=codebook_id,
            key=OPEN_BRANCH,
            name="Open codes",
            definition="Codes created while coding.",
            color=OPEN_COLOUR,
            sort_order=store.next_sort_order(session, codebook_id),
        )
    return store.add_code(
        session,
        codebook_id=codebook_id,
        key=key,
        name=name or CodeKey(key).last.replace("_", " "),
        parent_id=branch.id,
        color=OPEN_COLOUR,
        is_open=True,
        created_by=coder_id,
        sort_order=store.next_sort_order(session, codebook_id),
    )
