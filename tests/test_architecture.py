"""The layering of docs/architecture.md holds: core code never imports Textual; contracts pass
with no exceptions; service modules stay small."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# docs/architecture.md: a service module stays under about 300 lines.
SERVICE_LINES = 320


def test_importing_the_services_loads_no_textual() -> None:
    # (typer may appear: spaCy imports it for its own CLI; the import-linter contract below
    # checks that none of our core modules imports typer itself.)
    code = (
        "import importlib, pkgutil, sys\n"
        "import qualcode.services as services\n"
        "for module in pkgutil.iter_modules(services.__path__):\n"
        "    importlib.import_module(f'qualcode.services.{module.name}')\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'textual'))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert output.strip() == "[]"


def test_import_linter_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is part of the test extras"
    result = subprocess.run([lint_imports], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_contract_has_exceptions() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert contracts, "pyproject.toml states the layers as import-linter contracts"
    excepted = {c["name"]: c["ignore_imports"] for c in contracts if c.get("ignore_imports")}
    assert excepted == {}, "route the import through a service instead (docs/architecture.md)"


def test_service_modules_stay_small() -> None:
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO / "qualcode" / "services").glob("*.py")
    }
    assert len(sizes) > 20
    too_long = {name: lines for name, lines in sizes.items() if lines > SERVICE_LINES}
    assert too_long == {}, (
        "services orchestrate: move computation to analysis/, persistence to store/ and "
        "value types to domain/ (docs/architecture.md)"
    )
