"""Fixtures for codebook tests: the small valid codebook and a way to write broken copies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

MINI = Path(__file__).parents[1] / "fixtures" / "codebooks" / "mini.yaml"


@pytest.fixture
def mini_text() -> str:
    return MINI.read_text(encoding="utf-8")


@pytest.fixture
def write_variant(tmp_path: Path, mini_text: str) -> Callable[[str, str], tuple[Path, int]]:
    """Write mini.yaml with `old` replaced by `new`; return the path and the edited line."""

    def write(old: str, new: str) -> tuple[Path, int]:
        assert mini_text.count(old) == 1, f"{old!r} must occur once in mini.yaml"
        line = mini_text[: mini_text.index(old)].count("\n") + 1
        path = tmp_path / "variant.yaml"
        path.write_text(mini_text.replace(old, new), encoding="utf-8")
        return path, line

    return write
