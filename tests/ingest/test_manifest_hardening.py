"""Hostile and broken manifests: one sentence naming the file, entry or line and the value,
nothing written, no traceback (issue 16)."""

from __future__ import annotations

import pytest

from qualcode.errors import InputError
from qualcode.ingest.manifest import read_deck, read_manifest, read_moderator_roles
from qualcode.services import corpus
from qualcode.services.project import open_project

GOOD = "Moderator: First card.\nAnne: We skip lunch.\n"


def entry(**fields: str) -> str:
    lines = "".join(f"    {key}: {value}\n" for key, value in fields.items())
    return "transcripts:\n  - file: fg1.txt\n" + lines


BAD_MANIFESTS = [
    (entry(date="2025-13-45"), r"entry 1: the date '2025-13-45' is not a date.*YYYY-MM-DD"),
    ("transcripts:\n  - file: 42\n", r"entry 1: the file must be a file name, not 42"),
    ("transcripts:\n  - file:\n", r"entry 1: the file must be a file name, not empty"),
    (
        entry(roles="[{Anne: nurse}]"),
        r"entry 1: 'roles' must map speaker labels to roles, not a list",
    ),
    (entry(roles="{Anne: [nurse]}"), r"the role of 'Anne' must be text, not a list"),
    (entry(department="[a, b]"), r"entry 1: 'department' must be text, not a list"),
    ("include: 5\n", r"'include' must be a list of manifest files, not 5"),
    ("transcripts: 5\n", r"'transcripts' must be a list"),
    ("transcripts:\n  - file: ../outside.txt\n", r"'../outside.txt' is outside the manifest"),
    ("transcripts:\n  - file: /etc/hostname\n", r"'/etc/hostname' is outside the manifest"),
    ("include: [../other.yaml]\n", r"include 1: '../other.yaml' is outside"),
    (
        'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "transcripts: [{file: fg1.txt}]\n",
        r"line 2: uses the YAML alias \*a",
    ),
    (  # the same bomb inside an entry's speaker roles
        "transcripts:\n  - file: fg1.txt\n    roles:\n"
        '      a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
        "      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        r"line 5: uses the YAML alias \*a",
    ),
    (
        "moderator_roles: &m [moderator]\ntranscripts:\n  - file: fg1.txt\n    roles: {Anne: *m}\n",
        r"line 4: uses the YAML alias \*m",
    ),
    # a key written twice: PyYAML would keep the last value without a word
    (
        entry(department="Ward") + "    department: Clinic\n",
        r"line 4: the field 'department' appears twice in one mapping\. Keep one",
    ),
    (entry(roles="{Alice: nurse, Alice: doctor}"), r"line 3: the field 'Alice' appears twice"),
    (
        "moderator_roles: [moderator]\nmoderator_roles: [chair]\ntranscripts: [{file: fg1.txt}]\n",
        r"line 2: the field 'moderator_roles' appears twice",
    ),
    ("transcripts: " + "[" * 100 + "]" * 100 + "\n", r"line 1: nests lists and mappings"),
    ("transcripts: " + "[" * 5000 + "]" * 5000 + "\n", r"line 1: is not valid YAML \(.*depth"),
    ("- " * 5000 + "x\n", r"nests lists and mappings more than"),
]


@pytest.mark.parametrize(("content", "message"), BAD_MANIFESTS)
def test_a_bad_manifest_is_one_sentence_naming_it(write_file, content: str, message) -> None:
    write_file("study/fg1.txt", GOOD)
    manifest = write_file("study/study.yaml", content)
    with pytest.raises(InputError, match=message) as caught:
        read_manifest(manifest)
    assert str(caught.value).startswith(str(manifest))
    assert "\n" not in str(caught.value)


def test_a_key_written_twice_is_refused_by_the_deck_and_role_readers_too(write_file) -> None:
    """The deck and the moderator roles are read through another loader than the entries."""
    write_file("study/fg1.txt", GOOD)
    manifest = write_file(
        "study/study.yaml",
        "cards:\n  - key: planning\n    statement: {en: Plan.}\n    statement: {en: Other.}\n"
        "transcripts: [{file: fg1.txt}]\n",
    )
    with pytest.raises(InputError, match=r"line 4: the field 'statement' appears twice"):
        read_deck(manifest)
    roles = write_file(
        "study/roles.yaml", "moderator_roles: [moderator]\nmoderator_roles: [chair]\n"
    )
    with pytest.raises(InputError, match=r"line 2: the field 'moderator_roles' appears twice"):
        read_moderator_roles(roles)


def test_a_csv_row_giving_a_speaker_two_roles_is_refused(write_file) -> None:
    write_file("fg1.txt", GOOD)
    manifest = write_file("m.csv", "file,roles\nfg1.txt,Anne=nurse;Anne=doctor\n")
    with pytest.raises(InputError, match=r"m.csv: line 2: the speaker 'Anne' is given a role tw"):
        read_manifest(manifest)


