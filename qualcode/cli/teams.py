"""Team commands: backup, restore, transfer, deleting transcripts, coders and their roles,
and team mode on a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qualcode.cli.common import (
    CoderOption,
    DbOption,
    console,
    friendly,
    project,
    stop_on_terminate,
)
from qualcode.config import coder_name
from qualcode.services import backup as backups
from qualcode.services import corpus, roles, team
from qualcode.services import transfer as transfers

coder_app = typer.Typer(help="Coders and their roles (coder or supervisor).", no_args_is_help=True)

team_app = typer.Typer(
    help="Team mode on a PostgreSQL server: group roles, rights and logins.",
    no_args_is_help=True,
)

RoleOption = Annotated[
    str, typer.Option("--role", help="coder (codes their own layer) or supervisor (everything).")
]


@friendly
def backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write.")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing file.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the project to FILE (SQLite backup API, or pg_dump)."""
    with stop_on_terminate():
        result = backups.backup(project(db), path, overwrite=overwrite)
    console.print(
        f"Backed up the {result.backend} project to {result.path} ({result.size:,} bytes)."
    )


@friendly
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `qualcode backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask before replacing the project's content.")
    ] = False,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Replace the whole project with the backup in FILE (supervisors only, once there are any)."""
    opened = project(db, create=True)
    where = opened.engine.url.render_as_string(hide_password=True)
    if not yes:
        typer.confirm(f"Replace everything in {where} with {path}?", abort=True)
    revision = backups.restore(opened, path, actor=coder_name(coder))
    console.print(f"Restored {path} into {where} (schema revision {revision}).")


@friendly
def transfer(
    source: Annotated[
        str, typer.Option("--from", help="The project to copy: a URL or SQLite file path.")
    ],
    target: Annotated[
        str, typer.Option("--to", help="An empty database: a URL or SQLite file path.")
    ],
) -> None:
    """Copy a whole project into an empty database and verify row counts and checksums."""
    report = transfers.transfer(
        source, target, progress=lambda name, n: console.print(f"  {name}: {n:,} rows")
    )
    console.print(
        f"Copied {report.rows:,} rows from {report.source} to {report.target}; every table's "
        "row count and sha256 checksum match on both sides."
    )


@friendly
def delete_transcript(
    ref: Annotated[str, typer.Argument(help="Transcript id (8 or T8), title or file name.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask first.")] = False,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Delete a transcript with all its codings and memos (supervisors, once there are any)."""
    opened = project(db)
    if not yes:
        info = corpus.get_transcript(opened, ref)
        typer.confirm(f"Delete transcript {info.id} ({info.title}) and its codings?", abort=True)
    deleted = corpus.delete_transcript(opened, ref, actor=coder_name(coder))
    console.print(f"Deleted transcript {deleted.id} ({deleted.title}).")


@coder_app.command("add")
@friendly
def add(
    name: Annotated[str, typer.Argument(help="The new coder's name.")],
    role: RoleOption = roles.CODER,
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Add a coder (once the project has supervisors, only they may; --coder says who you are)."""
    info = roles.add_coder(project(db), name, role, actor=coder_name(coder))
    console.print(f"Added {info.name} as {info.role}.")


@coder_app.command("list")
@friendly
def list_(db: DbOption = None) -> None:
    """List the coders with their roles."""
    coders = roles.list_coders(project(db))
    table = Table("name", "role", "layer")
    for info in coders:
        table.add_row(info.name, info.role, "consensus" if info.is_consensus else "own")
    console.print(table)
    if not any(info.role == roles.SUPERVISOR for info in coders):
        console.print("No supervisor yet: everyone may do everything (single-user mode).")


@coder_app.command("role")
@friendly
def role(
    name: Annotated[str, typer.Argument(help="The coder whose role changes.")],
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help="coder or supervisor.")],
    db: DbOption = None,
    coder: CoderOption = None,
) -> None:
    """Change a coder's role (supervisors only, once there are any)."""
    info = roles.set_role(project(db), name, new_role, actor=coder_name(coder))
    console.print(f"{info.name} is now a {info.role}.")


@team_app.command("setup")
@friendly
def team_setup(
    coder_role: Annotated[
        str, typer.Option("--coder-role", help="The group role of coders.")
    ] = team.CODER_ROLE,
    supervisor_role: Annotated[
        str, typer.Option("--supervisor-role", help="The group role of supervisors.")
    ] = team.SUPERVISOR_ROLE,
    db: DbOption = None,
) -> None:
    """Create the coder and supervisor roles, GRANTs and row-level security (run it as the
    tables' owner; a migration sets it up again); the database login becomes the identity."""
    done = team.set_up(project(db), coder_role, supervisor_role)
    console.print(
        f"Team mode is on: {done.tables} tables carry the rights of {done.coder_role} and "
        f"{done.supervisor_role}. Add a person with `qualcode team add-login NAME --role coder`."
    )


@team_app.command("add-login")
@friendly
def team_add_login(
    login: Annotated[str, typer.Argument(help="The PostgreSQL login to create (or keep).")],
    role: RoleOption = roles.CODER,
    as_coder: Annotated[
        str | None,
        typer.Option(
            "--as", help="The coder the login acts as (default: the same name).", show_default=False
        ),
    ] = None,
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Ask for its password (not shown, not on the command line); without it the "
            "login has none, for trust or peer authentication.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a LOGIN role in the coder or supervisor group, acting as a coder of that role
    (run it as the tables' owner, with CREATEROLE)."""
    secret = (
        typer.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    )
    made = team.add_login(project(db), login, role, coder=as_coder, password=secret)
    console.print(f"Login {made.login} acts as {made.coder}, a {made.role}.")
