"""Card detection benchmark: seconds to detect the card readings of a whole corpus.

    python benchmarks/bench_cards.py [--transcripts 1000] [--words 10000] [--runs 3]

Generates the corpus (benchmarks/gen_corpus.py: every focus group reads five cards, with
fillers, "okay, the next one says" or only the first part) unless it exists, imports it
into a SQLite database once (not timed), then times `qualcode.services.cards.detect` over
every transcript, `--runs` times (each run replaces the detected sections). Prints wall and
CPU seconds, words/s, peak RSS and precision/recall against the generator's true readings.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "qc_cards")
    args = parser.parse_args()

    from qualcode.ingest.manifest import read_deck, read_manifest
    from qualcode.services import cards
    from qualcode.services.importing import import_files
    from qualcode.services.project import open_project
    from qualcode.store.models import Segment, Transcript

    corpus = args.work / f"corpus_{args.transcripts}_{args.words}"
    manifest = corpus / "manifest.yaml"
    if not manifest.exists():
        generate(corpus, args.transcripts, args.words, seed=7)
    database = args.work / f"cards_{args.transcripts}_{args.words}.db"
    project = open_project(f"sqlite:///{database}")
    cards.load_deck(project, read_deck(manifest))
    report = import_files(project, read_manifest(manifest))
    assert not report.failures, report.failures[0].message

    def counts(session) -> tuple[int, dict[int, str]]:
        names = dict(session.query(Transcript.id, Transcript.source_name).all())
        words = session.query(Segment).with_entities(Segment.word_count).all()
        return sum(w for (w,) in words), names

    words, names = project.read(counts)
    timings, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        reports = cards.detect(project)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    truth = json.loads((corpus / "readings.json").read_text("utf-8"))
    expected = {(name, ordinal, key) for name, found in truth.items() for ordinal, key in found}
    detected = {
        (names[r.transcript_id], d.ordinal, d.card_key) for r in reports for d in r.detections
    }
    hits = len(expected & detected)
    median = sorted(timings)[len(timings) // 2]
    print(
        json.dumps(
            {
                "transcripts": len(names),
                "words": words,
                "runs_s": [round(t, 2) for t in timings],
                "runs_cpu_s": [round(t, 2) for t in cpu],
                "median_s": round(median, 2),
                "words_per_s": round(words / median),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "true_readings": len(expected),
                "detected": len(detected),
                "precision": round(hits / len(detected), 4) if detected else None,
                "recall": round(hits / len(expected), 4) if expected else None,
            }
        )
    )
    project.close()


if __name__ == "__main__":
    main()
