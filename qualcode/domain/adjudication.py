"""What an adjudication leaves in the consensus layer: the rule for each decision."""

from __future__ import annotations

from collections.abc import Iterable

from qualcode.domain.agreement import LayerCoding

Span = tuple[int | None, int | None]


def union_spans(spans: Iterable[Span]) -> list[Span]:
    """Distinct spans; a whole-turn coding (None, None) covers every span, so it wins."""
    distinct = set(spans)
    if (None, None) in distinct:
        return [(None, None)]
    return sorted(distinct, key=lambda span: (span[0] or 0, span[1] or 0))


def applied_codings(
    decision: str,
    code_key: str,
    other_key: str | None,
    theirs: list[Span],
    replaced: list[LayerCoding],
) -> list[LayerCoding]:
    """The consensus codings after the decision: "take" and "both" apply `theirs` (the
    compared coders' spans of `code_key`); "recode" keeps the consensus's codings of
    `other_key` and adds it where the coders had `code_key`; "neither" applies nothing."""
    applied = [c for c in replaced if other_key is not None and c.code_key == other_key]
    if decision in ("take", "both"):
        return [LayerCoding(code_key=code_key, start_char=s, end_char=e) for s, e in theirs]
    if other_key is not None:
        spans = {(c.start_char, c.end_char) for c in applied}
        applied += [
            LayerCoding(code_key=other_key, start_char=s, end_char=e)
            for s, e in theirs
            if (s, e) not in spans
        ]
    return applied
