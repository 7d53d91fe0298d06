"""The workbench's collector setting (qualcode.tui.collector), in a process of its own: it
changes the whole interpreter."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import gc
from qualcode.tui.collector import MIDDLE, OLD, YOUNG, set_for_workbench
before = gc.get_freeze_count()
set_for_workbench()
print(before, gc.get_freeze_count() > 1000, gc.get_threshold() == (YOUNG, MIDDLE, OLD))
garbage = []
garbage.append(garbage)  # a cycle made after start-up is still collected
del garbage
print(gc.collect() >= 1)
"""


def test_start_up_objects_are_frozen_and_collections_spaced_out() -> None:
    shown = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["0", "True", "True", "True"]
