"""Code run in separate processes by the concurrency and crash tests (importable by name)."""

from __future__ import annotations

import contextlib
import random
import time
from pathlib import Path

from sqlalchemy import Engine, event

from qualcode.domain.imports import ImportSpec
from qualcode.errors import NotFoundError
from qualcode.services import coding, importing
from qualcode.services.project import open_project

POOL_CODE = "temporality.breaks"
TEAM_CODE = "relational_coordination"

Op = tuple[str, int, str, tuple[int, int] | None]  # (apply|remove, segment, code, span)


def own_plan(index: int, segment_ids: list[int], codes: list[str], n: int) -> list[Op]:
    """A coder's own work: apply `n` codings (whole turns and spans); every third step also
    removes the coding applied just before it. Deterministic, so the end state is known."""
    units = [(s, c, span) for s in segment_ids for c in codes for span in (None, (0, 4))]
    random.Random(index).shuffle(units)
    ops: list[Op] = []
    for step, (segment, code, span) in enumerate(units[:n]):
        ops.append(("apply", segment, code, span))
        if step % 3 == 2:
            _, previous, previous_code, previous_span = ops[-2]
            ops.append(("remove", previous, previous_code, previous_span))
    return ops


def expected_layer(ops: list[Op]) -> set[tuple[int, str, tuple[int, int] | None]]:
    layer: set[tuple[int, str, tuple[int, int] | None]] = set()
    for kind, segment, code, span in ops:
        if kind == "apply":
            layer.add((segment, code, span))
        elif span is not None:
            layer.discard((segment, code, span))
        else:  # removing a code without a span removes all of it from the turn
            layer -= {unit for unit in layer if unit[:2] == (segment, code)}
    return layer


def contend(
    url: str, index: int, segment_ids: list[int], codes: list[str], n: int, barrier, results
) -> None:
    """One coder of eight: own layer, plus the shared 'pool' and 'team' layers everyone edits."""
    project = open_project(url)
    me = f"coder{index}"
    shuffled = random.Random(100 + index).sample(segment_ids, len(segment_ids))
    barrier.wait()
    started = time.perf_counter()
    team_removed = 0
    for step, (kind, segment, code, span) in enumerate(own_plan(index, segment_ids, codes, n)):
        if kind == "apply":
            coding.apply_code(project, segment, code, me, span=span, relative=True)
        else:
            coding.remove_code(project, segment, code, me, span=span, relative=True)
        if step % 20 == 0 and shuffled:  # interleave the contended work with the own work
            shared = shuffled.pop()
            coding.apply_code(project, shared, POOL_CODE, "pool")
            with contextlib.suppress(NotFoundError):  # another coder removed it first
                team_removed += len(coding.remove_code(project, shared, TEAM_CODE, "team"))
    for shared in shuffled:
        coding.apply_code(project, shared, POOL_CODE, "pool")
        with contextlib.suppress(NotFoundError):
            team_removed += len(coding.remove_code(project, shared, TEAM_CODE, "team"))
    project.close()
    results.put((index, team_removed, time.perf_counter() - started))


def apply_batch(url: str, segment_ids: list[int], codes: list[str], progress: str) -> None:
    """Apply every code to every segment, one transaction each, counting in `progress`."""
    project = open_project(url)
    marker = Path(progress)
    for done, (segment, code) in enumerate(((s, c) for s in segment_ids for c in codes), start=1):
        coding.apply_code(project, segment, code, "batch")
        marker.write_text(str(done))
    project.close()


def import_and_stall(url: str, path: str, marker: str) -> None:
    """Import `path`, but stall for good once the transcript row is written and the segments
    are about to be: the test kills this process there, in the middle of the transaction."""

    def stall(_connection, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SEGMENT"):
            Path(marker).write_text("writing")
            time.sleep(600)

    event.listen(Engine, "before_cursor_execute", stall)
    importing.import_one(open_project(url), ImportSpec(path=Path(path), department="Ward"))
