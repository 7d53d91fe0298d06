"""How much each coder has coded: transcripts, turns and codings, out of the turns there."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from qualcode.domain.agreement import CoderCoverage


def coder_coverage(
    names: Mapping[int, str],
    rows: Iterable[tuple[int, int, int, int]],
    turns: Mapping[int, int],
    coders: tuple[str, ...] | None = None,
    done: Collection[tuple[int, int]] = (),
) -> list[CoderCoverage]:
    """Per coder of `names` (id -> name) who took part, only `coders` if given: from rows of
    (coder id, transcript id, turns coded, codings), `turns` per transcript and the
    (coder id, transcript id) done marks. A coder takes part in a transcript they coded in or
    marked done, as the agreement's units count it (a done transcript's uncoded turns are
    'neither')."""
    taken: dict[tuple[int, int], tuple[int, int]] = {(cid, tid): (0, 0) for cid, tid in done}
    for cid, tid, coded, codings in rows:
        taken[(cid, tid)] = (coded, codings)
    marked = set(done)
    result = []
    for cid, name in names.items():
        mine = sorted((tid, counts) for (coder, tid), counts in taken.items() if coder == cid)
        if not mine or (coders and name not in coders):
            continue
        result.append(
            CoderCoverage(
                coder=name,
                transcripts=len(mine),
                marked_done=sum((cid, tid) in marked for tid, _ in mine),
                turns_coded=sum(coded for _, (coded, _) in mine),
                codings=sum(codings for _, (_, codings) in mine),
                turns_in_coded_transcripts=sum(turns.get(tid, 0) for tid, _ in mine),
            )
        )
    return result
