"""Blank spaCy pipelines per language whose token norms are lowercase lookup lemmas.

Nothing is downloaded: `spacy.blank(lang)` gives the tokenizer, and the lookup lemmatizer
reads its table from the installed spacy-lookups-data package. Matching and the learned model
both work on `token.norm_`, so "Breaks", "breaks" and "break" meet on "break".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import numpy
import spacy
from spacy.attrs import LOWER, NORM
from spacy.language import Language
from spacy.lookups import Table
from spacy.pipeline import Lemmatizer
from spacy.strings import StringStore
from spacy.tokens import Doc

from qualcode.errors import QualcodeError

# Languages whose spacy-lookups-data lemma table is a real lookup table. Norwegian (nb) ships
# only a ~1,500-entry table meant for the rule lemmatizer (which needs a POS tagger), so nb
# and any other language fall back to lowercase word forms, and say so.
LEMMA_LANGUAGES = frozenset({"en", "da"})
NORM_PIPE = "qualcode_lemma_norm"
# Raise when LemmaNorm or Pipeline.norms changes what a word's norm is: document frequencies
# kept in the database (`qualcode.services.corpus_idf`) are then counted again.
NORM_VERSION = 1


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    language: str
    warning: str | None = None
    # Norm hash -> the interned norm string: a corpus repeats few distinct norms.
    _strings: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def norms(self, doc: Doc) -> list[str]:
        # Read the norms as one array of hashes: iterating the doc makes a Token object per
        # word, which took a third of the time of matching 100,000 turns.
        strings = self._strings
        hashes = doc.to_array(NORM).tolist()
        for missing in {value for value in hashes if value not in strings}:
            strings[missing] = sys.intern(doc.vocab.strings[missing])
        return [strings[value] for value in hashes]


class LemmaNorm:
    """Set each token's norm to its lowercase lookup lemma (the lowercase form if none).

    spaCy's lookup lemmatizer looks up the token text as written, so a capitalised word at the
    start of a turn would miss its lemma; this looks up the lowercase form instead.
    """

    def __init__(self, nlp: Language) -> None:
        self.table: Table | None = None
        if "lemmatizer" in nlp.component_names:
            lookups = cast(Lemmatizer, nlp.get_pipe("lemmatizer")).lookups
            if lookups.has_table("lemma_lookup"):
                self.table = lookups.get_table("lemma_lookup")
        # Lowercase form hash -> norm hash, filled as words are first seen.
        self.norms: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        # Whole-doc arrays instead of a loop over Token objects (see Pipeline.norms).
        norms = self.norms
        lowers = doc.to_array(LOWER).tolist()
        for missing in {lower for lower in lowers if lower not in norms}:
            norms[missing] = self._norm(doc.vocab.strings, missing)
        values = numpy.array([norms[lower] for lower in lowers], dtype=numpy.uint64)
        return doc.from_array([NORM], values)  # type: ignore[arg-type]  # 1-D: one attribute

    def _norm(self, strings: StringStore, lower_id: int) -> int:
        lower = strings[lower_id]
        lemma = self.table.get(lower) if self.table is not None else None
        return strings.add(lemma.lower() if isinstance(lemma, str) else lower)


@Language.factory(NORM_PIPE)
def _make_lemma_norm(nlp: Language, name: str) -> LemmaNorm:
    return LemmaNorm(nlp)


@lru_cache(maxsize=8)
def pipeline_version(language: str) -> str:
    """What the language's norms depend on: spaCy, its lookup tables and the norm rule."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        lookups = version("spacy-lookups-data")
    except PackageNotFoundError:
        lookups = "none"
    return f"{language} spacy-{spacy.__version__} lookups-{lookups} norm-{NORM_VERSION}"


@lru_cache(maxsize=8)
def pipeline(language: str) -> Pipeline:
    """The cached pipeline for `language` (loading the Danish table takes a few seconds)."""
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError):
        raise QualcodeError(
            f"spaCy has no tokenizer for the language '{language}'; use a language code such "
            "as en, da or nb."
        ) from None
    warning = None
    if language in LEMMA_LANGUAGES:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        # The norm component does the lookup (lowercased); the lemmatizer only holds the table.
        nlp.disable_pipe("lemmatizer")
    else:
        warning = (
            f"No lemma table for '{language}': matching on lowercase word forms, so inflected "
            "forms of codebook terms are missed."
        )
    nlp.add_pipe(NORM_PIPE)
    return Pipeline(nlp=nlp, language=language, warning=warning)
