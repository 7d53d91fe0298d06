"""Workbench benchmark: open a 3,000-turn transcript, apply codes, scroll.

    python benchmarks/bench_tui.py [--turns 3000] [--size 120x40] [--applies 20] [--pages 30]
                                   [--runs 3] [--hurried 6] [--keep FOLDER] [--raw FILE]

Builds a temporary database with the shipped codebook and three generated transcripts of
`--turns` turns (one in ten pre-coded), then drives the real app headless with Pilot, in
`--runs` sessions:
- open: from Enter on the corpus screen until the first transcript line is drawn, for the
  first transcript of the session and then for two others;
- hurried open: the same, `--hurried` times, each time leaving the transcript shown for the
  next one as soon as its first line is drawn (its reads and suggestions still running);
- apply: from pressing a favourite digit until the coded turn is redrawn (it shows before
  the write ends), and until the committed coding is back on the screen;
- scroll: from PageDown until the new screenful is drawn, and the cost of drawing a
  screenful of turns not drawn before.
Times come from hooks on TranscriptView (when it draws) and the app's Saver (when a write
is done), so Pilot's own waits don't count. With `--keep FOLDER` the database is built there
once and each session starts from a copy of it (to compare two versions of the code on the
same data, run this script with each on the PYTHONPATH in turn, alternating, and `--raw`
to add each run's times to a JSON file per version).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from qualcode.codebook.files import bundled_codebook_path
from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, coding, corpus, importing, listing, suggestions
from qualcode.services.project import Project, open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.saver import Saver
from qualcode.tui.widgets.transcript_view import TranscriptView

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "we the patients phone lunch break schedule list system time never always ward nurse "
    "doctor secretary round handover morning afternoon waiting planning plan day week shift "
    "colleagues respect goal knowledge share talk call meeting region management decision "
    "budget cut reorganisation change because so but then yes really busy late behind"
).split()
SPEAKERS = ["Moderator", "Anne", "Bo", "Carla", "Dorthe", "Erik", "Frida"]
CODER = "bench"


def transcript_text(rng: random.Random, turns: int) -> str:
    lines = []
    for number in range(turns):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 16))).capitalize() + "."
            for _ in range(rng.randint(1, 5))
        ]
        t = number * 9
        lines.append(
            f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] "
            f"{rng.choice(SPEAKERS)}: {' '.join(sentences)}"
        )
    return "\n".join(lines) + "\n"


def build(folder: Path, turns: int) -> Project:
    project = open_project(f"sqlite:///{folder / 'bench.db'}")
    codebooks.load_codebook_file(project, bundled_codebook_path())
    rng = random.Random(7)
    book = codebooks.codebook_info(project)
    # Pre-code with codes off the digit keys, so that the timed favourite is always new.
    keys = [code.key for code in book.codes if code.key not in book.favourites][:5]
    for number in (1, 2, 3):
        path = folder / f"big{number}.txt"
        path.write_text(transcript_text(rng, turns), encoding="utf-8")
        importing.import_one(project, ImportSpec(path=path, department="Bench", title=path.stem))
        for turn in corpus.segments(project, number)[::10]:
            coding.apply_code(project, turn.id, rng.choice(keys), CODER)
    return project


class Clock:
    """Records when the transcript view draws a line of text (and of which transcript),
    and when a write's result reaches the screen."""

    def __init__(self) -> None:
        self.drawn: list[tuple[float, int]] = []
        self.saved: list[float] = []
        finish = Saver._finish

        def finished(saver: Saver, *args):  # type: ignore[no-untyped-def]
            self.saved.append(time.perf_counter())
            return finish(saver, *args)

        Saver._finish = finished  # type: ignore[method-assign]
        original = TranscriptView.render_line

        def render_line(view: TranscriptView, y: int):  # type: ignore[no-untyped-def]
            strip = original(view, y)
            if view.turns and strip.text.strip():
                self.drawn.append((time.perf_counter(), view.turns[0].transcript_id))
            return strip

        TranscriptView.render_line = render_line  # type: ignore[method-assign]

    def since(self, start: float, transcript: int | None = None) -> float:
        """Milliseconds from `start` to the first draw (of `transcript`, if given) after it."""
        times = [t for t, shown in self.drawn if t >= start and transcript in (None, shown)]
        return 1000 * (min(times) - start)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def first_drawn(pilot, clock: Clock, start: float, transcript: int) -> None:  # type: ignore[no-untyped-def]
    """Wait (in Pilot's steps) until `transcript` has drawn a line after `start`."""
    while not any(t >= start and shown == transcript for t, shown in clock.drawn):
        await pilot.pause(0.005)


