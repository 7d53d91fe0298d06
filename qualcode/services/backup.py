"""Back up a project to one file and restore it (see qualcode.store.backup for the how)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from qualcode.errors import InputError, QualcodeError
from qualcode.processes import removed_if_killed
from qualcode.services import team
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import backup as store
from qualcode.store.disk import disk_full_explained
from qualcode.store.migrate import alembic_config, current_revision, upgrade


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backend: str
    size: int


def backend_of(project: Project) -> str:
    return project.engine.dialect.name


def backup(project: Project, path: Path, *, overwrite: bool = False) -> BackupResult:
    """Write a consistent copy of the whole project to `path` while others keep working."""
    if path.exists() and not overwrite:
        raise QualcodeError(f"{path} already exists; choose a new file name or use --overwrite.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        # Killed outright (SIGKILL: no handler runs), a watcher process removes the partial.
        with removed_if_killed(partial):
            with disk_full_explained(
                str(path), "the backup was not written (no partial file left)"
            ):
                if backend_of(project) == "sqlite":
                    store.sqlite_backup(project.engine, partial)
                else:
                    store.pg_dump(project.engine.url, partial)
            partial.replace(path)  # a backup file exists only once it is complete
    except BaseException:  # an error, Ctrl-C or SIGTERM (see stop_on_terminate): no leftovers
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path=path, backend=backend_of(project), size=path.stat().st_size)


def restore(project: Project, path: Path, *, actor: str | None = None) -> str:
    """Replace the project's whole content with the backup in `path`; returns its revision.

    A backup from an older qualcode is migrated to the current schema afterwards. Once the
    project has supervisors, only a supervisor may restore.
    """
    project.read(lambda session: require_supervisor(session, actor, "restore a backup"))
    kind = store.file_kind(path)
    backend = backend_of(project)
    if kind != backend:
        raise QualcodeError(
            f"{path} is a {kind} backup and this project is on {backend}; restore it into a "
            f"{kind} database, then move it with `qualcode transfer`."
        )
    if kind == "sqlite":
        _check_revision(path, store.sqlite_revision(path))
        project.engine.dispose()
        store.sqlite_restore(project.engine, path)
    else:
        project.engine.dispose()
        store.pg_restore(project.engine.url, path)
    project.engine.dispose()
    try:
        upgrade(project.engine)
    except CommandError as error:
        raise QualcodeError(
            f"The restored data needs a newer qualcode ({error}); upgrade qualcode and restore "
            "again."
        ) from error
    team.reapply(project)  # the dump carries no GRANTs (--no-privileges)
    return current_revision(project.engine) or ""


def _check_revision(path: Path, revision: str | None) -> None:
    if revision is None:
        raise InputError(str(path), "is a SQLite file but not a qualcode project.")
    scripts = ScriptDirectory.from_config(alembic_config())
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise InputError(
            str(path),
            f"was made by a newer qualcode (schema revision {revision}).",
            hint="Upgrade qualcode, then restore.",
        )
