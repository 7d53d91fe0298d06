"""Which card readings open a section (the policy), from a transcript's readings.

- the turn with the best accepted reading opens a section for that card;
- reading again the card of the section one is in (a participant re-reads it during the
  talk) opens nothing; a card the group comes back to after another card opens a new one;
- a reference back ("like the card said ...") is never a reading;
- sections set by hand (origin manual) stay when detection runs again; a detected reading
  inside a manual section of the same card opens nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qualcode.domain.cards import Detection, SectionStart
from qualcode.suggest.cards import Reading

REREAD = "the card of the section it is in, read again: no new section"


@dataclass(frozen=True)
class SectionPlan:
    """The section starts to store, the readings that open them and those ruled out."""

    starts: list[SectionStart]
    detections: list[Detection]
    skipped: list[Detection]


def plan_sections(
    order: Sequence[int],
    readings: Sequence[Reading],
    manual: Sequence[SectionStart],
    keys: Mapping[str, int],
) -> SectionPlan:
    """Starts for the turns `order` (segment ids in reading order): the manual starts kept
    and the accepted readings that open a new section; `keys` maps card key to card id."""
    manual_at = {start.segment_id for start in manual}
    accepted = [
        reading for reading in readings if reading.accepted and reading.segment_id not in manual_at
    ]
    ruled_out = [detection(reading) for reading in readings if not reading.accepted]
    ordinals = {segment_id: index for index, segment_id in enumerate(order)}
    events = sorted(
        [(ordinals[s.segment_id], s) for s in manual if s.segment_id in ordinals]
        + [(ordinals[r.segment_id], r) for r in accepted if r.segment_id in ordinals],
        key=lambda pair: pair[0],
    )
    starts: list[SectionStart] = []
    detections: list[Detection] = []
    current: int | None = None
    for _, event in events:
        if isinstance(event, SectionStart):
            starts.append(event)
            current = event.card_id
            continue
        card_id = keys.get(event.card_key)
        if card_id == current:
            ruled_out.append(detection(event, REREAD))
            continue
        detections.append(detection(event))
        starts.append(SectionStart(event.segment_id, card_id, "detected", event.score))
        current = card_id
    skipped = sorted(ruled_out, key=lambda found: found.ordinal)
    return SectionPlan(starts=starts, detections=detections, skipped=skipped)


def detection(reading: Reading, reason: str | None = None) -> Detection:
    """The reading as a domain `Detection`, with `reason` added to its own."""
    return Detection(
        segment_id=reading.segment_id,
        ordinal=reading.ordinal,
        card_key=reading.card_key,
        score=reading.score,
        reason=f"{reading.reason}; {reason}" if reason else reading.reason,
    )
