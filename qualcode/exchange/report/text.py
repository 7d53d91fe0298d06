"""Wording shared by every report format: how a share, a quote's source and a group read."""

from __future__ import annotations

from qualcode.domain.report import Share, percent
from qualcode.domain.wording import counted


def share_text(share: Share) -> str:
    """e.g. '52 of 155 turns, 33.5 % (95 % CI 26.6 %–41.3 %)'."""
    if not share.turns:
        return "no turns in scope"
    return (
        f"{share.coded} of {counted(share.turns, 'turn')}, {percent(share.value)} "
        f"(95 % CI {percent(share.low)}–{percent(share.high)})"
    )


def residual_text(share: Share) -> str:
    return "–" if share.residual is None else f"{share.residual:.2f}"


SHARE_HEADERS = ("Group", "Coded turns", "Turns", "Share", "95 % CI", "Adj. residual")


def share_row(share: Share) -> list[str]:
    interval = f"{percent(share.low)}–{percent(share.high)}" if share.turns else "–"
    return [
        share.group,
        str(share.coded),
        str(share.turns),
        percent(share.value),
        interval,
        residual_text(share),
    ]


def card_codes_text(turns: int, codes: tuple[tuple[str, int], ...]) -> str:
    """e.g. '83 participant turns; codes applied most (turns with the code itself):
    temporality.rhythm (6), ...': the card's talk and its most applied codes, not rolled up
    (`qualcode cards report` gives the rolled-up counts too)."""
    talk = counted(turns, "participant turn")
    if not codes:
        return f"{talk}; no codes"
    applied = ", ".join(f"{key} ({n})" for key, n in codes)
    return f"{talk}; codes applied most (turns with the code itself): {applied}"
