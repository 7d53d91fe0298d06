"""Speaker-labelled plain text: ``Name: text``, ``Name (role): text``, optionally timed.

Lines without a label continue the open turn (joined with a line break); lines before the
first label become notes. Timed turns end where the next timed turn starts.
"""

from __future__ import annotations

import re

from qualcode.domain.transcript import ParsedTranscript, Turn
from qualcode.errors import InputError
from qualcode.ingest.labels import label_start, parse_label
from qualcode.ingest.timecode import fill_ends

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
NO_LABELS_HINT = "Re-run with --no-speakers to import the text without speakers."


def read_plain_text(text: str, source: str, *, no_speakers: bool = False) -> ParsedTranscript:
    """Parse decoded text; with ``no_speakers`` every paragraph is a turn without speaker."""
    if no_speakers:
        return ParsedTranscript(source, paragraph_turns(text))
    notes: list[str] = []
    turns: list[Turn] = []
    bodies: list[list[str]] = []  # the lines of each turn, joined once at the end
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        label = parse_label(line)
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
    return ParsedTranscript(source, turns, notes)


def paragraph_turns(text: str) -> list[Turn]:
    """One turn without speaker per paragraph (paragraphs are separated by blank lines)."""
    turns = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [line.strip() for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            turns.append(Turn(None, paragraph))
    return turns
