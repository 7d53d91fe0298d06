"""The units an agreement by statement card counts: the turns in the cards' sections."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.domain.agreement import AgreementOptions
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.store import cards as card_store


def card_units(session: Session, options: AgreementOptions) -> dict[int, str] | None:
    """Segment -> card key of the turns a card agreement counts (None: no card in play)."""
    if options.by != "card" and not options.cards:
        return None
    if options.unit == "character":
        raise QualcodeError(
            "Agreement by card counts turns or sentences; use --unit turn or --unit sentence."
        )
    if options.overlap is not None:
        raise QualcodeError(
            "Segment matching (--overlap) compares whole transcripts; leave it out by card."
        )
    if options.weights is not None and options.by == "card":
        raise QualcodeError("Weighted agreement has no rows by card; use --card KEY instead.")
    known = [card.key for card in card_store.cards(session)]
    unknown = [key for key in options.cards if key not in known]
    if unknown or not known:
        raise NotFoundError(
            f"No card '{unknown[0]}' in the deck; see `qualcode cards list`."
            if unknown
            else "The study has no statement cards; see `qualcode cards add`."
        )
    return card_store.card_of_turns(session, options.cards)
