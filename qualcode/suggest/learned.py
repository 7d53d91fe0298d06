"""A spaCy `textcat_multilabel` trained on the project's codings, over lemma norms.

The classifier is a bag-of-words (unigrams and bigrams) linear model: it trains in seconds on
thousands of turns on a CPU and needs no pretrained vectors. Its input docs are built from the
lemma norms the matcher pipeline produced, so both stages see the same words. The trained
pipeline is serialised with `nlp.to_bytes()` and rebuilt from its config.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch
from thinc.api import Config

from qualcode.domain.codebook import OPEN_BRANCH
from qualcode.domain.codekey import CodeKey

TEXTCAT = "textcat_multilabel"
TEXTCAT_CONFIG = {
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        # Hashed feature table: 2**15 rows hold a focus-group corpus's unigrams and bigrams
        # with few collisions, and keeps each optimizer step cheap (the default is 2**18).
        "length": 2**15,
    }
}
DEFAULT_EPOCHS = 12
# A code needs this many coded turns before the model learns a label for it.
MIN_LABEL_SUPPORT = 2
# A code coders created while coding (under the open branch: `open.<name>`) needs this many
# coded turns: a theme named once or twice is not yet a pattern worth suggesting. Its turns
# count for the `concept:open` label from the first.
MIN_OPEN_SUPPORT = 5
# A language needs this many coded turns before a model is trained for it.
MIN_TRAINING_TURNS = 10
# Extra labels, one per top-level concept (`concept:temporality`): a turn has it when any code
# of the concept was applied. They pool the few examples of each code, so the model ranks
# concepts better than the best of its code labels does (measured in docs/suggestions.md).
CONCEPT_PREFIX = "concept:"


@dataclass(frozen=True)
class TrainingExample:
    """Lemma norms of a turn and its labels: 1.0 applied, 0.0 not applied or rejected.

    Labels missing from `cats` are unknown and do not count in the loss (a rejected suggestion
    on an uncoded turn says only that the rejected code does not apply).
    """

    norms: list[str]
    cats: dict[str, float]


def _doc(nlp: Language, norms: Sequence[str]) -> Doc:
    return Doc(nlp.vocab, words=list(norms))


def train(
    language: str,
    examples: Sequence[TrainingExample],
    labels: Sequence[str],
    *,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = 0,
) -> Language:
    """Train a fresh classifier on `examples` for `labels`."""
    fix_random_seed(seed)
    nlp = spacy.blank(language)
    textcat = cast(TextCategorizer, nlp.add_pipe(TEXTCAT, config=TEXTCAT_CONFIG))
    for label in labels:
        textcat.add_label(label)
    # A text without tokens has no features to learn from (and the bag-of-words layer
    # cannot take an empty doc): it is left out.
    data = [
        Example(_doc(nlp, item.norms), _reference(nlp, item)) for item in examples if item.norms
    ]
    optimizer = nlp.initialize(lambda: data)
    order = random.Random(seed)
    for _ in range(epochs):
        order.shuffle(data)
        for batch in minibatch(data, size=compounding(16.0, 128.0, 1.01)):
            nlp.update(batch, sgd=optimizer, losses={})
    return nlp


def _reference(nlp: Language, item: TrainingExample) -> Doc:
    doc = _doc(nlp, item.norms)
    doc.cats = dict(item.cats)
    return doc


def predict(
    nlp: Language, norms: Sequence[Sequence[str]], batch_size: int = 1000
) -> list[dict[str, Any]]:
    """Label probabilities for each text given as lemma norms; a text without tokens gets 0.0
    for every label (no words, no evidence; the bag-of-words layer cannot take an empty doc)."""
    textcat = cast(TextCategorizer, nlp.get_pipe(TEXTCAT))
    docs = (_doc(nlp, words) for words in norms if words)
    scored = (dict(doc.cats) for doc in textcat.pipe(docs, batch_size=batch_size))
    silent = dict.fromkeys(textcat.labels, 0.0)
    return [next(scored) if words else dict(silent) for words in norms]


def to_payload(nlp: Language) -> tuple[bytes, str]:
    """The trained pipeline's weights and its config, to store and rebuild it."""
    return nlp.to_bytes(), nlp.config.to_str()


def from_payload(payload: bytes, config: str) -> Language:
    parsed = Config().from_str(config)
    nlp = spacy.util.get_lang_class(parsed["nlp"]["lang"]).from_config(parsed)
    return nlp.from_bytes(payload)


def targets(gold: set[str] | frozenset[str]) -> set[str]:
    """The labels a coded turn has: its codes and the concept label of each."""
    return set(gold) | {CONCEPT_PREFIX + CodeKey(code).concept for code in gold}


def concept_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """The concept labels' scores, keyed by concept."""
    return {
        label.removeprefix(CONCEPT_PREFIX): score
        for label, score in scores.items()
        if label.startswith(CONCEPT_PREFIX)
    }


def labels_with_support(
    golds: Sequence[set[str] | frozenset[str]],
    minimum: int,
    open_minimum: int = MIN_OPEN_SUPPORT,
) -> list[str]:
    """Codes (and concepts) applied to at least `minimum` of the turns, open codes
    (`open.<name>`) to at least `open_minimum`: the ones worth a label."""
    counts: dict[str, int] = {}
    for gold in golds:
        for label in targets(gold):
            counts[label] = counts.get(label, 0) + 1
    return sorted(
        label
        for label, count in counts.items()
        if count >= (open_minimum if label.startswith(OPEN_BRANCH + ".") else minimum)
    )


def labelled(
    norms: Sequence[str], gold: set[str] | frozenset[str], labels: Sequence[str]
) -> TrainingExample:
    """A coded turn: every label known, 1.0 where the code (or its concept) was applied."""
    applied = targets(gold)
    return TrainingExample(
        norms=list(norms), cats={label: float(label in applied) for label in labels}
    )