def test_a_manifest_that_includes_itself_is_refused(write_file) -> None:
    write_file("study/a.yaml", "include: [b.yaml]\ntranscripts: [{file: fg1.txt}]\n")
    write_file("study/b.yaml", "include: [a.yaml]\n")
    with pytest.raises(InputError, match=r"includes itself \(a.yaml -> b.yaml -> a.yaml\)"):
        read_manifest(write_file("study/fg1.txt", GOOD).parent / "a.yaml")
    alone = write_file("study/self.yaml", "include: [./self.yaml]\n")
    with pytest.raises(InputError, match="includes itself"):
        read_manifest(alone)
    with pytest.raises(InputError, match="includes itself"):
        read_deck(alone)


def test_non_utf8_yaml_and_csv_name_the_line_and_byte(write_file) -> None:
    yaml_file = write_file("m.yaml", b"transcripts:\n  - file: fg1.txt\n    title: Caf\xe9\n")
    with pytest.raises(InputError, match=r"m.yaml, line 3: is not UTF-8 text \(byte 0xe9"):
        read_manifest(yaml_file)
    csv_file = write_file("m.csv", b"file,department\nfg1.txt,Sm\xf8rrebr\xf8d\n")
    with pytest.raises(InputError, match=r"m.csv, line 2: is not UTF-8 text.*Save the manifest"):
        read_manifest(csv_file)


def test_paths_outside_are_allowed_when_asked_and_included_folders_stay_inside(
    write_file,
) -> None:
    write_file("elsewhere/fg9.txt", GOOD)
    manifest = write_file("study/study.yaml", "transcripts:\n  - file: ../elsewhere/fg9.txt\n")
    [spec] = read_manifest(manifest, allow_outside=True)
    assert spec.path.name == "fg9.txt"
    # An included manifest may name files of the study folder above its own.
    write_file("study/fg1.txt", GOOD)
    write_file("study/sub/manifest.yaml", "transcripts:\n  - file: ../fg1.txt\n")
    top = write_file("study/top.yaml", "include: [sub/manifest.yaml]\n")
    assert [spec.path.name for spec in read_manifest(top)] == ["fg1.txt"]


def test_dates_and_numbers_still_read(write_file) -> None:
    write_file("fg1.txt", GOOD)
    manifest = write_file("m.yaml", entry(date="2025-03-11", department="42", title="2025"))
    [spec] = read_manifest(manifest)
    assert str(spec.recorded_on) == "2025-03-11"
    assert (spec.department, spec.title) == ("42", "2025")


def test_the_cli_refuses_a_bad_manifest_and_writes_nothing(run, write_file, database_url) -> None:
    write_file("study/fg1.txt", GOOD)
    before = open_project(database_url)
    assert corpus.list_transcripts(before) == []
    before.close()
    for content in (entry(date="2025-13-45"), "transcripts:\n  - file: ../x.txt\n"):
        manifest = write_file("study/study.yaml", content)
        result = run("import", "--manifest", manifest)
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert "study.yaml: entry 1:" in result.output
    assert "--allow-outside" in result.output
    after = open_project(database_url)
    assert corpus.list_transcripts(after) == []
    after.close()


def test_the_cli_imports_outside_files_with_allow_outside_and_says_so(run, write_file) -> None:
    write_file("elsewhere/fg9.txt", GOOD)
    manifest = write_file("study/study.yaml", "transcripts:\n  - file: ../elsewhere/fg9.txt\n")
    result = run("import", "--manifest", manifest, "--allow-outside")
    assert result.exit_code == 0, result.output
    assert "1 files are outside the manifest's folder" in result.output
    assert "imported fg9.txt" in result.output


def test_a_study_is_checked_in_one_streaming_pass_then_read_again_as_imported(
    write_file, monkeypatch
) -> None:
    from qualcode.ingest import manifest
    from qualcode.services.manifest import read_import_manifest

    write_file(
        "study/cards.yaml",
        "cards: [{key: c1, statement: Time is short.}]\ntranscripts: [{file: fg2.txt}]\n",
    )
    top = write_file(
        "study/top.yaml",
        "include: [cards.yaml]\nmoderator_roles: [facilitator]\n"
        "transcripts: [{file: fg1.txt, department: Ward}]\n"
        "cards: [{key: c1, statement: Not kept.}, {key: c2, statement: Breaks matter.}]\n",
    )
    parsed: list[str] = []
    real = manifest._yaml_entries

    def counted(path, top):
        parsed.append(path.name)
        return real(path, top)

    monkeypatch.setattr(manifest, "_yaml_entries", counted)
    study = read_import_manifest(top)
    assert sorted(parsed) == ["cards.yaml", "top.yaml"]  # checked: each file read once
    assert len(study.specs) == 2
    parsed.clear()
    assert [spec.path.name for spec in study.specs] == ["fg2.txt", "fg1.txt"]
    assert parsed == ["cards.yaml", "top.yaml"]  # then read again, as the files are imported
    assert list(study.specs) == read_manifest(top)
    assert study.moderator_roles == ("facilitator",)
    assert [(card.key, card.statement["en"]) for card in study.deck] == [
        ("c1", "Time is short."),
        ("c2", "Breaks matter."),
    ]
    assert study.deck == read_deck(top)
