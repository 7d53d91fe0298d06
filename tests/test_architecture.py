"""The layering in DESIGN.md holds: core code never imports Textual; contracts pass."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
