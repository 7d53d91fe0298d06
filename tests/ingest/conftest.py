"""Shared fixtures: the fixture folder, and Word files built with python-docx."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transcripts"

# A paragraph is plain text, or a list of (text, bold) runs; ("#", text) is a heading and
# ("table", rows) a table.
Block = str | list[tuple[str, bool]] | tuple[str, object]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def make_docx() -> Callable[[list[Block]], bytes]:
    """Build a .docx file's bytes from a list of blocks (see ``Block``)."""

    def build(blocks: list[Block]) -> bytes:
        document = docx.Document()
        for block in blocks:
            if isinstance(block, str):
                document.add_paragraph(block)
            elif isinstance(block, tuple) and block[0] == "#":
                document.add_heading(str(block[1]), level=1)
            elif isinstance(block, tuple):
                rows = block[1]
                assert isinstance(rows, list)
                table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
                for cells, values in zip(table.rows, rows, strict=True):
                    # Shorter rows leave their last cells empty.
                    for cell, value in zip(cells.cells, values, strict=False):
                        cell.text = value
            else:
                paragraph = document.add_paragraph()
                for text, bold in block:
                    paragraph.add_run(text).bold = bold
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return build
