"""Find the turns where a statement card is read aloud.

People read cards loosely: part of the statement, "okay, the next one says ...", fillers in
between, small transcription differences, or the card of another language. Three steps,
from cheap to exact:

1. a word-pair filter: the lowercase transcript is searched (C-speed substring search) for
   each pair of adjacent words of each card; a turn is a candidate for a card when it holds
   at least two of the card's pairs and at least `CANDIDATE_SHARE` of them;
2. spaCy's `PhraseMatcher` on lemma norms (blank pipelines, see `qualcode.suggest.pipelines`)
   finds where in the turn the card's word pairs stand;
3. around there, a local alignment of the card's tokens against the turn's tokens
   (Smith-Waterman; tokens match when rapidfuzz's ratio is at least `TOKEN_SIMILARITY`)
   gives the share of the card read: content words weigh 1, function words `FUNCTION_WEIGHT`;
   a turn word between card words costs `GAP_COST` (a filler costs nothing).

A reading cue (quotation marks, "the next one says", "der står") lowers the score needed;
a reference back ("like the card said", "som der stod på kortet") rules the turn out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from qualcode.domain.cards import Bounds, Card
from qualcode.suggest.pipelines import Pipeline

CANDIDATE_SHARE = 0.3
CANDIDATE_PAIRS = 2
TOKEN_SIMILARITY = 80
FUNCTION_WEIGHT = 0.4
GAP_COST = 0.15
# The share of a card read for a detection; with a reading cue, or at the very start of the
# turn, less will do (a reader who stops half way).
THRESHOLD = 0.6
CUED_THRESHOLD = 0.45
START_TOKENS = 8

FILLERS = frozenset(
    [
        "uh",
        "um",
        "uhm",
        "er",
        "erm",
        "hm",
        "hmm",
        "mm",
        "mhm",
        "ah",
        "oh",
        "okay",
        "ok",
        "so",
        "well",
        "yeah",
        "yes",
        "right",
        "like",
        "øh",
        "øhm",
        "æh",
        "hmm",
        "nå",
        "ja",
        "altså",
        "jamen",
        "så",
    ]
)
_READ_CUE = re.compile(
    r"[\"“”„«»]|\b(says|it reads|next one|next card|the card|reads)\b|"
    r"\b(der står|næste kort|kortet|det næste)\b",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(like|as)\s+(the|that|this|it|you)\s+(\w+\s+)?(card\s+)?(said|put it|was saying)\b|"
    r"\bthe\s+(\w+\s+)?card\s+said\b|"
    r"\bsom\s+(der\s+)?(stod|står)\s+på\s+(det\s+\w+\s+)?kort(et)?\b|"
    r"\bsom\s+(det\s+\w+\s+)?kort(et)?\s+(sagde|siger)\b|\bkortet\s+sagde\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_EDGES = ".!?\"“”„«»'"
_SPACES = str.maketrans("\n\r\t", "   ")


@dataclass(frozen=True)
class Turn:
    """A turn to search: its segment id, ordinal and text."""

    segment_id: int
    ordinal: int
    text: str


@dataclass(frozen=True)
class Reading:
    """The best card reading found in a turn, or why a near match was ruled out."""

    segment_id: int
    ordinal: int
    card_key: str
    score: float
    reason: str
    accepted: bool


@dataclass(frozen=True)
class _Form:
    """One card in one language, as the pipeline sees it."""

    card_key: str
    language: str
    norms: tuple[str, ...]
    weights: tuple[float, ...]
    pairs: tuple[str, ...]


class CardDetector:
    """Detects readings of a deck's cards in the turns of transcripts in one language."""

    def __init__(self, pipe: Pipeline, cards: Sequence[Card]) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.pipe = pipe
        stop_words = pipe.nlp.Defaults.stop_words
        self.forms: list[_Form] = []
        self.matcher = PhraseMatcher(pipe.nlp.vocab, attr="NORM")
        for card in cards:
            for language, statement in card.statement.items():
                doc = pipe.nlp(statement)
                words = [token for token in doc if not token.is_punct and not token.is_space]
                norms = [pipe.norms(doc)[token.i] for token in words]
                if not norms:
                    continue
                stop = [token.lower_ in stop_words for token in words]
                form = _Form(
                    card_key=card.key,
                    language=language,
                    norms=tuple(norms),
                    weights=tuple(FUNCTION_WEIGHT if s else 1.0 for s in stop),
                    pairs=_pairs(w.strip(_EDGES) for w in statement.lower().split()),
                )
                index = len(self.forms)
                self.forms.append(form)
                pairs = [
                    Doc(pipe.nlp.vocab, words=list(norms[i : i + 2]))
                    for i in range(len(norms) - 1)
                    if not (stop[i] and stop[i + 1])
                ]
                for pair in pairs:
                    for token in pair:
                        token.norm_ = token.text
                self.matcher.add(str(index), pairs or [Doc(pipe.nlp.vocab, words=norms[:1])])

    def detect(self, text: str, turns: Sequence[Bounds]) -> list[Reading]:
        """The best reading (accepted or ruled out) of each turn that resembles a card."""
        lowered = text.lower().translate(_SPACES)
        if len(lowered) != len(text):  # a rare character changed length when lowercased
            lowered = "".join(char.lower()[:1] or " " for char in text).translate(_SPACES)
        starts = [turn.start for turn in turns]
        found: dict[tuple[int, int], set[str]] = {}
        for index, form in enumerate(self.forms):
            for pair in form.pairs:
                at = lowered.find(pair)
                while at >= 0:
                    turn = bisect_right(starts, at) - 1
                    if turn >= 0:
                        found.setdefault((turn, index), set()).add(pair)
                    at = lowered.find(pair, at + 1)
        candidates: dict[int, list[int]] = {}
        for (turn, index), pairs in found.items():
            needed = max(CANDIDATE_PAIRS, CANDIDATE_SHARE * len(self.forms[index].pairs))
            if len(pairs) >= needed:
                candidates.setdefault(turn, []).append(index)
        chosen = sorted(candidates)
        texts = [text[turns[turn].start : turns[turn].end] for turn in chosen]
        readings = []
        for turn, body, doc in zip(chosen, texts, self.pipe.nlp.pipe(texts), strict=True):
            bounds = turns[turn]
            reading = self._best(
                Turn(bounds.segment_id, bounds.ordinal, body), doc, set(candidates[turn])
            )
            if reading is not None:
                readings.append(reading)
        return readings

    def _best(self, turn: Turn, doc: object, forms: set[int]) -> Reading | None:
        from spacy.tokens import Doc

        assert isinstance(doc, Doc)
        tokens = [token for token in doc if not token.is_punct and not token.is_space]
        if not tokens:
            return None
        all_norms = self.pipe.norms(doc)
        norms = [all_norms[token.i] for token in tokens]
        hits: dict[int, list[int]] = {}
        position = {token.i: index for index, token in enumerate(tokens)}
        for match_id, start, _ in self.matcher(doc):
            index = int(self.pipe.nlp.vocab.strings[match_id])
            if index in forms and start in position:
                hits.setdefault(index, []).append(position[start])
        best: tuple[float, Reading] | None = None
        for index, starts in hits.items():
            form = self.forms[index]
            share, first, last, matched = _align(form, norms, starts)
            if share <= 0:
                continue
            reading = self._judge(turn, doc, tokens, form, share, first, last, matched)
            rank = reading.score + (1.0 if reading.accepted else 0.0)
            if best is None or rank > best[0]:
                best = (rank, reading)
        return best[1] if best else None

    def _judge(
        self,
        turn: Turn,
        doc: object,
        tokens: list,  # spaCy tokens without punctuation
        form: _Form,
        share: float,
        first: int,
        last: int,
        matched: int,
    ) -> Reading:
        start_char = tokens[first].idx
        end_char = tokens[last].idx + len(tokens[last].text)
        before = turn.text[max(0, start_char - 60) : start_char]
        around = turn.text[max(0, start_char - 40) : min(len(turn.text), end_char + 2)]
        read = f"{matched} of {len(form.norms)} words of '{form.card_key}' ({form.language})"
        score = round(share, 3)
        reference = _REFERENCE.search(before)
        if reference:
            return Reading(
                turn.segment_id,
                turn.ordinal,
                form.card_key,
                score,
                f"{read}, but after '{reference.group(0)}': a reference back, not a reading",
                False,
            )
        cues = []
        if _READ_CUE.search(around):
            cues.append("reading cue")
        if first < START_TOKENS:
            cues.append("at the start of the turn")
        needed = CUED_THRESHOLD if cues else THRESHOLD
        cue_text = f" ({', '.join(cues)})" if cues else ""
        accepted = share >= needed
        verdict = "read" if accepted else f"below {needed}"
        return Reading(
            turn.segment_id,
            turn.ordinal,
            form.card_key,
            score,
            f"{read}{cue_text}: {verdict}",
            accepted,
        )


