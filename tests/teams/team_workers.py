"""Code run in separate processes by the concurrency and crash tests (importable by name)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from qualcode.domain.imports import ImportSpec
from qualcode.errors import NotFoundError
from qualcode.services import coding, importing
from qualcode.services.project import open_project
from qualcode.store import transcripts

SHARED = "team"  # the layer every process applies to and removes from
SHARED_CODES = ("temporality.breaks", "relational_coordination.communication")
SPANS: tuple[tuple[int, int] | None, ...] = (None, (0, 4))  # whole turn, first four characters

Unit = tuple[int, str, tuple[int, int] | None]  # (segment, code, span relative to the turn)
Op = tuple[str, str, Unit]  # (apply|remove, layer, unit)
# What an operation saw: for an apply, its own memo token and the memo of the coding it got
# back (the token itself if it stored a new coding, another's if the coding was there);
# for a removal, "" and the memos of the codings it removed.
Outcome = tuple[str, list[str | None]]


def units(segment_ids: list[int], codes: list[str] | tuple[str, ...]) -> list[Unit]:
    return [(segment, code, span) for segment in segment_ids for code in codes for span in SPANS]


def plan(index: int, segment_ids: list[int], codes: list[str], pairs: int) -> list[Op]:
    """`pairs` applies and as many removals, alternating between the coder's own layer and
    the shared one. Own work removes one of its last few applies (perhaps already removed);
    shared work picks any shared unit, which the other processes apply and remove too."""
    rng = random.Random(index)
    me, own, shared = f"coder{index}", units(segment_ids, codes), units(segment_ids, SHARED_CODES)
    applied: list[Unit] = []
    ops: list[Op] = []
    for step in range(pairs):
        if step % 2:
            ops += [("apply", SHARED, rng.choice(shared)), ("remove", SHARED, rng.choice(shared))]
        else:
            applied.append(rng.choice(own))
            ops += [("apply", me, applied[-1]), ("remove", me, rng.choice(applied[-8:]))]
    return ops


def expected_layer(ops: list[Op], layer: str) -> set[Unit]:
    """The codings a layer ends with when only these operations touch it."""
    found: set[Unit] = set()
    for kind, op_layer, unit in ops:
        if op_layer != layer:
            continue
        if kind == "apply":
            found.add(unit)
        elif unit[2] is not None:
            found.discard(unit)
        else:  # removing a code without a span removes all of it from the turn
            found -= {other for other in found if other[:2] == unit[:2]}
    return found


def contend(
    url: str, index: int, segment_ids: list[int], codes: list[str], pairs: int, barrier, results
) -> None:
    """One coder of eight: run the plan, each operation its own transaction through the
    services, as the CLI and TUI call them; report every outcome (or the error)."""
    try:
        project = open_project(url)
        ops = plan(index, segment_ids, codes, pairs)
        outcomes: list[Outcome] = []
        barrier.wait()
        for step, (kind, layer, (segment, code, span)) in enumerate(ops):
            if kind == "apply":
                token = f"{index}:{step}"
                view = coding.apply_code(
                    project, segment, code, layer, span=span, relative=True, memo=token
                )
                outcomes.append((token, [view.memo]))
                continue
            try:
                removed = coding.remove_code(
                    project, segment, code, layer, span=span, relative=True
                )
            except NotFoundError:  # nothing (left) to remove
                removed = []
            outcomes.append(("", [view.memo for view in removed]))
        project.close()
        results.put((index, outcomes, None))
    except Exception as error:  # reported to the test, which fails with it
        results.put((index, [], repr(error)))


def apply_batch(url: str, segment_ids: list[int], codes: list[str], progress: str) -> None:
    """Apply every code to every segment, one transaction each, counting in `progress`."""
    project = open_project(url)
    marker = Path(progress)
    for done, (segment, code) in enumerate(((s, c) for s in segment_ids for c in codes), start=1):
        coding.apply_code(project, segment, code, "batch")
        marker.write_text(str(done))
    project.close()


def import_and_stall(url: str, path: str, marker: str) -> None:
    """Import `path`, but stall for good once the transcript's rows are written and before
    they are committed: the test kills this process there, in the middle of the transaction."""
    insert_parsed = transcripts.insert_parsed

    def stall(session, *args):
        written = insert_parsed(session, *args)
        session.flush()
        Path(marker).write_text("writing")
        time.sleep(600)
        return written

    transcripts.insert_parsed = stall  # the store's insert of every row of the file
    importing.import_one(open_project(url), ImportSpec(path=Path(path), department="Ward"))
