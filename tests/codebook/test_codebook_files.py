"""Loading codebook files: errors name file, line and field; dump and load round trip."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.codebook.files import bundled_codebook_path, dump_codebook, load_codebook
from qualcode.domain.codebook import Codebook, CodeSpec
from qualcode.errors import InputError, NotFoundError
from tests.codebook.conftest import MINI

WriteVariant = Callable[[str, str], tuple[Path, int]]


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    return str(caught.value)


def test_mini_codebook_loads_in_file_order() -> None:
    codebook = load_codebook(MINI)
    assert [code.key for code in codebook.codes] == [
        "temporality",
        "temporality.breaks",
        "jobcrafting",
        "jobcrafting.task",
        "open",
    ]
    assert codebook.get("temporality.breaks").terms["da"][-1] == "trække vejret"


def test_bad_colour_names_file_line_code_and_field(write_variant: WriteVariant) -> None:
    path, line = write_variant('color: "#f08e0f"', "color: red")
    assert load_error(path) == (
        f"{path}, line {line}: code 'temporality.breaks' field 'color': "
        "must be a hex colour like #1f77b4, not 'red'."
    )


def test_duplicate_code_key_points_at_the_second_one(write_variant: WriteVariant) -> None:
    path, line = write_variant("- key: jobcrafting.task", "- key: temporality.breaks")
    message = load_error(path)
    assert message.startswith(f"{path}, line {line}: code 'temporality.breaks' field 'key': ")
    assert "used by an earlier code" in message


def test_child_before_parent(write_variant: WriteVariant) -> None:
    path, line = write_variant("- key: jobcrafting.task", "- key: jobcraft.task")
    message = load_error(path)
    assert message.startswith(f"{path}, line {line}: code 'jobcraft.task' field 'key': ")
    assert "parent 'jobcraft' must be listed before" in message


def test_unknown_favourite(write_variant: WriteVariant) -> None:
    path, line = write_variant(
        "favourites: [temporality.breaks, jobcrafting.task]",
        "favourites: [temporality.breaks, jobcrafting.tasks]",
    )
    assert load_error(path).startswith(
        f"{path}, line {line}: field 'favourites': 'jobcrafting.tasks' is not a code key"
    )


def test_ten_favourites_are_too_many(write_variant: WriteVariant) -> None:
    favourites = ", ".join(["temporality.breaks"] * 10)
    path, line = write_variant(
        "favourites: [temporality.breaks, jobcrafting.task]", f"favourites: [{favourites}]"
    )
    assert load_error(path).startswith(f"{path}, line {line}: field 'favourites': at most 9")


@pytest.mark.parametrize(
    "bad_key",
    [
        "Jobcrafting.task",
        "jobcrafting..task",
        "jobcrafting.2nd",
        "jobcrafting-task",
        "jobcrafting.task.",
    ],
)
def test_bad_key_syntax(write_variant: WriteVariant, bad_key: str) -> None:
    path, line = write_variant("- key: jobcrafting.task", f"- key: {bad_key}")
    assert load_error(path).startswith(
        f"{path}, line {line}: code {bad_key!r} field 'key': {bad_key!r} is not a code key"
    )


def test_yaml_syntax_error_names_file_and_line(write_variant: WriteVariant) -> None:
    path, line = write_variant(
        "      en: [break, lunch, coffee]", "      en: [break, lunch, coffee"
    )
    message = load_error(path)
    assert message.startswith(f"{path}, line ")
    assert "is not valid YAML" in message
    reported = int(re.search(r"line (\d+)", message).group(1))
    assert line <= reported <= line + 2


def test_missing_field_points_at_the_code(write_variant: WriteVariant) -> None:
    path, line = write_variant("    name: Task crafting\n", "")
    assert load_error(path) == (
        f"{path}, line {line - 1}: code 'jobcrafting.task' field 'name': is required."
    )


def test_misspelt_field_is_rejected(write_variant: WriteVariant) -> None:
    path, line = write_variant("    include: [Taking", "    includes: [Taking")
    assert load_error(path).startswith(
        f"{path}, line {line}: code 'temporality.breaks' field 'includes': is not a codebook field"
    )


def test_repeated_field_in_one_code_is_rejected(write_variant: WriteVariant) -> None:
    path, line = write_variant(
        "    definition: Changing one's tasks",
        "    name: Again\n    definition: Changing one's tasks",
    )
    assert load_error(path).startswith(f"{path}, line {line}: the field 'name' appears twice.")


def test_bad_term_language_names_the_language(write_variant: WriteVariant) -> None:
    path, line = write_variant("      da: [pause,", "      DA: [pause,")
    assert load_error(path).startswith(
        f"{path}, line {line}: code 'temporality.breaks' field 'terms.DA': 'DA' is not a language"
    )


def test_term_language_must_be_a_codebook_language(write_variant: WriteVariant) -> None:
    path, line = write_variant("      da: [pause,", "      nb: [pause,")
    assert load_error(path).startswith(
        f"{path}, line {line}: code 'temporality.breaks' field 'terms.nb': 'nb' is not one of"
    )


def test_repeated_term_names_the_list(write_variant: WriteVariant) -> None:
    path, line = write_variant("en: [break, lunch, coffee]", "en: [break, lunch, Break]")
    assert load_error(path) == (
        f"{path}, line {line}: code 'temporality.breaks' field 'terms.en': 'Break' appears twice."
    )


def test_first_problem_in_file_order_is_reported_with_a_count(write_variant: WriteVariant) -> None:
    path, line = write_variant('    color: "#ff7f0e"', "    color: orange")
    text = path.read_text(encoding="utf-8").replace('"#184e8b"', "blue")
    path.write_text(text, encoding="utf-8")
    message = load_error(path)
    assert message.startswith(f"{path}, line {line}: code 'temporality' field 'color'")
    # Said as what it is: field problems, before the rules across codes have run.
    assert message.endswith(
        "The file has 1 more problem in its fields; the rules across codes (unique keys, "
        "parents, favourites) are checked once the fields are right."
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "is empty"), ("- just\n- a list\n", "must be a mapping"), ("a: [\n", "not valid YAML")],
)
def test_files_that_are_not_codebooks(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    assert problem in load_error(path)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        load_codebook(tmp_path / "nope.yaml")


def test_shipped_codebook_round_trips(tmp_path: Path) -> None:
    codebook = load_codebook(bundled_codebook_path())
    target = tmp_path / "copy.yaml"
    dump_codebook(codebook, target)
    assert load_codebook(target) == codebook
    assert load_codebook(target).content_hash() == codebook.content_hash()


def test_dump_is_readable_block_yaml_in_model_order(tmp_path: Path) -> None:
    codebook = load_codebook(MINI)
    target = tmp_path / "mini.yaml"
    dump_codebook(codebook, target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("name: mini\ntitle: Mini codebook\n")
    assert "trække vejret" in text
    assert "{" not in text
    assert list(yaml.safe_load(text)["codes"][1]) == [
        "key",
        "name",
        "definition",
        "include",
        "exclude",
        "examples",
        "terms",
        "color",
    ]


def test_dump_writes_multi_line_text_as_a_literal_block(tmp_path: Path) -> None:
    spec = CodeSpec(key="open", name="Open", definition="First paragraph.\n\nSecond paragraph.")
    codebook = Codebook(name="x", title="X", codes=[spec])
    target = tmp_path / "x.yaml"
    dump_codebook(codebook, target)
    assert "definition: |-\n" in target.read_text(encoding="utf-8")
    assert load_codebook(target) == codebook


# Any text qualcode keeps: control and direction-override characters are removed on load.
text = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc"),
        include_characters="\n\t",
        exclude_characters="\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    max_size=60,
) | st.sampled_from(
    ["yes", "no", "null", "~", "123", "#1f77b4", "- item", "a: b", "'quoted'", "line\nbreak"]
)


@settings(max_examples=100, deadline=None)
@given(
    definition=text, example=text.filter(lambda s: s.strip() != ""), title=text.filter(str.strip)
)
def test_any_text_round_trips(
    tmp_path_factory: pytest.TempPathFactory, definition: str, example: str, title: str
) -> None:
    spec = CodeSpec(key="open.x", name="X", definition=definition, examples=[example])
    codebook = Codebook(name="x", title=title, codes=[CodeSpec(key="open", name="Open"), spec])
    target = tmp_path_factory.mktemp("roundtrip") / "x.yaml"
    dump_codebook(codebook, target)
    assert load_codebook(target) == codebook


def test_unquoted_yaml_boolean_asks_for_quotes(write_variant: WriteVariant) -> None:
    path, line = write_variant("      en: [break, lunch, coffee]", "      en: [break, no, coffee]")
    assert load_error(path) == (
        f"{path}, line {line}: code 'temporality.breaks' field 'terms.en': "
        "must be text; put the value in quotes."
    )


def test_a_yaml_alias_bomb_in_a_codebook_is_refused_before_it_expands(tmp_path: Path) -> None:
    import tracemalloc

    lines, previous = ["name: bomb", "title: Bomb", "codes:"], None
    for level in "abcdefghi":
        items = ", ".join([f"*{previous}"] * 9 if previous else ['"x"'] * 9)
        lines += [f"  - key: c{level}", f"    name: C {level}", f"    include: &{level} [{items}]"]
        previous = level
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"bomb\.yaml, line 6: repeats the value .* alias"):
            load_codebook(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20  # 9**9 strings were never built


def test_control_characters_in_a_codebook_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "controls.yaml"
    path.write_text(
        'name: c\ntitle: "T\\e[31mx"\nlanguages: [en]\ncodes:\n'
        '  - key: a\n    name: "A\\e[31m\\u202ebad"\n    definition: "D\\a"\n',
        encoding="utf-8",
    )
    book = load_codebook(path)
    assert book.title == "T[31mx"
    assert [(code.name, code.definition) for code in book.codes] == [("A[31mbad", "D")]
