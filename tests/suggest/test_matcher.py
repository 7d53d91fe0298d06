"""The codebook matcher: lemma matching, IDF weighting, calibration, languages."""

from __future__ import annotations

import pytest

from qualcode.suggest.matcher import Calibration, CodebookMatcher, CodeTerms, Idf, rank
from qualcode.suggest.pipelines import pipeline

CODES = [
    CodeTerms("temporality.breaks", {"en": ["lunch break", "break"], "da": ["frokostpause"]}),
    CodeTerms("temporality.interruptions", {"en": ["interrupted", "the phone rings"]}),
    CodeTerms("jobcrafting.workarounds", {"en": ["paper list", "workaround"]}),
    CodeTerms("temporality", {"en": ["time"]}),
]


def ranked(text: str, language: str = "en") -> list[str]:
    matcher = CodebookMatcher(pipeline(language), CODES)
    hits, _ = matcher.match([text])
    return [item.code for item in rank(hits[0], Idf.from_hits(hits), Calibration())]


def test_a_temporality_turn_ranks_a_temporality_code_first() -> None:
    assert ranked("We never get a proper lunch break, there is no time.")[0] == (
        "temporality.breaks"
    )


def test_terms_match_inflected_and_capitalised_forms_through_lemmas() -> None:
    matcher = CodebookMatcher(pipeline("en"), CODES)
    hits, norms = matcher.match(["Breaks? I keep getting Interrupted."])
    assert {hit.term for hit in hits[0]} == {"break", "interrupted"}
    assert norms[0][0] == "break"


def test_rare_terms_weigh_more_than_common_ones() -> None:
    corpus = ["There is no time."] * 30 + ["I keep a paper list, no time for it."]
    matcher = CodebookMatcher(pipeline("en"), CODES)
    hits, _ = matcher.match(corpus)
    result = rank(hits[-1], Idf.from_hits(hits), Calibration())
    assert [item.code for item in result] == ["jobcrafting.workarounds", "temporality"]
    assert result[0].why == ["paper list"]
    assert 0.0 < result[1].score < result[0].score < 1.0


def test_calibration_fits_how_often_evidence_was_right() -> None:
    fitted = Calibration.fit([1.0] * 20 + [6.0] * 20, [False] * 18 + [True] * 2 + [True] * 20)
    assert fitted(1.0) < 0.2 < 0.9 < fitted(6.0)


@pytest.mark.slow  # loads the Danish and Norwegian lookup tables
def test_danish_uses_lemmas_and_norwegian_falls_back_with_a_warning() -> None:
    assert pipeline("da").warning is None
    assert ranked("Vi holder frokostpauser sammen.", "da") == ["temporality.breaks"]
    assert "No lemma table for 'nb'" in (pipeline("nb").warning or "")
    # nb borrows the Danish terms, matched on word forms.
    assert ranked("Vi tar frokostpause.", "nb") == ["temporality.breaks"]
