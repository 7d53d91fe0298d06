"""Cold-start suggestions from the codebook: phrase matches on lemmas, IDF-weighted, calibrated.

Each code's terms (for the text's language) and the content words of its examples become
`PhraseMatcher` patterns on the lemma norms. A match is evidence for its code, weighted by how
specific the matched term is across the corpus (IDF); a logistic calibration maps a code's
summed evidence to a score in 0..1, fitted on the project's codings when a model is trained.
Terms found in the turn's conversation context (`qualcode.suggest.context`) count less.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import minimize
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from qualcode.domain.suggestion import CONTEXT_MARK, CodeScore
from qualcode.suggest.pipelines import Pipeline, pipeline_version

TERM_WEIGHT = 1.0
EXAMPLE_WEIGHT = 0.4
MIN_EXAMPLE_WORD = 4
EXAMPLE_MIN_IDF = 3.0
# Below this many texts there is no corpus to measure specificity on: every term gets this IDF.
MIN_IDF_DOCS = 20
PRIOR_IDF = 3.0
# A term found only in the turns a turn answers counts this much of a term in the turn itself.
CONTEXT_WEIGHT = 0.3
# Languages whose terms stand in when the codebook has none for a language.
TERM_FALLBACK = {"nb": "da", "nn": "da", "no": "da"}


@dataclass(frozen=True)
class CodeTerms:
    """What the matcher needs of a code: its key, terms per language and examples."""

    key: str
    terms: dict[str, list[str]]
    examples: list[str] = field(default_factory=list)

    def terms_for(self, language: str) -> list[str]:
        return self.terms.get(language) or self.terms.get(TERM_FALLBACK.get(language, ""), [])


@dataclass(frozen=True)
class Hit:
    """A distinct pattern found in a text: `norm` identifies it for IDF, `term` explains it."""

    code: str
    term: str
    norm: str
    weight: float
    example: bool = False


class CodebookMatcher:
    """PhraseMatcher over lemma norms for the codes' terms and example words in one language."""

    def __init__(self, pipe: Pipeline, codes: Sequence[CodeTerms]) -> None:
        self.pipe = pipe
        self.matcher = PhraseMatcher(pipe.nlp.vocab, attr="NORM")
        self.patterns: dict[int, Hit] = {}
        # (hit norm, the pattern's token norms) of every pattern: which turns a norm is found
        # in depends on these alone (see `signature`).
        self._norms: set[tuple[str, tuple[str, ...]]] = set()
        stop_words = pipe.nlp.Defaults.stop_words
        example_words: dict[str, set[str]] = defaultdict(set)
        for code in codes:
            terms = code.terms_for(pipe.language)
            term_norms: set[str] = set()
            for term, doc in zip(terms, pipe.nlp.pipe(terms), strict=True):
                norm = " ".join(pipe.norms(doc))
                term_norms.update(pipe.norms(doc))
                self._add(Hit(code.key, term, norm, TERM_WEIGHT), doc)
            for doc in pipe.nlp.pipe(code.examples):
                for token in doc:
                    norm = token.norm_
                    if (
                        token.is_alpha
                        and len(norm) >= MIN_EXAMPLE_WORD
                        and norm not in stop_words
                        and norm not in term_norms
                    ):
                        example_words[norm].add(code.key)
        for norm, keys in example_words.items():
            doc = pipe.nlp(norm)
            # A word in the examples of several codes tells them apart less: share the weight.
            for key in keys:
                self._add(Hit(key, norm, norm, EXAMPLE_WEIGHT / len(keys), example=True), doc)

    def _add(self, hit: Hit, doc: Doc) -> None:
        label = f"{hit.code}\x1f{hit.norm}"
        if len(doc) == 0:
            return
        match_id = self.pipe.nlp.vocab.strings.add(label)
        if match_id not in self.patterns:
            self.patterns[match_id] = hit
            self.matcher.add(label, [doc])
            self._norms.add((hit.norm, tuple(self.pipe.norms(doc))))

    def signature(self) -> str:
        """A digest of what decides the turns each hit norm is found in (the patterns' norms
        and the pipeline): document frequencies counted by a matcher with the same signature
        are those this one would count. Codes' keys, terms as written and weights are not in
        it: they change no frequency."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(pipeline_version(self.pipe.language).encode())
        for norm, tokens in sorted(self._norms):
            digest.update(b"\x1e" + norm.encode() + b"\x1d" + "\x1f".join(tokens).encode())
        return digest.hexdigest()

    def hits(self, doc: Doc) -> list[Hit]:
        found = {match_id for match_id, _, _ in self.matcher(doc)}
        return [self.patterns[match_id] for match_id in found]

    def match(
        self, texts: Iterable[str], *, batch_size: int = 500, n_process: int = 1
    ) -> tuple[list[list[Hit]], list[list[str]]]:
        """Hits and lemma norms for each text, in order."""
        hits: list[list[Hit]] = []
        norms: list[list[str]] = []
        for doc in self.pipe.nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            hits.append(self.hits(doc))
            norms.append(self.pipe.norms(doc))
        return hits, norms


@dataclass(frozen=True)
class Idf:
    """Smoothed inverse document frequency of each matched pattern over the project's corpus.

    Below `MIN_IDF_DOCS` texts the corpus says nothing: `fallback` (a reference table,
    `qualcode.suggest.reference`) gives the IDF, else every pattern gets `PRIOR_IDF`.
    """

    n_docs: int
    df: dict[str, int]
    fallback: Callable[[str], float] | None = None

    @classmethod
    def from_hits(
        cls, corpus: Iterable[Sequence[Hit]], fallback: Callable[[str], float] | None = None
    ) -> Idf:
        df: dict[str, int] = defaultdict(int)
        n_docs = 0
        for hits in corpus:
            n_docs += 1
            for norm in {hit.norm for hit in hits}:
                df[norm] += 1
        return cls(n_docs=n_docs, df=dict(df), fallback=fallback)

    @classmethod
    def reference(cls, fallback: Callable[[str], float] | None) -> Idf:
        """IDF from a reference table only (no corpus): the same for a text whatever else is
        ranked with it."""
        return cls(n_docs=0, df={}, fallback=fallback)

    def __call__(self, norm: str) -> float:
        value = self._cache.get(norm)
        if value is None:
            value = self._cache[norm] = self._idf(norm)
        return value

    @cached_property
    def _cache(self) -> dict[str, float]:
        # Ranking asks for the same few patterns' IDF millions of times on a large corpus.
        return {}

    def _idf(self, norm: str) -> float:
        if self.n_docs < MIN_IDF_DOCS:
            return self.fallback(norm) if self.fallback is not None else PRIOR_IDF
        return math.log((self.n_docs + 1) / (self.df.get(norm, 0) + 1)) + 1.0


@dataclass(frozen=True)
class Calibration:
    """score = sigmoid(slope * evidence + intercept); the defaults put one specific term
    (evidence about 4) near 0.5 and two near 0.9."""

    slope: float = 0.55
    intercept: float = -2.2

    def __call__(self, evidence: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.slope * evidence + self.intercept)))

    @classmethod
    def fit(cls, evidence: Sequence[float], applied: Sequence[bool]) -> Calibration:
        """Platt scaling: fit the two parameters to whether coders applied the matched code."""
        if len(set(applied)) < 2:
            return cls()
        x = np.asarray(evidence, dtype=float)
        y = np.asarray(applied, dtype=float)

        def loss(params: np.ndarray) -> float:
            z = params[0] * x + params[1]
            # log(1 + e^z) - y z, written stably; a small ridge keeps the slope sane.
            return float(np.mean(np.logaddexp(0.0, z) - y * z) + 1e-3 * params[0] ** 2)

        start = np.array([cls.slope, cls.intercept])
        result = minimize(loss, start, method="L-BFGS-B", bounds=[(0.01, 10.0), (-20.0, 20.0)])
        return cls(slope=float(result.x[0]), intercept=float(result.x[1]))


def evidence(
    hits: Sequence[Hit], idf: Idf, context: Sequence[Hit] = ()
) -> dict[str, tuple[float, list[str]]]:
    """Per code: summed IDF-weighted evidence and the matched terms, strongest first.

    `context` holds the hits of the turns this turn answers; each pattern counts once, from the
    turn itself when it matched there, and is named with " (context)" otherwise.
    """
    seen = {(hit.code, hit.norm) for hit in hits}
    weighted = [(hit, 1.0, hit.term) for hit in hits]
    for hit in context:
        if (hit.code, hit.norm) not in seen:
            seen.add((hit.code, hit.norm))
            weighted.append((hit, CONTEXT_WEIGHT, hit.term + CONTEXT_MARK))
    parts: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for hit, factor, term in weighted:
        specificity = idf(hit.norm)
        # Example words are only evidence when they are rare in the corpus: common words
        # ("patient", "know") appear in examples of every code.
        if hit.example and specificity < EXAMPLE_MIN_IDF:
            continue
        parts[hit.code].append((specificity * hit.weight * factor, term))
    result = {}
    for code, items in parts.items():
        items.sort(key=lambda item: (-item[0], item[1]))
        result[code] = (sum(weight for weight, _ in items), [term for _, term in items])
    return result


def scored(
    hits: Sequence[Hit], idf: Idf, calibration: Calibration, context: Sequence[Hit] = ()
) -> dict[str, tuple[float, list[str]]]:
    """Per code: its calibrated score, rounded as shown, and the matched terms."""
    return {
        code: (round(calibration(total), 4), terms)
        for code, (total, terms) in evidence(hits, idf, context).items()
    }


def rank(
    hits: Sequence[Hit], idf: Idf, calibration: Calibration, context: Sequence[Hit] = ()
) -> list[CodeScore]:
    """The codebook-only ranking for one text (and the hits of its context), best first."""
    # model_construct skips pydantic validation: the values are built right here, and
    # validating them took a third of the time of ranking 100,000 turns.
    scores = [
        CodeScore.model_construct(code=code, score=score, why=terms)
        for code, (score, terms) in scored(hits, idf, calibration, context).items()
    ]
    return sorted(scores, key=lambda item: (-item.score, item.code))
