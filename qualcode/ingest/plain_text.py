"""Speaker-labelled plain text: ``Name: text``, ``Name (role): text``, ``[id1] text``,
optionally timed.

Which labels are speakers is decided once per file (`LabelRule`). Lines without a label
continue the open turn (joined with a line break); lines before the first label become
notes. Timed turns end where the next timed turn starts. Text without labels is read as
one turn per paragraph (paragraphs are separated by blank lines).
"""

from __future__ import annotations

import re

from qualcode.domain.transcript import ParsedTranscript, Turn
from qualcode.errors import InputError
from qualcode.ingest.labels import LabelRule, label_start
from qualcode.ingest.timecode import fill_ends

_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")
NO_LABELS_HINT = "Re-run with --no-speakers to import the text without speakers."


def read_plain_text(text: str, source: str, *, no_speakers: bool = False) -> ParsedTranscript:
    """Parse decoded text; with ``no_speakers`` every paragraph is a turn without speaker."""
    if no_speakers:
        return ParsedTranscript(source, paragraph_turns(text))
    notes: list[str] = []
    turns: list[Turn] = []
    bodies: list[list[str]] = []  # the lines of each turn, joined once at the end
    lines = [raw.strip() for raw in text.split("\n")]
    rule = LabelRule.of_lines(lines)
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        label = rule.label(line)
        if label is None:
            (bodies[-1] if bodies else notes).append(line)
            continue
        try:
            start = label_start(label)
        except ValueError:
            raise InputError(
                source,
                f"the time '{label.clock}' cannot be read.",
                line=number,
                hint="Write times as h:mm:ss or mm:ss.",
            ) from None
        turns.append(Turn(label.speaker, "", start, None, label.role))
        bodies.append([label.text] if label.text else [])
    if not turns:
        raise InputError(
            source, "no speaker labels such as 'Name: text' were found.", hint=NO_LABELS_HINT
        )
    for turn, body in zip(turns, bodies, strict=True):
        turn.text = "\n".join(body)
    fill_ends(turns)
    return ParsedTranscript(source, turns, notes, notes_are_text=True)


def paragraph_turns(text: str) -> list[Turn]:
    """One turn without speaker per paragraph (paragraphs are separated by blank lines)."""
    turns = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [line.strip() for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            turns.append(Turn(None, paragraph))
    return turns


Span = tuple[int, int, str | None, str | None]


def turn_spans(text: str) -> list[Span]:
    """(start, end, speaker, role) of each turn, tiling ``text`` itself (offsets into it):
    a turn per labelled line with the lines after it, as `read_plain_text` reads them, else
    a turn per paragraph; text before the first turn is a turn without speaker."""
    starts: list[tuple[int, str | None, str | None]] = []
    lines = text.split("\n")
    rule = LabelRule.of_lines(line.strip() for line in lines)
    position = 0
    for line in lines:
        label = rule.label(line.strip()) if line.strip() else None
        if label is not None:
            starts.append((position, label.speaker, label.role))
        position += len(line) + 1
    if not starts:
        starts = [(0, None, None)]
        starts += [(match.end(), None, None) for match in _PARAGRAPH_BREAK.finditer(text)]
    if starts[0][0] != 0:
        starts.insert(0, (0, None, None))
    ends = [start for start, _, _ in starts[1:]] + [len(text)]
    spans = [(start, end, who, role) for (start, who, role), end in zip(starts, ends, strict=True)]
    return [span for span in spans if span[1] > span[0]]
