"""The suggester's IDF from per-transcript counts kept in the database, against matching the
whole corpus of the language (what every suggester did before).

    python benchmarks/bench_idf.py [--turns 20000] [--rounds 3] [--keep FOLDER]

Builds the database of `bench_tui.py` (the shipped codebook, three generated transcripts of
`--turns` turns, one in ten pre-coded; with `--keep FOLDER` once, there) and times, in
`--rounds` alternating rounds, wall seconds (CPU seconds in brackets):
- baseline: the language's turns read and matched at once, `Idf.from_hits` (the IDF part of
  the old `project_suggester`);
- suggester cold / warm: `read_suggester` with no counts kept (it matches every transcript
  and keeps their counts) and with every transcript's counts kept;
- first window baseline / cold / warm: the workbench's first suggestions
  (`LazySuggestions.generate`, the 200 turns around the middle of the second transcript, for
  a coder with none yet), with the whole corpus matched for the IDF, with no counts kept and
  with every transcript's counts kept.
The three IDFs are checked to be equal. Medians are printed with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_tui import build

from qualcode.services import suggestions
from qualcode.services.codebooks import active_codebook
from qualcode.services.corpus_idf import language_idf
from qualcode.services.project import Project, open_project
from qualcode.services.suggestion_window import LazySuggestions
from qualcode.services.suggestions import code_terms, read_suggester
from qualcode.store import codes as code_store
from qualcode.store import suggestions as store
from qualcode.store.term_counts import term_df
from qualcode.suggest.matcher import Idf
from qualcode.suggest.reference import reference_specificity
from qualcode.suggest.suggester import match_corpus

LANGUAGE = "en"
WINDOW = 100  # turns either side of the cursor, as the workbench asks
WINDOWS = ("baseline", "no counts kept", "counts kept")


def baseline(project: Project) -> Idf:
    def work(session):  # type: ignore[no-untyped-def]
        codes = code_terms(code_store.codes_of(session, active_codebook(session).id))
        rows = store.segment_texts(session, language=LANGUAGE)
        return match_corpus(LANGUAGE, codes, (row.text for row in rows)).idf

    return project.read(work)


def whole_corpus_idf(session, language: str, matcher):  # type: ignore[no-untyped-def]
    """`language_idf` as it was: every turn of the language matched, nothing kept."""
    rows = store.segment_texts(session, language=language)
    hits, _ = matcher.match(row.text for row in rows)
    return Idf.from_hits(hits, reference_specificity(language)), []


def forget(project: Project) -> None:
    project.write(lambda session: session.execute(term_df.delete()))


def timed(action: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the database here once, and reuse it")
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        built = (args.keep or Path(folder)) / "bench.db"
        if not built.exists():
            built.parent.mkdir(parents=True, exist_ok=True)
            build(built.parent, args.turns).close()
        project = open_project(f"sqlite:///{built}")
        middle = args.turns // 2
        idfs: list[Idf] = []
        read_suggester(project, LANGUAGE)  # load the pipeline, once for all
        print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for number in range(args.rounds):
            steps: list[tuple[str, Callable[[], object]]] = [
                ("baseline: match the whole corpus", lambda: baseline(project)),
                ("suggester, no counts kept", lambda: read_suggester(project, LANGUAGE).idf),
                ("suggester, counts kept", lambda: read_suggester(project, LANGUAGE).idf),
            ]
            for name, action in steps:
                if "no counts" in name:
                    forget(project)
                wall, cpu, idf = timed(action)
                times.setdefault(name, []).append((wall, cpu))
                assert isinstance(idf, Idf)
                idfs.append(idf)
            for name in WINDOWS:
                if name == "no counts kept":
                    forget(project)
                if name == "baseline":
                    suggestions.language_idf = whole_corpus_idf  # type: ignore[assignment]
                lazy = LazySuggestions(project, f"bench-{number}-{name}")
                try:
                    wall, cpu, _ = timed(
                        lambda lazy=lazy: lazy.generate(2, middle - WINDOW, middle + WINDOW)
                    )
                finally:
                    suggestions.language_idf = language_idf
                times.setdefault(f"first window, {name}", []).append((wall, cpu))
            print(f"round {number + 1} done, load average {os.getloadavg()[0]:.1f}")
        project.close()
    assert len({(idf.n_docs, repr(sorted(idf.df.items()))) for idf in idfs}) == 1
    print(f"IDF equal in all {len(idfs)} builds: {idfs[0].n_docs} turns, {len(idfs[0].df)} norms")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'step (median of ' + str(args.rounds) + ')':40} {'wall s':>8} {'cpu s':>8}")
    for name, values in times.items():
        wall = statistics.median(value[0] for value in values)
        cpu = statistics.median(value[1] for value in values)
        print(f"{name:40} {wall:8.3f} {cpu:8.3f}")


if __name__ == "__main__":
    main()