def _pairs(words: Iterable[str]) -> tuple[str, ...]:
    """The distinct pairs of adjacent words, as "first second"."""
    return tuple(dict.fromkeys(f"{first} {second}" for first, second in pairwise(words)))


def _align(form: _Form, norms: list[str], starts: list[int]) -> tuple[float, int, int, int]:
    """Local alignment of the card's tokens against the turn around the matcher's hits.

    Returns (share of the card's weight read, first and last aligned turn token, card words
    matched); the share is 0 when nothing aligns.
    """
    from rapidfuzz import fuzz, process

    n = len(form.norms)
    lo = max(0, min(starts) - 2 * n)
    hi = min(len(norms), max(starts) + 3 * n)
    window = norms[lo:hi]
    similarity = process.cdist(
        list(form.norms), window, scorer=fuzz.ratio, score_cutoff=TOKEN_SIMILARITY
    ).tolist()
    if sum(max(row) > 0 for row in similarity) < 2:
        return 0.0, 0, 0, 0
    gaps = [0.0 if word in FILLERS else GAP_COST for word in window]
    total = sum(form.weights)
    # cell: (score, first turn token, matched card words); row i: card tokens read so far
    previous = [(0.0, -1, 0)] * (len(window) + 1)
    best = (0.0, 0, 0, 0)
    for i in range(n):
        weight = form.weights[i]
        row = [(0.0, -1, 0)]
        sims = similarity[i]
        for j in range(1, len(window) + 1):
            options = [previous[j], (row[j - 1][0] - gaps[j - 1], row[j - 1][1], row[j - 1][2])]
            sim = sims[j - 1]
            if sim:
                diagonal = previous[j - 1]
                start = diagonal[1] if diagonal[1] >= 0 and diagonal[0] > 0 else j - 1
                options.append((diagonal[0] + weight * sim / 100, start, diagonal[2] + 1))
            cell = max(options, key=lambda option: option[0])
            if cell[0] <= 0:
                cell = (0.0, -1, 0)
            row.append(cell)
            if sim and cell[0] > best[0] and cell[1] >= 0:
                best = (cell[0], cell[1], j - 1, cell[2])
        previous = row
    score, first, last, matched = best
    return score / total, lo + first, lo + last, matched
