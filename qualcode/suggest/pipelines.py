"""Blank spaCy pipelines per language whose token norms are lowercase lookup lemmas.

Nothing is downloaded: `spacy.blank(lang)` gives the tokenizer, and the lookup lemmatizer
reads its table from the installed spacy-lookups-data package. Matching and the learned model
both work on `token.norm_`, so "Breaks", "breaks" and "break" meet on "break".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.lookups import Table
from spacy.tokens import Doc

from qualcode.errors import QualcodeError

# Languages whose spacy-lookups-data lemma table is a real lookup table. Norwegian (nb) ships
# only a ~1,500-entry table meant for the rule lemmatizer (which needs a POS tagger), so nb
# and any other language fall back to lowercase word forms, and say so.
LEMMA_LANGUAGES = frozenset({"en", "da"})
NORM_PIPE = "qualcode_lemma_norm"


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    language: str
    warning: str | None = None

    def norms(self, doc: Doc) -> list[str]:
        # Interned: each `norm_` is a new string, and a corpus repeats few distinct ones.
        return [sys.intern(token.norm_) for token in doc]


class LemmaNorm:
    """Set each token's norm to its lowercase lookup lemma (the lowercase form if none).

    spaCy's lookup lemmatizer looks up the token text as written, so a capitalised word at the
    start of a turn would miss its lemma; this looks up the lowercase form instead.
    """

    def __init__(self, nlp: Language) -> None:
        self.table: Table | None = None
        if "lemmatizer" in nlp.component_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            if lookups.has_table("lemma_lookup"):
                self.table = lookups.get_table("lemma_lookup")

    def __call__(self, doc: Doc) -> Doc:
        table = self.table
        for token in doc:
            lower = token.lower_
            if table is not None:
                lemma = table.get(lower)
                token.norm_ = lemma.lower() if isinstance(lemma, str) else lower
            else:
                token.norm_ = lower
        return doc


@Language.factory(NORM_PIPE)
def _make_lemma_norm(nlp: Language, name: str) -> LemmaNorm:
    return LemmaNorm(nlp)


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
