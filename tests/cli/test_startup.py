"""Start-up hygiene: what `qualcode --help`, `--version` and the everyday commands load.

Each command runs in a fresh interpreter and reports `sys.modules`, so the test checks
the modules, never the time (benchmarks/bench_cli.py measures that).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qualcode import __version__
from qualcode.cli import COMMANDS, app
from qualcode.domain.imports import ImportSpec
from qualcode.services.codebooks import load_codebook_file
from qualcode.services.importing import import_files
from qualcode.services.project import open_project
from tests.conftest import CODEBOOK, REPO

HEAVY = ("spacy", "scipy", "numpy", "textual", "thinc", "sklearn", "openpyxl", "docx")

_PROBE = """
import contextlib, io, json, sys
sys.argv = ["qualcode", *json.loads(sys.argv[1])]
from qualcode.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main()
        status = 0
    except SystemExit as exit:
        status = exit.code or 0
print(json.dumps({"status": status, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def loaded(*args: str) -> tuple[int, str, set[str]]:
    """Run `qualcode ARGS` in a new interpreter: its exit status, output and module names."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PATH": "", "COLUMNS": "100", "QUALCODE_CODER": "anna"},
    )
    report = json.loads(result.stdout.splitlines()[-1])
    return report["status"], report["out"], set(report["modules"])


def tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small SQLite project with the bundled codebook and one imported transcript."""
    path = tmp_path_factory.mktemp("startup") / "project.db"
    project = open_project(str(path))
    load_codebook_file(project, CODEBOOK)
    import_files(project, [ImportSpec(path=REPO / "tests/fixtures/transcripts/timed_labelled.txt")])
    project.close()
    return str(path)


def test_help_lists_every_command_without_importing_one() -> None:
    status, out, modules = loaded("--help")
    assert status == 0
    for name in COMMANDS:
        assert f" {name} " in out
    command_modules = {f"qualcode.cli.{entry.module}" for entry in COMMANDS.values()}
    assert not modules & command_modules
    assert not tops(modules) & {*HEAVY, "sqlalchemy", "pydantic", "yaml"}


def test_version_prints_the_package_version() -> None:
    status, out, modules = loaded("--version")
    assert (status, out.strip()) == (0, f"qualcode {__version__}")
    assert "sqlalchemy" not in tops(modules)


def test_the_registry_summaries_are_the_commands_own_help() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, entry in COMMANDS.items():
        command = group.commands[name]  # type: ignore[attr-defined]
        first_paragraph = (command.help or "").strip().split("\n\n")[0]
        assert entry.summary == " ".join(first_paragraph.split()), name


# What each everyday command must not load (a package, or a module with its submodules):
# beyond the heavy libraries, the ORM, pydantic (typer's coercion included: text arguments
# are taken as given), rich where a command prints one line, YAML, Alembic, and (on SQLite)
# the PostgreSQL dialect.
NOT_LOADED = {
    "code": {"sqlalchemy.orm", "pydantic", "rich", "yaml", "alembic", "platformdirs"},
    "uncode": {"sqlalchemy.orm", "pydantic", "rich", "yaml", "alembic", "platformdirs"},
    "transcripts": {"sqlalchemy.orm", "pydantic", "yaml", "alembic", "platformdirs"},
    # freq counts on Core into a ResultSet built without pydantic; the comparison's
    # statistics and the quote and search stack stay out.
    "freq": {
        "sqlalchemy.orm",
        "pydantic",
        "yaml",
        "alembic",
        "platformdirs",
        "qualcode.analysis.comparison",
        "qualcode.services.quotes",
    },
}


def loads(modules: set[str], name: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for module in modules)


@pytest.mark.parametrize("command", sorted(NOT_LOADED))
def test_everyday_commands_load_only_what_they_use(demo_db: str, command: str) -> None:
    if command == "uncode":
        loaded("code", "2", "temporality.breaks", "--db", demo_db)
    args = (command, "2", "temporality.breaks") if command in ("code", "uncode") else (command,)
    status, out, modules = loaded(*args, "--db", demo_db)
    assert status == 0, out
    unwanted = {*HEAVY, "sqlalchemy.dialects.postgresql", *NOT_LOADED[command]}
    assert not {name for name in unwanted if loads(modules, name)}
    # Only the command's own module (and the root group's argument reading) is imported,
    # and the codebook reader is not.
    assert {name for name in modules if name.startswith("qualcode.cli.")} <= {
        "qualcode.cli.common",
        "qualcode.cli.parsing",
        f"qualcode.cli.{COMMANDS[command].module}",
        *(("qualcode.cli.output",) if command == "freq" else ()),
    }
    assert "qualcode.codebook.files" not in modules
    # No mapped models, no domain pydantic views, no codebook model.
    assert not modules & {
        "qualcode.store.models",
        "qualcode.domain.corpus",
        "qualcode.domain.codebook",
        "qualcode.domain.table_model",
    }


@pytest.mark.parametrize("command", ["code", "uncode"])
def test_the_coding_path_runs_on_core_without_orm_or_migrations(demo_db: str, command: str) -> None:
    if command == "uncode":
        loaded("code", "3", "temporality.breaks", "--span", "0:4", "--db", demo_db)
    status, out, modules = loaded(
        command, "T1:3", "temporality.breaks", "--span", "0:4", "--db", demo_db
    )
    assert status == 0, out
    assert not tops(modules) & {*HEAVY, "alembic", "yaml", "pydantic", "rich"}
    # No ORM and no mapped models: applying and removing a code are Core statements; the
    # options are text, taken as given without typer's pydantic coercion.
    assert not {name for name in modules if name.startswith("sqlalchemy.orm")}
    assert not modules & {"qualcode.store.models", "qualcode.domain.corpus"}


@pytest.mark.parametrize(
    "args",
    [
        ("--by", "coder"),
        ("--by", "department", "--measure", "per1000", "--format", "csv"),
        ("--format", "json"),
    ],
)
def test_freq_counts_on_core_after_a_coding(demo_db: str, args: tuple[str, ...]) -> None:
    # A coding marks its transcript for the summary's recount, which freq runs first (a
    # write) on Core as well.
    loaded("code", "4", "temporality.breaks", "--coder", "bea", "--db", demo_db)
    status, out, modules = loaded("freq", *args, "--db", demo_db)
    assert status == 0, out
    assert "temporality.breaks" in out
    assert not {name for name in modules if name.startswith("sqlalchemy.orm")}
    assert "qualcode.store.models" not in modules
    # JSON is written through the pydantic model's serialisation, imported for it alone.
    assert ("pydantic" in tops(modules)) == ("json" in args)


def test_the_coding_path_codes_from_the_database(demo_db: str) -> None:
    status, out, _ = loaded("code", "1", "temporality.breaks", "--db", demo_db)
    assert status == 0, out
    first = out.strip().splitlines()[0]  # a second line says so when anna is a new coder
    assert first.startswith("Coded T1:1 (segment 1) ")
    assert first.endswith(" as temporality.breaks (anna).")
