"""Pseudonymisation replaces whole names, any case, and counts what it replaced."""

from __future__ import annotations

from qualcode.analysis.pseudonymise import Pseudonymiser


def test_names_become_labels_and_are_counted() -> None:
    rename = Pseudonymiser({"Anne": "nurse", "Bo Hansen": "secretary", "Bo": "porter"})
    text = rename("Anne said Bo Hansen and anne disagree; Annette and Bob are not names here.")
    assert text == (
        "[nurse] said [secretary] and [nurse] disagree; Annette and Bob are not names here."
    )
    assert rename.report() == (
        ("Anne", "nurse", 1),
        ("Bo Hansen", "secretary", 1),
        ("anne", "nurse", 1),
    )


def test_no_names_no_change() -> None:
    rename = Pseudonymiser({})
    assert rename("Anne") == "Anne" and rename.report() == ()
