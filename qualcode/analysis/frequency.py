"""Code-frequency tables: rows of codes, columns of groups, one measure per cell.

Pure shaping of query rows (coded turns and turn totals per transcript and speaker); the SQL
lives in ``qualcode.store.analysis_queries``. Definitions (docs/analysis.md has them too):

- *coded turns*: turns holding at least one coding of the code or a descendant;
- *transcripts* / *speakers*: distinct transcripts / speakers among those turns;
- *words coded*: the words of those turns, the whole turn even where only a span was coded;
- *per 1,000 words*: words coded / all words of the group's turns x 1,000;
- *% of turns*: coded turns / all turns of the group x 100.

A group of the coder dimension holds every turn in scope: each coder read the whole corpus.
A group of the card dimension holds the turns in the sections of that card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.domain.codekey import CodeKey
from qualcode.domain.counts import CodedTurns, TranscriptFacts, TurnTotals
from qualcode.domain.table import ResultTable

DIMENSIONS = (
    "department",
    "group-kind",
    "transcript",
    "speaker",
    "speaker-role",
    "coder",
    "card",
)
MEASURES = {
    "turns": "Coded turns",
    "transcripts": "Transcripts",
    "speakers": "Speakers",
    "words": "Words coded",
    "per1000": "Words coded per 1,000 words",
    "percent": "% of turns",
}
MEASURE_NOTES = {
    "turns": "Turns with at least one coding of the code or of a code below it.",
    "transcripts": "Transcripts with at least one coded turn.",
    "speakers": "Distinct speakers of the coded turns.",
    "words": "Words of the coded turns (a span coding counts its whole turn).",
    "per1000": (
        "Words of the coded turns per 1,000 words of the group's turns in scope (the unit "
        "and N above; by default participant turns)."
    ),
    "percent": (
        "Coded turns as a percentage of the group's turns in scope (the unit and N above; "
        "by default participant turns)."
    ),
}
NONE_LABEL = "(none)"
TOTAL = "Total"
SEPARATOR = " / "


@dataclass(frozen=True)
class Facts:
    """What a turn's transcript, speaker and coder ids stand for."""

    transcripts: Mapping[int, TranscriptFacts]
    roles: Mapping[int, str | None]
    coders: Mapping[int, str]
    titles: Mapping[int, str] = field(default_factory=dict)
    speakers: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        transcripts: Mapping[int, TranscriptFacts],
        roles: Mapping[int, str | None],
        coders: Mapping[int, str],
        speakers: Mapping[int, str] | None = None,
    ) -> Facts:
        """Facts with unique transcript labels: a title shared by two gets its id appended."""
        seen: dict[str, int] = defaultdict(int)
        for fact in transcripts.values():
            seen[fact.title] += 1
        titles = {
            tid: fact.title if seen[fact.title] == 1 else f"{fact.title} (#{tid})"
            for tid, fact in transcripts.items()
        }
        return cls(
            transcripts=transcripts,
            roles=roles,
            coders=coders,
            titles=titles,
            speakers=speakers or {},
        )

    def label(
        self, dimension: str, transcript_id: int, speaker_id: int | None, card: str | None = None
    ) -> str:
        """The group a turn falls in along one dimension other than coder (`card`: the key of
        the card whose section holds the turn)."""
        transcript = self.transcripts[transcript_id]
        value: str | None
        if dimension == "card":
            value = card
        elif dimension == "department":
            value = transcript.department
        elif dimension == "group-kind":
            value = transcript.group_kind
        elif dimension == "transcript":
            value = self.titles.get(transcript_id, transcript.title)
        elif dimension == "speaker":
            title = self.titles.get(transcript_id, transcript.title)
            name = self.speakers.get(speaker_id) if speaker_id is not None else None
            value = f"{title}: {name}" if name else None
        elif dimension == "speaker-role":
            value = self.roles.get(speaker_id) if speaker_id is not None else None
        else:
            raise ValueError(f"unknown dimension {dimension!r}")
        return value or NONE_LABEL


@dataclass
class Tally:
    turns: int = 0
    words: int = 0
    transcripts: set[int] = field(default_factory=set)
    speakers: set[int] = field(default_factory=set)

    def add(self, row: CodedTurns) -> None:
        self.turns += row.turns
        self.words += row.words
        self.transcripts.add(row.transcript_id)
        if row.speaker_id is not None:
            self.speakers.add(row.speaker_id)


@dataclass(frozen=True)
class Denominator:
    turns: int = 0
    words: int = 0


Group = tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """Groups along the chosen dimensions; coder groups share the other dimensions' turns."""

    dimensions: tuple[str, ...]
    facts: Facts
    coder_names: tuple[str, ...] = ()

    def key(
        self,
        transcript_id: int,
        speaker_id: int | None,
        coder_id: int | None,
        card: str | None = None,
    ) -> Group:
        return tuple(
            self.facts.coders.get(coder_id or 0, NONE_LABEL)
            if dimension == "coder"
            else self.facts.label(dimension, transcript_id, speaker_id, card)
            for dimension in self.dimensions
        )

    def turn_key(
        self, transcript_id: int, speaker_id: int | None, card: str | None = None
    ) -> Group:
        """The group's key without the coder dimension (the turns a group looks at)."""
        return tuple(
            self.facts.label(dimension, transcript_id, speaker_id, card)
            for dimension in self.dimensions
            if dimension != "coder"
        )

    def strip_coder(self, group: Group) -> Group:
        return tuple(v for v, d in zip(group, self.dimensions, strict=True) if d != "coder")

    def groups(self, totals: Iterable[TurnTotals]) -> list[Group]:
        """Every group with turns in scope (so that empty cells show as 0), in label order."""
        turn_keys = sorted(
            {self.turn_key(t.transcript_id, t.speaker_id, t.card) for t in totals}, key=_order
        )
        if "coder" not in self.dimensions:
            return turn_keys
        at = self.dimensions.index("coder")
        return [(*key[:at], coder, *key[at:]) for key in turn_keys for coder in self.coder_names]


