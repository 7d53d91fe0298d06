"""Ranking codes for turns: the codebook matcher over a corpus (its hits, lemma norms and IDF)
and the optional learned model, combined per turn."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from typing import TYPE_CHECKING

from qualcode.domain.suggestion import CodeScore
from qualcode.suggest import learned
from qualcode.suggest.combine import combine_scored
from qualcode.suggest.context import TurnContext
from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Hit, Idf, rank, scored
from qualcode.suggest.pipelines import pipeline
from qualcode.suggest.reference import reference_specificity

if TYPE_CHECKING:
    from spacy.language import Language

    from qualcode.domain.codebook import Codebook

# Turns ranked at a time: bounds the rankings, classifier inputs and scores held in memory
# (100,000 turns at once took over 1 GB; see docs/benchmarks.md) at no cost in speed.
CHUNK_TURNS = 5000


@dataclass(frozen=True)
class Matched:
    """A corpus of one language run through the codebook matcher."""

    matcher: CodebookMatcher
    hits: list[list[Hit]]
    norms: list[list[str]]
    idf: Idf  # how rare each code's terms are in this corpus (or the reference table)


def match_corpus(language: str, codes: Sequence[CodeTerms], texts: Iterable[str]) -> Matched:
    """The matcher for `codes` in `language`, its hits and norms for `texts` (the project's
    corpus of the language), and their IDF (from the reference table when the corpus is too
    small to measure it)."""
    matcher = CodebookMatcher(pipeline(language), codes)
    hits, norms = matcher.match(texts)
    return Matched(matcher, hits, norms, Idf.from_hits(hits, reference_specificity(language)))


@dataclass
class Suggester:
    """Everything needed to rank codes for turns of one language."""

    language: str
    matcher: CodebookMatcher
    idf: Idf
    calibration: Calibration
    model: Language | None
    version: str
    known: set[str]
    # Whether the model was trained with context features (models stored before had none).
    model_context: bool = False

    @property
    def warning(self) -> str | None:
        return self.matcher.pipe.warning

    def rank(self, texts: Sequence[str]) -> list[list[CodeScore]]:
        hits, norms = self.matcher.match(texts)
        return list(self.rank_matched(hits, norms))

    def rank_matched(
        self,
        hits: Sequence[Sequence[Hit]],
        norms: Sequence[Sequence[str]],
        context: Iterable[TurnContext] | None = None,
        *,
        chunk_size: int = CHUNK_TURNS,
    ) -> Iterator[list[CodeScore]]:
        """Rank turns from their hits and norms, and their conversation context when given.

        The classifier scores `chunk_size` turns at a time and each ranking is made as the
        caller takes it, so only one chunk's contexts and learned scores are held at once.
        """
        around = iter(context) if context is not None else repeat(TurnContext())
        for start in range(0, len(hits), chunk_size):
            chunk = hits[start : start + chunk_size]
            near = list(islice(around, len(chunk)))
            scores = self._learned(norms[start : start + len(chunk)], near)
            for found, turn_context, score in zip(chunk, near, scores, strict=True):
                if score is None:
                    yield rank(found, self.idf, self.calibration, turn_context.hits)
                else:
                    matched = scored(found, self.idf, self.calibration, turn_context.hits)
                    yield combine_scored(matched, score, known=self.known)

    def _learned(
        self, norms: Sequence[Sequence[str]], around: Sequence[TurnContext]
    ) -> list[dict[str, float]] | list[None]:
        """The model's label scores for each turn, or None for each when there is no model."""
        if self.model is None:
            return [None] * len(around)
        if self.model_context:
            norms = [list(words) + near.words for words, near in zip(norms, around, strict=True)]
        return learned.predict(self.model, norms)


def codebook_suggester(book: Codebook, language: str) -> Suggester:
    """A suggester from a codebook alone: its terms and examples, no model, and IDF from the
    language's reference frequency table, never from the texts ranked (a text's scores must
    not depend on the others sent)."""
    codes = [
        CodeTerms(key=spec.key, terms=dict(spec.terms), examples=list(spec.examples))
        for spec in book.codes
    ]
    return Suggester(
        language=language,
        matcher=CodebookMatcher(pipeline(language), codes),
        idf=Idf.reference(reference_specificity(language)),
        calibration=Calibration(),
        model=None,
        version=f"codebook-{book.name}",
        known={code.key for code in codes},
    )
