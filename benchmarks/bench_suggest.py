"""Time the suggester: 100,000 turns ranked, a model trained on 5,000 coded turns, peak RSS.

Turns are synthetic English sentences built from the bundled codebook's terms and filler
words (seeded), so the matcher finds real evidence. They form transcripts of 80 turns in which
every sixth turn is the moderator's, so each turn is ranked with its conversation context.
Turns are ranked as `qualcode suggest` ranks them: `Suggester.rank_matched`, a chunk of turns
at a time, each ranking consumed as it comes. Every figure is also given as a ratio to a
baseline measured in the same run (tokenising the same turns with a blank pipeline), and with
the CPU time it took, since the machine may be shared.

    python benchmarks/bench_suggest.py [--turns 100000] [--train 5000] [--n-process 1]
        [--chunk 5000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections.abc import Iterator
from itertools import islice

import spacy
from spacy.language import Language

from qualcode.codebook.files import bundled_codebook_path, load_codebook
from qualcode.suggest import learned
from qualcode.suggest.context import TurnContext, contexts
from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Idf
from qualcode.suggest.pipelines import pipeline
from qualcode.suggest.suggester import CHUNK_TURNS, Suggester

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


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (`--n-process` workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(label: str, work, baseline: float | None = None):
    """Run `work`; print its wall time (and ratio to the baseline) and CPU time."""
    started, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    seconds = time.perf_counter() - started
    ratio = f"  ({seconds / baseline:.1f}x baseline)" if baseline else ""
    print(f"{label:<56} {seconds:7.2f} s  cpu {cpu_seconds() - cpu:7.2f} s{ratio}", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--train", type=int, default=5_000)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=CHUNK_TURNS, help="turns ranked at a time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    book = load_codebook(bundled_codebook_path())
    codes = [CodeTerms(c.key, dict(c.terms), list(c.examples)) for c in book.codes]
    turns = make_turns(codes, args.turns, args.seed)
    texts = [text for text, _ in turns]
    golds = [gold for _, gold in turns]
    print(f"{args.turns} turns, {sum(len(t.split()) for t in texts)} words")
    wall, cpu = time.perf_counter(), cpu_seconds()

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
    idf = Idf.from_hits(hits)
    groups = [index // TRANSCRIPT_TURNS for index in range(len(texts))]
    roles = ["moderator" if index % MODERATOR_EVERY == 0 else None for index in range(len(texts))]

    def around() -> Iterator[TurnContext]:
        return contexts(groups, roles, hits, norms, matcher.pipe.nlp.Defaults.stop_words)

    def suggester(model: Language | None) -> Suggester:
        known = {code.key for code in codes}
        return Suggester(
            "en", matcher, idf, Calibration(), model, "bench", known, model is not None
        )

    def top1(ranker: Suggester) -> float:
        """Rank every turn as `qualcode suggest` does (in chunks, consumed as they come)."""
        rankings = ranker.rank_matched(hits, norms, around(), chunk_size=args.chunk)
        right = sum(bool(r) and r[0].code == gold for r, gold in zip(rankings, golds, strict=True))
        return right / len(golds)

    codebook_top1, rank_s = timed(
        "context + calibrated ranking", lambda: top1(suggester(None)), base
    )
    print(f"{'codebook suggestions total':<56} {match_s + rank_s:7.2f} s")
    print(f"top-1 = generating code on {codebook_top1:.1%} of synthetic turns")

    n = args.train
    # The learned model's input: each turn's lemmas and its context's prefixed lemmas.
    features = [
        words + near.words for words, near in zip(norms[:n], islice(around(), n), strict=True)
    ]
    # Code labels and the concept labels the suggester adds (see learned.targets).
    labels = learned.labels_with_support([{gold} for gold in golds[:n]], 1)
    examples = [
        learned.labelled(words, {gold}, labels)
        for words, gold in zip(features, golds[:n], strict=True)
    ]
    model, _ = timed(
        f"train textcat on {n} coded turns (12 epochs)",
        lambda: learned.train("en", examples, labels),
        base,
    )
    combined_top1, comb_s = timed(
        "context + ranking + learned scores + combine", lambda: top1(suggester(model)), base
    )
    total = match_s + comb_s
    print(f"{'combined suggestions total':<56} {total:7.2f} s  ({total / base:.1f}x baseline)")
    print(f"top-1 = generating code on {combined_top1:.1%} of synthetic turns")
    seconds, used = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"whole run {seconds:.2f} s, cpu {used:.2f} s ({used / seconds:.0%} of one core)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
