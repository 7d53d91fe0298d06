"""How much each coder has coded: transcripts, turns and codings, out of the turns there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qualcode.domain.agreement import CoderCoverage


def coder_coverage(
    names: Mapping[int, str],
    rows: Iterable[tuple[int, int, int, int]],
    turns: Mapping[int, int],
    coders: tuple[str, ...] | None = None,
) -> list[CoderCoverage]:
    """Per coder of `names` (id -> name) with codings, only `coders` if given: from rows of
    (coder id, transcript id, turns coded, codings) and `turns` per transcript."""
    rows = list(rows)
    result = []
    for cid, name in names.items():
        mine = [row for row in rows if row[0] == cid]
        if not mine or (coders and name not in coders):
            continue
        result.append(
            CoderCoverage(
                coder=name,
                transcripts=len(mine),
                turns_coded=sum(row[2] for row in mine),
                codings=sum(row[3] for row in mine),
                turns_in_coded_transcripts=sum(turns.get(row[1], 0) for row in mine),
            )
        )
    return result
