"""Detection quality on the demo study against the hand-written true readings.

The truth (tests/fixtures/cards/demo_readings.yaml) was written from reading the
transcripts, not from the detector's output. Precision: detected readings that are true
readings of that card in that turn, over all detected readings; recall: true readings
detected, over all true readings. Both are reported in docs/cards.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qualcode.ingest.manifest import read_deck, read_manifest
from qualcode.services import cards, importing
from qualcode.services.project import Project
from qualcode.store.models import Segment, Transcript

REPO = Path(__file__).resolve().parents[2]
STUDY = REPO / "transcripts" / "study.yaml"
TRUTH = REPO / "tests" / "fixtures" / "cards" / "demo_readings.yaml"
DEPARTMENTS = {
    "outpatient": "Outpatient clinic",
    "bed_ward": "Bed ward",
    "dagkirurgi": "Dagkirurgisk afsnit",
}


def true_readings(project: Project) -> set[tuple[int, str]]:
    """(segment id, card key) of every hand-written reading, located by its quote."""
    truth = yaml.safe_load(TRUTH.read_text(encoding="utf-8"))["readings"]

    def work(session) -> set[tuple[int, str]]:
        found = set()
        for source, entries in truth.items():
            folder, name = source.split("/")
            transcript = (
                session.query(Transcript)
                .filter_by(source_name=name, department=DEPARTMENTS[folder])
                .one()
            )
            segments = session.query(Segment).filter_by(transcript_id=transcript.id).all()
            for entry in entries:
                at = transcript.text.find(entry["turn"])
                assert transcript.text.count(entry["turn"]) == 1, f"{source}: {entry['turn']!r}"
                segment = next(s for s in segments if s.start_char <= at < s.end_char)
                found.add((segment.id, entry["card"]))
        return found

    return project.read(work)


@pytest.mark.slow
def test_detection_finds_the_demo_readings_with_precision_and_recall_of_at_least_0_9(
    project: Project,
) -> None:
    cards.load_deck(project, read_deck(STUDY))
    importing.import_files(project, read_manifest(STUDY))
    reports = cards.detect(project)
    detected = {(d.segment_id, d.card_key) for report in reports for d in report.detections}
    truth = true_readings(project)
    assert len(truth) == 65
    hits = detected & truth
    precision, recall = len(hits) / len(detected), len(hits) / len(truth)
    assert precision >= 0.9, sorted(detected - truth)
    assert recall >= 0.9, sorted(truth - detected)
    # The two references back in the demo ("Like the card said before", "Som der stod på
    # det første kort") are ruled out with their reason.
    references = [d for r in reports for d in r.skipped if "reference back" in d.reason]
    assert {d.card_key for d in references} == {"disturbed", "planning"}
