"""Storing a ranking of codes per turn as a coder's pending suggestions."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.domain.suggestion import CodeScore
from qualcode.services.codebooks import active_codebook
from qualcode.store import codes as code_store
from qualcode.store import suggestions as store


@dataclass
class Tally:
    """What storing rankings did, added up over calls."""

    segments: int = 0
    moderator_turns: int = 0
    created: int = 0
    updated: int = 0


def store_rankings(
    session: Session,
    rows: Sequence[store.SegmentText],
    rankings: Iterable[list[CodeScore]],
    tally: Tally,
    coder_id: int,
    version: str,
    roles: dict[int, str | None],
    offered: Callable[[str | None], bool],
    *,
    top: int,
    min_score: float,
    only: Collection[int] | None = None,
) -> None:
    """Store the rankings of `rows` (one each, in order) as the coder's pending suggestions,
    for the rows whose ids are in `only` when given (the others were ranked as their context).

    Codes the coder applied to the turn are never suggested; rejected and accepted
    suggestions stay as they are; stale pending ones are replaced; moderators' turns get
    none (`offered` says, by the speaker's role: `suggestions.offers_suggestions`).
    """
    code_ids = {
        code.key: code.id for code in code_store.codes_of(session, active_codebook(session).id)
    }
    segment_ids = [row.id for row in rows if only is None or row.id in only]
    done = store.applied(session, coder_id, segment_ids)
    known = store.existing(session, coder_id, segment_ids)
    stale = {row.id for row in known.values() if row.status == "pending"}
    for row, ranking in zip(rows, rankings, strict=True):
        if only is not None and row.id not in only:
            continue
        if not offered(roles.get(row.id)):
            tally.moderator_turns += 1  # its pending suggestions, if any, stay stale: deleted
            continue
        tally.segments += 1
        kept = 0
        for item in ranking:
            code_id = code_ids.get(item.code)
            if kept >= top or item.score < min_score:
                break
            if code_id is None or (row.id, code_id) in done:
                continue
            kept += 1
            found = known.get((row.id, code_id))
            reason = ", ".join(item.why)
            if found is None:
                store.add_suggestion(
                    session,
                    segment_id=row.id,
                    code_id=code_id,
                    coder_id=coder_id,
                    score=item.score,
                    model_version=version,
                    reason=reason,
                )
                tally.created += 1
            elif found.status == "pending":
                stale.discard(found.id)
                store.rescore(found, score=item.score, model_version=version, reason=reason)
                tally.updated += 1
    store.delete_pending(session, stale)
