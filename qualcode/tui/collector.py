"""The garbage collector set for the workbench, before it starts.

A 20,000-turn transcript read into the workbench is some 300,000 objects the collector
tracks. With the default thresholds, one session of opening three such transcripts ran
about 35 full collections of 100-450 ms each, most of them freeing nothing, and each froze
the screen (the slowest tenth of transcript opens, 420-700 ms against a median near 200;
docs/benchmarks.md, "TUI"). Objects made at start-up (Textual, SQLAlchemy, pydantic
schemas) never become garbage: frozen, no collection scans them again. Fewer young
collections (the first threshold, 700 by default) leave fewer survivors to promote, so a
full collection comes rarely. Reference counting frees the turns of a transcript closed
as before; only reference cycles wait for the collector.
"""

from __future__ import annotations

import gc

YOUNG = 50_000  # allocations between young collections (default 700)
MIDDLE = 20  # young collections per middle one (default 10)
OLD = 100  # middle collections per full one, at least (default 10)


def set_for_workbench() -> None:
    """Freeze what start-up made and space the collections out (see the module's text)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)
