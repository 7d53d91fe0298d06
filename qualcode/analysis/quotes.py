"""Quotes: one per coded turn (the whole turn, or its coded spans), and their table."""

from __future__ import annotations

from collections.abc import Sequence

from qualcode.domain.counts import QuotedCoding
from qualcode.domain.quote import Quote, clock
from qualcode.domain.table import ResultTable


def quotes_of(codings: Sequence[QuotedCoding]) -> list[Quote]:
    """One quote per turn: the whole turn if any coding covers it, else its coded spans."""
    by_turn: dict[int, list[QuotedCoding]] = {}
    for coding in codings:
        by_turn.setdefault(coding.segment_id, []).append(coding)
    found = []
    for turn in by_turn.values():
        first = turn[0]
        spans = sorted(
            (c.span_start - first.segment_start, c.span_end - first.segment_start)
            for c in turn
            if c.span_start is not None and c.span_end is not None
        )
        whole = any(c.span_start is None for c in turn)
        text = (
            first.text.strip()
            if whole
            else " … ".join(first.text[start:end].strip() for start, end in merged(spans))
        )
        found.append(
            Quote(
                segment_id=first.segment_id,
                transcript_id=first.transcript_id,
                transcript=first.title,
                department=first.department,
                group_kind=first.group_kind,
                speaker=first.speaker,
                role=first.role,
                start_time=first.start_time,
                text=text,
                codes=sorted({c.code_key for c in turn}),
                coders=sorted({c.coder for c in turn}),
            )
        )
    return found


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def quote_table(title: str, found: Sequence[Quote], *, codes: bool) -> ResultTable:
    columns = ["Turn", "Transcript", "Department", "Group kind", "Speaker", "Role", "Time", "Text"]
    if codes:
        columns += ["Codes", "Coders"]
    rows = []
    for quote in found:
        row: list[str | int | float | None] = [
            quote.segment_id,
            quote.transcript,
            quote.department,
            quote.group_kind,
            quote.speaker,
            quote.role,
            clock(quote.start_time),
            quote.text,
        ]
        if codes:
            row += [", ".join(quote.codes), ", ".join(quote.coders)]
        rows.append(row)
    return ResultTable(title=title, columns=columns, rows=rows)
