"""A card's report from the turns of its sections and the codings on them (QUOTE_RANKING)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qualcode.domain.cards import Card, CardQuote, CardReport, CardTurn, CodeUse, GroupTalk
from qualcode.domain.codekey import CodeKey


def card_report(
    card: Card,
    turns: Sequence[CardTurn],
    codings: Iterable[tuple[int, str, int]],
    *,
    coded_transcripts: Iterable[int],
    quotes: int = 3,
) -> CardReport:
    """Talk per department and group kind, the codes applied (a turn counts once per code;
    a code also counts the turns of the codes below it, as `freq` rolls up, and its own turns
    apart) and the `quotes` most telling coded turns, from (segment id, code key, coder id).
    `coded_transcripts` are the transcripts in the layer's coded scope: their turns are the
    denominator of the codes' shares."""
    coders: dict[int, set[int]] = {}
    codes: dict[int, set[str]] = {}
    for segment_id, code_key, coder_id in codings:
        coders.setdefault(segment_id, set()).add(coder_id)
        codes.setdefault(segment_id, set()).add(code_key)
    groups: dict[tuple[str | None, str | None], list[CardTurn]] = {}
    for turn in turns:
        groups.setdefault((turn.department, turn.group_kind), []).append(turn)
    talk = [
        GroupTalk(
            department=department,
            group_kind=group_kind,
            transcripts=len({turn.transcript_id for turn in members}),
            turns=len(members),
            words=sum(turn.words for turn in members),
            coded_turns=sum(turn.segment_id in codes for turn in members),
        )
        for (department, group_kind), members in sorted(
            groups.items(), key=lambda item: (item[0][0] or "", item[0][1] or "")
        )
    ]
    own: dict[str, int] = {}
    rolled: dict[str, int] = {}
    for keys in codes.values():
        for code_key in keys:
            own[code_key] = own.get(code_key, 0) + 1
        for code_key in {up for key in keys for up in (key, *CodeKey(key).ancestors)}:
            rolled[code_key] = rolled.get(code_key, 0) + 1

    def tree_order(code_key: str) -> tuple[tuple[int, str], ...]:
        # each level by its rolled-up count, so a code stands under its parent
        path = (*CodeKey(code_key).ancestors, code_key)
        return tuple((-rolled[key], key) for key in path)

    coded = set(coded_transcripts)
    ranked = sorted(
        (turn for turn in turns if turn.segment_id in codes),
        key=lambda turn: (
            -len(coders[turn.segment_id]),
            -len(codes[turn.segment_id]),
            -turn.words,
            turn.transcript_id,
            turn.segment_id,
        ),
    )
    return CardReport(
        card=card,
        groups=talk,
        codes=[
            CodeUse(code_key=code_key, turns=rolled[code_key], own=own.get(code_key, 0))
            for code_key in sorted(rolled, key=tree_order)
        ],
        quotes=[
            CardQuote(
                segment_id=turn.segment_id,
                transcript=turn.title,
                department=turn.department,
                group_kind=turn.group_kind,
                speaker=turn.speaker,
                role=turn.role,
                text=turn.text.strip(),
                coders=len(coders[turn.segment_id]),
                codes=sorted(codes[turn.segment_id]),
                words=turn.words,
            )
            for turn in ranked[:quotes]
        ],
        participant_turns=len(turns),
        scope_turns=sum(turn.transcript_id in coded for turn in turns),
    )
