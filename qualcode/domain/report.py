"""The department report as a document: what `qualcode report` writes, whatever the format.

Every figure carries its unit and denominator: a share is coded participant turns of the
department over its participant turns in the coded scope, with a 95 % Wilson interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Share:
    """Turns of one group coded with a code, over the group's turns in scope."""

    group: str
    coded: int
    turns: int
    low: float | None
    high: float | None
    residual: float | None = None

    @property
    def value(self) -> float | None:
        return self.coded / self.turns if self.turns else None


@dataclass(frozen=True)
class ReportQuote:
    """A turn cited in the report, with why it was chosen."""

    segment_id: int
    turn: int
    text: str
    speaker: str
    group_kind: str | None
    transcript: str
    time: str | None
    coders: int
    pinned: bool = False


@dataclass(frozen=True)
class CodeSection:
    """One code (or concept) of the report: definition, figures, where it stands out, quotes."""

    key: str
    name: str
    definition: str
    depth: int
    here: Share
    others: tuple[Share, ...]
    by_group: tuple[Share, ...]
    stands_out: str
    quotes: tuple[ReportQuote, ...]
    pooled: Share | None = None  # the other departments together, with its interval
    tests: str = ""  # the comparison's tests of this code across the groups, in words


@dataclass(frozen=True)
class MemoEntry:
    about: str
    author: str | None
    text: str


@dataclass(frozen=True)
class CardEntry:
    """A statement card discussed in the department: turns, the codes applied and a quote."""

    key: str
    statement: str
    turns: int
    codes: tuple[tuple[str, int], ...]
    quote: ReportQuote | None


@dataclass(frozen=True)
class Report:
    """One department's analysis, ready to render.

    ``cooccurrences`` are (code, code, turns coded with both) in the department;
    ``replacements`` are (name as found, label, times) made by pseudonymisation.
    """

    department: str
    title: str
    provenance: tuple[tuple[str, str], ...]
    ranking_rule: str
    sections: tuple[CodeSection, ...]
    open_codes: tuple[CodeSection, ...]
    memos: tuple[MemoEntry, ...]
    cards: tuple[CardEntry, ...] = ()
    here_label: str = "In this department"
    cooccurrences: tuple[tuple[str, str, int], ...] = ()
    replacements: tuple[tuple[str, str, int], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class QuoteRule:
    """How a report ranks quotes (see `analysis.quote_ranking`)."""

    per_code: int = 3
    min_words: int = 8
    max_words: int = 150
    max_per_transcript: int = 1
    max_overlap: float = 0.5

    def describe(self) -> str:
        return (
            f"Up to {self.per_code} quotes per code: pinned quotes first; then turns coded by "
            f"more coders; then turns of {self.min_words}-{self.max_words} words, longer "
            f"first; skipping a quote sharing more than {self.max_overlap:.0%} of its words "
            f"with one already chosen, and at most {self.max_per_transcript} per focus group "
            "until every focus group has given one; excluded quotes never appear."
        )


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def source_text(quote: ReportQuote) -> str:
    """Who said it and where: role (or name), group kind, transcript, turn, time."""
    parts = [quote.speaker, quote.group_kind or "", quote.transcript, f"turn {quote.turn}"]
    if quote.time:
        parts.append(quote.time)
    note = "pinned" if quote.pinned else f"coded by {quote.coders}"
    return ", ".join(part for part in parts if part) + f" ({note})"
