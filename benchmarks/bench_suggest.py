"""Time the suggester: 100,000 turns ranked, a model trained on 5,000 coded turns, peak RSS.

Turns are synthetic English sentences built from the bundled codebook's terms and filler
words (seeded), so the matcher finds real evidence. They form transcripts of 80 turns in which
every sixth turn is the moderator's, so each turn is ranked with its conversation context.
Every figure is also given as a ratio to a baseline measured in the same run: tokenising the
same turns with a blank pipeline.

    python benchmarks/bench_suggest.py [--turns 100000] [--train 5000] [--n-process 1]
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import spacy

from qualcode.codebook.files import bundled_codebook_path, load_codebook
from qualcode.suggest import learned
from qualcode.suggest.combine import combine
from qualcode.suggest.context import contexts
from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Idf, rank
from qualcode.suggest.pipelines import pipeline

TRANSCRIPT_TURNS = 80
MODERATOR_EVERY = 6
FILLER = [
    "we",
    "they",
    "the",
    "patients",
    "in",
    "the",
    "morning",
    "and",
    "then",
    "of",
    "course",
    "it",
    "is",
    "really",
    "just",
    "that",
    "you",
    "know",
    "when",
    "somebody",
    "has",
    "to",
    "do",
    "something",
    "about",
    "it",
    "again",
    "on",
    "the",
    "ward",
    "today",
]


def make_turns(codes: list[CodeTerms], n: int, seed: int) -> list[tuple[str, str]]:
    """(text, code) pairs: filler words around one or two terms of a random code."""
    rng = random.Random(seed)
    usable = [code for code in codes if code.terms.get("en")]
    turns = []
    for _ in range(n):
        code = rng.choice(usable)
        words = rng.choices(FILLER, k=rng.randint(8, 30))
        for term in rng.sample(code.terms["en"], k=min(2, len(code.terms["en"]))):
            words.insert(rng.randrange(len(words) + 1), term)
        turns.append((" ".join(words).capitalize() + ".", code.key))
    return turns


def timed(label: str, work, baseline: float | None = None):
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    ratio = f"  ({seconds / baseline:.1f}x baseline)" if baseline else ""
    print(f"{label:<48} {seconds:8.2f} s{ratio}", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--train", type=int, default=5_000)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    book = load_codebook(bundled_codebook_path())
    codes = [CodeTerms(c.key, dict(c.terms), list(c.examples)) for c in book.codes]
    turns = make_turns(codes, args.turns, args.seed)
    texts = [text for text, _ in turns]
    print(f"{args.turns} turns, {sum(len(t.split()) for t in texts)} words")

    blank = spacy.blank("en")
    _, base = timed(
        "baseline: tokenise with spacy.blank('en')",
        lambda: sum(1 for _ in blank.pipe(texts, batch_size=1000, n_process=args.n_process)),
    )
    matcher, _ = timed(
        "build matcher (pipeline + patterns)", lambda: CodebookMatcher(pipeline("en"), codes)
    )
    (hits, norms), match_s = timed(
        "lemmatise + match",
        lambda: matcher.match(texts, batch_size=1000, n_process=args.n_process),
        base,
    )
    groups = [index // TRANSCRIPT_TURNS for index in range(len(texts))]
    roles = ["moderator" if index % MODERATOR_EVERY == 0 else None for index in range(len(texts))]

    def ranking() -> list:
        around = contexts(groups, roles, hits, norms, matcher.pipe.nlp.Defaults.stop_words)
        return [
            rank(found, idf, Calibration(), near.hits)
            for found, near in zip(hits, around, strict=True)
        ], [words + near.words for words, near in zip(norms, around, strict=True)]

    idf = Idf.from_hits(hits)
    (ranked, features), rank_s = timed("context + IDF + calibrated ranking", ranking, base)
    print(f"{'codebook suggestions total':<48} {match_s + rank_s:8.2f} s")
    top1 = sum(bool(r) and r[0].code == gold for r, (_, gold) in zip(ranked, turns, strict=True))
    print(f"top-1 = generating code on {top1 / len(turns):.1%} of synthetic turns")

    sample = list(range(args.train))
    # Code labels and the concept labels the suggester adds (see learned.targets).
    labels = learned.labels_with_support([{gold} for _, gold in turns[: args.train]], 1)
    examples = [learned.labelled(features[i], {turns[i][1]}, labels) for i in sample]
    model, _ = timed(
        f"train textcat on {args.train} coded turns (12 epochs)",
        lambda: learned.train("en", examples, labels),
        base,
    )
    scores, learn_s = timed(
        "learned scores for all turns", lambda: learned.predict(model, features)
    )
    _, comb_s = timed(
        "combine",
        lambda: [combine(r, s) for r, s in zip(ranked, scores, strict=True)],
    )
    total = match_s + rank_s + learn_s + comb_s
    print(f"{'combined suggestions total':<48} {total:8.2f} s  ({total / base:.1f}x baseline)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
