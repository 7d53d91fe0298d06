"""The shipped three-concept codebook: the structure other parts of qualcode rely on."""

from __future__ import annotations

import colorsys
import re
from collections import Counter

import pytest

from qualcode.codebook.files import bundled_codebook_path, load_codebook
from qualcode.domain.codebook import Codebook, CodeSpec
from qualcode.errors import NotFoundError
from qualcode.resources import bundled

CHILDREN = {
    "jobcrafting": ["task", "relational", "cognitive", "omitting", "workarounds"],
    "temporality": [
        "rhythm",
        "predictability",
        "breaks",
        "behind_schedule",
        "development",
        "interruptions",
        "reorganisation",
    ],
    "relational_coordination": [
        "shared_goals",
        "shared_knowledge",
        "mutual_respect",
        "communication",
    ],
    "open": [],
}
CITATION = re.compile(r"\((?:[^()]*\d{4}|seed \d{3})")


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(bundled_codebook_path())


def concept_leaves(codebook: Codebook) -> list[CodeSpec]:
    return [code for code in codebook.codes if code.depth == 1]


def test_bundled_path_finds_the_repository_copy() -> None:
    path = bundled_codebook_path()
    assert path.name == "three_concepts.yaml"
    assert path.parent.name == "codebooks"


def test_unknown_bundled_resource_is_a_clear_error() -> None:
    with pytest.raises(NotFoundError, match="reinstall qualcode"):
        bundled("codebooks/missing.yaml")


def test_keys_are_exactly_the_agreed_ones(codebook: Codebook) -> None:
    assert [code.key for code in codebook.roots()] == list(CHILDREN)
    for root, children in CHILDREN.items():
        assert [code.key for code in codebook.children(root)] == [
            f"{root}.{child}" for child in children
        ]
    assert len(codebook.codes) == len(CHILDREN) + sum(map(len, CHILDREN.values()))


def test_languages_and_open_branch(codebook: Codebook) -> None:
    assert codebook.languages == ["en", "da"]
    assert not codebook.get("open").is_open
    assert not any(code.is_open for code in codebook.codes)


def test_every_code_is_fully_described(codebook: Codebook) -> None:
    for code in codebook.codes:
        assert CITATION.search(code.definition), f"{code.key}: definition cites no source"
        assert len(code.include) >= 2, code.key
        assert len(code.exclude) >= 2, code.key
        assert len(code.examples) >= 2, code.key


def test_exclusion_rules_point_to_existing_codes(codebook: Codebook) -> None:
    for code in codebook.codes:
        for rule in code.exclude:
            assert re.search(r"\buse\b|\bleave\b", rule), f"{code.key}: {rule!r} says what to do"
            for named in re.findall(r"\b[a-z_]+\.[a-z_]+\b", rule):
                assert named in codebook, f"{code.key}: {rule!r} names unknown {named!r}"


def test_leaf_terms_in_english_and_danish(codebook: Codebook) -> None:
    for code in concept_leaves(codebook):
        assert set(code.terms) == {"en", "da"}, code.key
        for language, phrases in code.terms.items():
            assert 8 <= len(phrases) <= 20, f"{code.key} {language}: {len(phrases)} terms"
            assert all(len(phrase.split()) <= 6 for phrase in phrases), code.key


def test_no_term_belongs_to_two_leaf_codes(codebook: Codebook) -> None:
    for language in codebook.languages:
        counts = Counter(
            phrase.casefold()
            for code in concept_leaves(codebook)
            for phrase in code.terms[language]
        )
        assert [phrase for phrase, n in counts.items() if n > 1] == [], language


def test_parent_codes_carry_a_few_general_terms(codebook: Codebook) -> None:
    for root in ("jobcrafting", "temporality", "relational_coordination"):
        terms = codebook.get(root).terms
        assert set(terms) == {"en", "da"}
        assert all(1 <= len(phrases) <= 6 for phrases in terms.values()), root


def test_open_branch_carries_cues_for_the_seed_studys_open_themes(codebook: Codebook) -> None:
    # Open codes are made while coding, but the branch carries terms for the themes seed 000
    # reports beyond the three concepts, so that suggestions can point at the open branch.
    terms = codebook.get("open").terms
    assert set(terms) == {"en", "da"}
    assert all(8 <= len(phrases) <= 20 for phrases in terms.values())
    leaf_terms = {
        phrase.casefold()
        for code in concept_leaves(codebook)
        for phrases in code.terms.values()
        for phrase in phrases
    }
    assert not leaf_terms & {phrase.casefold() for p in terms.values() for phrase in p}


def _hue(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(red, green, blue)[0] * 360


def test_colours_are_distinct_shades_of_the_family_hue(codebook: Codebook) -> None:
    assert len({code.color for code in codebook.codes}) == len(codebook.codes)
    for code in codebook.codes:
        if code.parent_key is not None:
            distance = abs(_hue(code.color) - _hue(codebook.get(code.concept).color))
            assert min(distance, 360 - distance) <= 30, code.key
    hues = [_hue(root.color) for root in codebook.roots()]
    assert min(abs(a - b) for i, a in enumerate(hues) for b in hues[i + 1 :]) >= 60


def test_favourites_are_nine_leaf_codes(codebook: Codebook) -> None:
    assert len(codebook.favourites) == 9
    assert all(codebook.get(key).depth == 1 for key in codebook.favourites)
