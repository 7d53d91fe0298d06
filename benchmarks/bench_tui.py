"""Workbench benchmark: open a 3,000-turn transcript, apply codes, scroll.

    python benchmarks/bench_tui.py [--turns 3000] [--size 120x40] [--applies 20] [--pages 60]

Builds a temporary database with the shipped codebook and two generated transcripts of
`--turns` turns (one in ten pre-coded), then drives the real app headless with Pilot:
- open: from Enter on the corpus screen until the first transcript line is drawn, for the
  first transcript (the coding screen is built too) and then for the second one;
- apply: from pressing a favourite digit until the coded turn is redrawn;
- scroll: from PageDown until the new screenful is drawn, and the cost of drawing a
  screenful of turns not drawn before.
Times come from hooks on TranscriptView (when it draws), so Pilot's own waits don't count.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from qualcode.codebook.files import bundled_codebook_path
from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, coding, corpus, importing
from qualcode.services.project import Project, open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.widgets.transcript_view import TranscriptView

WORDS = (
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
        lines.append(f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] "
                     f"{rng.choice(SPEAKERS)}: {' '.join(sentences)}")
    return "\n".join(lines) + "\n"


def build(folder: Path, turns: int) -> Project:
    project = open_project(f"sqlite:///{folder / 'bench.db'}")
    codebooks.load_codebook_file(project, bundled_codebook_path())
    rng = random.Random(7)
    keys = codebooks.codebook_info(project).favourites
    for number in (1, 2):
        path = folder / f"big{number}.txt"
        path.write_text(transcript_text(rng, turns), encoding="utf-8")
        importing.import_one(project, ImportSpec(path=path, department="Bench", title=path.stem))
        for turn in corpus.segments(project, number)[::10]:
            coding.apply_code(project, turn.id, rng.choice(keys), CODER)
    return project


class Clock:
    """Records when the transcript view draws, to time from a key press to the screen."""

    def __init__(self) -> None:
        self.drawn: list[float] = []
        original = TranscriptView.render_line

        def render_line(view: TranscriptView, y: int):  # type: ignore[no-untyped-def]
            strip = original(view, y)
            if view.turns:
                self.drawn.append(time.perf_counter())
            return strip

        TranscriptView.render_line = render_line  # type: ignore[method-assign]

    def since(self, start: float) -> float:
        """Milliseconds from `start` to the first draw after it."""
        return 1000 * (min(t for t in self.drawn if t >= start) - start)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def run(project: Project, size: tuple[int, int], applies: int, pages: int) -> dict:
    clock = Clock()
    app = QualcodeApp(project, CODER)
    results: dict[str, object] = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("home")
        for label in ("open_first_ms", "open_second_ms"):
            await pilot.press("down")  # the next transcript
            start = time.perf_counter()
            await pilot.press("enter")
            await settle(pilot)
            results[label] = clock.since(start)
            await pilot.press("f1")
            await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        apply_times = []
        for _ in range(applies):
            await pilot.press("j")
            await settle(pilot)
            start = time.perf_counter()
            await pilot.press("2")
            await settle(pilot)
            apply_times.append(clock.since(start))
        results["apply_ms"] = _summary(apply_times)
        page_times = []
        for _ in range(pages):
            start = time.perf_counter()
            await pilot.press("pagedown")
            await settle(pilot)
            page_times.append(clock.since(start))
        results["page_down_ms"] = _summary(page_times)
        view = app.screen.query_one(TranscriptView)
        cold = []
        for _ in range(pages):
            view.move_cursor(random.randrange(len(view.turns)))
            start = time.perf_counter()
            for y in range(view.scrollable_content_region.height):
                view.render_line(y)
            cold.append(1000 * (time.perf_counter() - start))
        results["draw_new_screenful_ms"] = _summary(cold)
    return results


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "p90": round(sorted(values)[int(0.9 * (len(values) - 1))], 1),
        "max": round(max(values), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxROWS")
    parser.add_argument("--applies", type=int, default=20)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project = build(Path(folder), args.turns)
        print(f"built 2 x {args.turns} turns in {time.perf_counter() - started:.1f} s")
        results = asyncio.run(run(project, (width, height), args.applies, args.pages))
        project.close()
    for name, value in results.items():
        print(f"{name:24} {value if isinstance(value, dict) else round(value, 1)}")


if __name__ == "__main__":
    main()