async def run(project: Project, size: tuple[int, int], args: argparse.Namespace, first: int):
    """One session; returns lists of milliseconds per measure."""
    clock = Clock()
    app = QualcodeApp(project, CODER)
    try:  # as `qualcode tui` starts it (versions before the setting have none)
        from qualcode.tui.collector import set_for_workbench
    except ImportError:
        pass
    else:
        set_for_workbench()
    times: dict[str, list[float]] = {name: [] for name in MEASURES}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for transcript in (1, 2, 3):
            await pilot.press("home", *["down"] * transcript)  # line 0 is the department
            await settle(pilot)
            start = time.perf_counter()
            await pilot.press("enter")
            await settle(pilot)
            label = "open_first" if transcript == 1 else "open_again"
            times[label].append(clock.since(start, transcript))
            await pilot.press("f1")
            await settle(pilot)
        for number in range(args.hurried):
            transcript = 1 + number % 3
            await pilot.press("home", *["down"] * transcript)
            start = time.perf_counter()
            await pilot.press("enter")
            await first_drawn(pilot, clock, start, transcript)
            times["open_hurried"].append(clock.since(start, transcript))
            await pilot.press("f1")
        await settle(pilot)
        await pilot.press("home", "down", "down", "down", "enter")
        await settle(pilot)
        view = app.screen.query_one(TranscriptView)
        view.move_cursor(first)  # turns no earlier run has coded
        for _ in range(args.applies):
            await pilot.press("j")
            await settle(pilot)
            start = time.perf_counter()
            await pilot.press("2")
            await settle(pilot)
            times["apply_shown"].append(clock.since(start))
            times["apply_saved"].append(1000 * (min(t for t in clock.saved if t >= start) - start))
        for _ in range(args.pages):
            start = time.perf_counter()
            await pilot.press("pagedown")
            await settle(pilot)
            times["page_down"].append(clock.since(start))
        for _ in range(args.pages):
            view.move_cursor(random.randrange(len(view.turns)))
            start = time.perf_counter()
            for y in range(view.scrollable_content_region.height):
                view.render_line(y)
            times["draw_screenful"].append(1000 * (time.perf_counter() - start))
    return times


MEASURES = {
    "open_first": "Enter to first line drawn, first transcript (screen built too)",
    "open_again": "Enter to first line drawn, another transcript",
    "open_hurried": "Enter to first line drawn, the transcript before left at once",
    "apply_shown": "favourite key to the coded turn redrawn",
    "apply_saved": "favourite key to the committed coding back on the screen",
    "page_down": "PageDown to the new screenful drawn",
    "draw_screenful": "drawing a screenful of turns not drawn before",
}


def _summary(values: list[float]) -> dict[str, float]:
    summary = {"median": round(statistics.median(values), 1), "max": round(max(values), 1)}
    if len(values) >= 10:
        summary["p90"] = round(statistics.quantiles(values, n=10)[-1], 1)
    return summary


def warm(built: Path) -> None:
    """Store the term counts the suggester's IDF sums (issue 17 item 5), as the first session
    on a project does once; a version of the code without them is left as it is."""
    read_suggester = getattr(suggestions, "read_suggester", None)
    if read_suggester is None:
        print("--warm: this version keeps no term counts")
        return
    project = open_project(f"sqlite:///{built}")
    started = time.perf_counter()
    for language in sorted({info.language for info in listing.list_transcripts(project)}):
        read_suggester(project, language)
    project.close()
    print(f"term counts stored in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxROWS")
    parser.add_argument("--applies", type=int, default=20)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3, help="sessions, each a new app")
    parser.add_argument("--hurried", type=int, default=6, help="hurried opens per session")
    parser.add_argument("--keep", type=Path, help="build the database here once, and reuse it")
    parser.add_argument("--raw", type=Path, help="add the times to this JSON file, and report all")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="first store the suggester's term counts in the built database, as any earlier "
        "session does (versions that keep no counts are left as they are)",
    )
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    totals: dict[str, list[float]] = {name: [] for name in MEASURES}
    with tempfile.TemporaryDirectory() as folder:
        built = (args.keep or Path(folder)) / "bench.db"
        if not built.exists():
            started = time.perf_counter()
            built.parent.mkdir(parents=True, exist_ok=True)
            build(built.parent, args.turns).close()
            print(f"built 3 x {args.turns} turns in {time.perf_counter() - started:.1f} s")
        if args.warm:
            warm(built)
        for number in range(args.runs):
            copy = Path(folder) / f"run{number}.db"
            shutil.copyfile(built, copy)
            project = open_project(f"sqlite:///{copy}")
            first = 100 + number * (args.applies + 10)
            times = asyncio.run(run(project, (width, height), args, first))
            project.close()
            for name, values in times.items():
                totals[name].extend(values)
    if args.raw:
        kept = json.loads(args.raw.read_text()) if args.raw.exists() else {}
        for name, values in totals.items():
            totals[name] = kept.get(name, []) + values
        args.raw.write_text(json.dumps(totals))
    print(f"{'measure (ms)':16} {'median':>7} {'p90':>7} {'max':>7}  n   what")
    for name, values in totals.items():
        if not values:
            continue  # --runs 0: only built (and warmed) the database
        summary = _summary(values)
        print(
            f"{name:16} {summary['median']:7.1f} {summary.get('p90', float('nan')):7.1f} "
            f"{summary['max']:7.1f} {len(values):3}  {MEASURES[name]}"
        )


if __name__ == "__main__":
    main()
