"""Word (.docx) transcripts read with python-docx.

A turn is a paragraph ``Name: text`` (the name often bold), a paragraph that starts with a
bold name and no colon (when that bold name starts two or more paragraphs or is already a
known speaker, so a bold first word is not taken for a speaker), or a table row
``[time |] speaker | text``. Paragraphs without a label continue the open turn; headings,
and paragraphs before the first turn, become notes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from qualcode.archives import repacked
from qualcode.domain.text import MAX_FILE_BYTES
from qualcode.domain.transcript import ParsedTranscript, Turn
from qualcode.errors import InputError
from qualcode.ingest.decode import nfc
from qualcode.ingest.labels import CLOCK_PATTERN, is_speaker_name, label_start, parse_label
from qualcode.ingest.plain_text import NO_LABELS_HINT
from qualcode.ingest.timecode import fill_ends

_CLOCK = re.compile(rf"[\[(]?{CLOCK_PATTERN}[\])]?")
_AFTER_BOLD_NAME = " \t:–—-"  # separators between a bold name and its text
MAX_UNPACKED_BYTES = 4 * MAX_FILE_BYTES  # a document's XML, styles and pictures, unpacked


@dataclass(slots=True, frozen=True)
class _Block:
    """One paragraph or table row: its text, and a bold speaker name at its start if any."""

    text: str
    heading: bool = False
    bold_name: str | None = None
    bold_rest: str = ""


def read_docx(data: bytes, source: str, *, no_speakers: bool = False) -> ParsedTranscript:
    """Parse a .docx file's bytes; with ``no_speakers`` every paragraph is a turn."""
    blocks = list(_blocks(_open(data, source)))
    if not blocks:
        raise InputError(
            source, "the document contains no text.", hint="Check that you chose the right file."
        )
    bold_names = Counter(name for block in blocks if (name := block.bold_name))
    speakers: set[str | None] = set()
    notes: list[str] = []
    turns: list[Turn] = []
    for block in blocks:
        if block.heading:
            notes.append(block.text)
        elif no_speakers:
            turns.append(Turn(None, block.text))
        elif turn := _turn(block, bold_names, speakers, source):
            turns.append(turn)
            speakers.add(turn.speaker)
        elif turns:
            last = turns[-1]
            last.text = f"{last.text}\n{block.text}" if last.text else block.text
        else:
            notes.append(block.text)
    if not turns and not no_speakers:
        raise InputError(
            source, "no speaker labels such as 'Name: text' were found.", hint=NO_LABELS_HINT
        )
    fill_ends(turns)
    return ParsedTranscript(source, turns, notes, notes_are_text=True)


def _open(data: bytes, source: str) -> Document:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            source,
            "this is not a Word (.docx) file, or a damaged one.",
            hint="Save it from Word as .docx, or export it as plain text (.txt).",
        )
    # Checked and unpacked by qualcode.archives (damaged data, sizes as read, names that
    # leave the archive or differ only in case), so python-docx unpacks nothing itself.
    data = repacked(data, source, max_total=MAX_UNPACKED_BYTES)
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError):
        raise InputError(
            source,
            "this is not a Word (.docx) file.",
            hint="Save it from Word as .docx, or export it as plain text (.txt).",
        ) from None


def _turn(
    block: _Block, bold_names: Counter[str], speakers: set[str | None], source: str
) -> Turn | None:
    label = parse_label(block.text)
    if label is not None:
        try:
            start = label_start(label)
        except ValueError:
            raise InputError(
                source,
                f"the time '{label.clock}' in '{block.text[:60]}' cannot be read.",
                hint="Write times as h:mm:ss or mm:ss.",
            ) from None
        return Turn(label.speaker, label.text, start, None, label.role)
    name = block.bold_name
    if name and (bold_names[name] > 1 or name in speakers):
        return Turn(block.bold_name, block.bold_rest)
    return None


def _blocks(document: Document) -> Iterator[_Block]:
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield from _row_blocks(item)
        elif text := item.text.strip():
            name, rest = _bold_name(item, text)
            yield _Block(nfc(text), _is_heading(item), name, rest)


def _is_heading(paragraph: Paragraph) -> bool:
    style = paragraph.style
    name = style.name.lower() if style is not None and style.name else ""
    return name.startswith(("heading", "title", "subtitle"))


def _bold_name(paragraph: Paragraph, text: str) -> tuple[str | None, str]:
    """A bold speaker name at the paragraph's start (without colon) and the text after it."""
    prefix = []
    for run in paragraph.runs:
        if not run.text:
            continue
        if not run.bold:
            break
        prefix.append(run.text)
    bold = "".join(prefix).strip()
    name = bold.rstrip(":").strip()
    if not name or not is_speaker_name(name) or not text.startswith(bold):
        return None, ""
    rest = text[len(bold) :].lstrip(_AFTER_BOLD_NAME).strip()
    return (nfc(name), nfc(rest)) if rest else (None, "")


def _row_blocks(table: Table) -> Iterator[_Block]:
    """Each row as ``[time] speaker: text`` when it reads so, else its cells' text."""
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = nfc(cell.text.strip())
            # A merged cell is returned once per grid column it spans.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if not cells:
            continue
        line = " ".join(cells)
        if len(cells) >= 2:
            candidate = f"{cells[-2].rstrip(':').rstrip()}: {cells[-1]}"
            if len(cells) >= 3 and _CLOCK.fullmatch(cells[-3]):
                candidate = f"{cells[-3]} {candidate}"
            if parse_label(candidate) is not None:
                line = candidate
        yield _Block(line)
