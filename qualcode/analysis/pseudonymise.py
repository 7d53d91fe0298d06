"""Pseudonymisation of quotes: names replaced with role labels, and a count of each change.

Written by hand (a word-boundary regular expression per name): the names are known (the
transcript's speaker labels and a per-study list), so no named-entity model is needed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class Pseudonymiser:
    """Replaces each known name (whole words, any case) with its label, counting replacements."""

    labels: Mapping[str, str]
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        names = sorted((name for name in self.labels if name.strip()), key=len, reverse=True)
        self._lookup = {name.casefold(): self.labels[name] for name in names}
        self._pattern = (
            re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")\b", re.I)
            if names
            else None
        )

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        label = self._lookup[match.group(0).casefold()]
        self.counts[(match.group(0), label)] += 1
        return f"[{label}]"

    def report(self) -> tuple[tuple[str, str, int], ...]:
        """(name as found, label, times replaced), most frequent first."""
        return tuple(
            (name, label, count)
            for (name, label), count in sorted(self.counts.items(), key=lambda i: (-i[1], i[0]))
        )
