"""A long turn shown as the part around a search's first match."""

from __future__ import annotations

from collections.abc import Sequence

SHOWN_CHARS = 1_000  # a search hit shows at most this much of its turn


def excerpt(text: str, words: Sequence[str], width: int = SHOWN_CHARS) -> str:
    """`text` whole when it fits in `width` characters, else the `width` characters around
    the first of `words` it holds (case-insensitive), with '…' where text was left out.
    Each word is looked for once (str.find): linear in the turn, whose length is capped."""
    if len(text) <= width:
        return text
    lowered = text.lower()
    found = [at for word in words if word and (at := lowered.find(word.lower())) >= 0]
    first = min(found, default=0)
    start = max(0, min(first - width // 4, len(text) - width))
    end = start + width
    return f"{'…' if start else ''}{text[start:end].strip()}{'…' if end < len(text) else ''}"