def label(group: Group) -> str:
    return SEPARATOR.join(group)


def _order(group: Group) -> tuple[tuple[bool, str], ...]:
    return tuple((value == NONE_LABEL, value.casefold()) for value in group)


def denominators(grouping: Grouping, totals: Iterable[TurnTotals]) -> dict[Group, Denominator]:
    """All turns and words per group: without the coder dimension, or with it for totals
    that carry each coder's own scope (`TurnTotals.coder_id`)."""
    sums: dict[Group, list[int]] = defaultdict(lambda: [0, 0])
    for row in totals:
        key = (
            grouping.turn_key(row.transcript_id, row.speaker_id, row.card)
            if row.coder_id is None
            else grouping.key(row.transcript_id, row.speaker_id, row.coder_id, row.card)
        )
        entry = sums[key]
        entry[0] += row.turns
        entry[1] += row.words
    return {key: Denominator(turns, words) for key, (turns, words) in sums.items()}


def cells(grouping: Grouping, rows: Iterable[CodedTurns]) -> dict[tuple[int, Group], Tally]:
    """Per (code id, group): coded turns, words, transcripts and speakers."""
    found: dict[tuple[int, Group], Tally] = defaultdict(Tally)
    keys: dict[tuple[int, int | None, int | None, str | None], Group] = {}  # few, reused
    for row in rows:
        at = (row.transcript_id, row.speaker_id, row.coder_id, row.card)
        group = keys.get(at)
        if group is None:
            group = keys[at] = grouping.key(*at)
        found[(row.code_id, group)].add(row)
    return found


def totals_by_code(rows: Iterable[CodedTurns]) -> dict[int, Tally]:
    """Per code over every group. Rows must not be split by coder (a turn would count twice)."""
    found: dict[int, Tally] = defaultdict(Tally)
    for row in rows:
        found[row.code_id].add(row)
    return found


def measure_value(measure: str, cell: Tally | None, base: Denominator) -> int | float | None:
    """One cell's value; None where a rate has no turns or words to divide by."""
    cell = cell or Tally()
    if measure == "turns":
        return cell.turns
    if measure == "transcripts":
        return len(cell.transcripts)
    if measure == "speakers":
        return len(cell.speakers)
    if measure == "words":
        return cell.words
    if measure == "per1000":
        return cell.words / base.words * 1000 if base.words else None
    if measure == "percent":
        return cell.turns / base.turns * 100 if base.turns else None
    raise ValueError(f"unknown measure {measure!r}")


def frequency_table(
    codes: Sequence[tuple[int, str, str]],
    grouping: Grouping,
    measure: str,
    rows: Sequence[CodedTurns],
    totals: Sequence[TurnTotals],
    overall: Sequence[CodedTurns] | None = None,
    coder_totals: Sequence[TurnTotals] | None = None,
    denominator: str | None = None,
) -> ResultTable:
    """Codes x groups (plus a total column) of one measure.

    `overall` are the rows without the coder split, needed for the total column when the
    coder is a dimension (a turn two coders coded counts once in the total); `coder_totals`
    are then each coder's own denominators (the turns in that coder's scope). With
    `denominator`, a last row so labelled gives each group's turns in scope (their words for
    `per1000`, whose denominator they are).
    """
    groups = grouping.groups(totals) if grouping.dimensions else []
    bases = denominators(grouping, totals)
    own = denominators(grouping, coder_totals) if coder_totals is not None else None
    found = cells(grouping, rows)
    whole = totals_by_code(overall if overall is not None else rows)
    everything = Denominator(sum(t.turns for t in totals), sum(t.words for t in totals))
    table_rows = []
    for code_id, key, name in codes:
        values = [
            measure_value(
                measure,
                found.get((code_id, group)),
                own.get(group, Denominator())
                if own is not None
                else bases.get(grouping.strip_coder(group), Denominator()),
            )
            for group in groups
        ]
        total = measure_value(measure, whole.get(code_id), everything)
        table_rows.append([key, name, *values, total])
    if denominator is not None:
        turns = [
            (own.get(group) if own is not None else bases.get(grouping.strip_coder(group)))
            or Denominator()
            for group in groups
        ]

        def size(base: Denominator) -> int:
            return base.words if measure == "per1000" else base.turns

        table_rows.append([denominator, None, *(size(base) for base in turns), size(everything)])
    by = f" by {', '.join(grouping.dimensions)}" if grouping.dimensions else ""
    return ResultTable(
        title=f"{MEASURES[measure]}{by}",
        columns=["Code", "Name", *(label(group) for group in groups), TOTAL],
        rows=table_rows,
        notes=[MEASURE_NOTES[measure]],
    )


def select_codes(
    codes: Sequence[tuple[int, str, str]], keys: Sequence[str] = (), depth: int | None = None
) -> list[tuple[int, str, str]]:
    """The row codes: those under (or equal to) any of `keys`, above `depth` levels."""
    chosen = []
    for code in codes:
        key = CodeKey(code[1])
        if keys and not any(key.within(k) for k in keys):
            continue
        if depth is not None and key.depth >= depth:
            continue
        chosen.append(code)
    return chosen
