"""The codebook model: hierarchy queries, derived codebooks, hashing and open-code keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qualcode.codebook.files import load_codebook
from qualcode.domain.codebook import Codebook, CodeSpec, slugify_open_code
from qualcode.errors import NotFoundError, QualcodeError
from tests.codebook.conftest import MINI


@pytest.fixture
def mini() -> Codebook:
    return load_codebook(MINI)


def test_code_properties() -> None:
    code = CodeSpec(key="temporality.breaks.lunch", name="Lunch")
    assert (code.parent_key, code.depth, code.concept) == ("temporality.breaks", 2, "temporality")
    top = CodeSpec(key="temporality", name="Temporality")
    assert (top.parent_key, top.depth, top.concept) == (None, 0, "temporality")


def test_colour_is_stored_lowercase() -> None:
    assert CodeSpec(key="a", name="A", color="#1F77B4").color == "#1f77b4"


def test_hierarchy_queries(mini: Codebook) -> None:
    assert [code.key for code in mini.roots()] == ["temporality", "jobcrafting", "open"]
    assert [code.key for code in mini.children("temporality")] == ["temporality.breaks"]
    assert mini.children("open") == []
    assert mini.get("jobcrafting.task").name == "Task crafting"
    assert "jobcrafting.task" in mini
    assert "jobcrafting.omitting" not in mini


def test_get_unknown_key_raises_not_found(mini: Codebook) -> None:
    with pytest.raises(NotFoundError, match="'nope'"):
        mini.get("nope")


def test_codebooks_are_immutable(mini: Codebook) -> None:
    with pytest.raises(ValidationError):
        mini.title = "Changed"  # type: ignore[misc]


def test_with_code_adds_after_the_parents_last_descendant(mini: Codebook) -> None:
    added = mini.with_code(CodeSpec(key="temporality.rhythm", name="Rhythm"))
    assert [code.key for code in added.codes] == [
        "temporality",
        "temporality.breaks",
        "temporality.rhythm",
        "jobcrafting",
        "jobcrafting.task",
        "open",
    ]
    assert "temporality.rhythm" not in mini


def test_with_code_appends_a_new_top_level_code(mini: Codebook) -> None:
    added = mini.with_code(CodeSpec(key="strain", name="Strain"))
    assert added.codes[-1].key == "strain"


def test_with_code_replaces_a_code_in_place(mini: Codebook) -> None:
    renamed = mini.get("jobcrafting.task").model_copy(update={"name": "Crafting tasks"})
    changed = mini.with_code(renamed)
    assert [code.key for code in changed.codes] == [code.key for code in mini.codes]
    assert changed.get("jobcrafting.task").name == "Crafting tasks"


def test_with_code_needs_the_parent(mini: Codebook) -> None:
    with pytest.raises(NotFoundError, match="'relational_coordination'"):
        mini.with_code(CodeSpec(key="relational_coordination.shared_goals", name="Goals"))


def test_promoting_an_open_code(mini: Codebook) -> None:
    with_open = mini.with_code(CodeSpec(key="open.it_system", name="IT system", is_open=True))
    promoted = with_open.without_code("open.it_system").with_code(
        CodeSpec(key="jobcrafting.it_system", name="IT system")
    )
    assert "open.it_system" not in promoted
    assert promoted.children("jobcrafting")[-1].key == "jobcrafting.it_system"


def test_without_code_drops_it_from_favourites(mini: Codebook) -> None:
    smaller = mini.without_code("jobcrafting.task")
    assert smaller.favourites == ["temporality.breaks"]
    assert "jobcrafting.task" not in smaller


def test_without_code_refuses_a_code_with_children(mini: Codebook) -> None:
    with pytest.raises(QualcodeError, match="child codes"):
        mini.without_code("temporality")


def test_content_hash_is_stable_and_tracks_content(mini: Codebook) -> None:
    again = load_codebook(MINI)
    assert mini.content_hash() == again.content_hash()
    assert len(mini.content_hash()) == 64
    code = mini.get("temporality.breaks")
    edited = mini.with_code(code.model_copy(update={"definition": code.definition + " Also naps."}))
    assert edited.content_hash() != mini.content_hash()
    reordered = mini.model_copy(update={"favourites": list(reversed(mini.favourites))})
    assert reordered.content_hash() != mini.content_hash()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("IT system", "open.it_system"),
        ("Lack of recognition", "open.lack_of_recognition"),
        ("Strain from outside & above!", "open.strain_from_outside_above"),
        ("Usikkerhed på gården", "open.usikkerhed_paa_gaarden"),
        ("Ærgrelse over løn", "open.aergrelse_over_loen"),
        ("Café-møde", "open.cafe_moede"),
        ("  2. skift ", "open.code_2_skift"),
    ],
)
def test_slugify_open_code(name: str, key: str) -> None:
    assert slugify_open_code(name) == key
    assert CodeSpec(key=key, name=name).key == key


def test_slugify_rejects_names_without_letters() -> None:
    with pytest.raises(QualcodeError, match="no letters"):
        slugify_open_code(" -- ")
