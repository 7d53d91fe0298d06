"""A manifest is read as a stream (issue 17 item 8): checked whole, entry by entry, before
anything is imported, then read again as the files are imported, never held whole."""

from __future__ import annotations

import tracemalloc

import pytest

from qualcode.errors import InputError
from qualcode.ingest import ahead, manifest
from qualcode.ingest.manifest import check_study, read_manifest
from qualcode.services import corpus, importing
from qualcode.services.manifest import read_import_manifest
from qualcode.services.project import open_project


def entries(count: int, bad: str = "") -> str:
    lines = ["moderator_roles: [moderator]", "transcripts:"]
    for number in range(1, count + 1):
        lines.append(f"  - file: fg{number}.txt")
        lines.append("    department: Ward")
        lines.append("    roles: {Anne: nurse, Moderator: moderator}")
    return "\n".join(lines) + "\n" + bad


def test_files_are_imported_as_their_entries_are_read(project, write_file, monkeypatch) -> None:
    for number in range(1, 13):
        write_file(f"study/fg{number}.txt", f"Moderator: Card {number}.\nAnne: Reply {number}.\n")
    path = write_file("study/study.yaml", entries(12))
    study = read_import_manifest(path)
    assert len(study.specs) == 12
    seen: list[tuple[str, str]] = []
    real = manifest._spec

    def spec(*args, **kwargs):
        made = real(*args, **kwargs)
        seen.append(("read", made.path.name))
        return made

    monkeypatch.setattr(manifest, "_spec", spec)
    monkeypatch.setattr(ahead, "PARALLEL_FROM", 10**6)  # no second process in a test
    report = importing.import_files(
        project,
        study.specs,
        count=len(study.specs),
        progress=lambda result: seen.append(("imported", result.path.name)),
    )
    assert report.count("imported") == 12
    # the last entry is read after the first file is imported: nothing holds them all
    assert seen.index(("read", "fg12.txt")) > seen.index(("imported", "fg1.txt"))
    assert [name for kind, name in seen if kind == "imported"] == [
        f"fg{number}.txt" for number in range(1, 13)
    ]


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("", r"entry 300: the date '2025-13-45' is not a date"),
        ("cards: [*a]\n", r"line \d+: uses the YAML alias \*a"),  # named before the bad entry
        ("transcripts: []\n", r"line \d+: has two 'transcripts' lists"),
    ],
)
def test_a_bad_manifest_imports_nothing_wherever_the_problem_is(
    run, write_file, database_url, tail: str, message: str
) -> None:
    write_file("study/fg1.txt", "Moderator: Card.\nAnne: Reply.\n")
    text = entries(299) + "  - file: fg1.txt\n    date: 2025-13-45\n" + tail
    path = write_file("study/study.yaml", text)
    with pytest.raises(InputError, match=message):
        check_study(path)
    result = run("import", "--manifest", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    opened = open_project(database_url)
    try:
        assert corpus.list_transcripts(opened) == []
    finally:
        opened.close()


def test_checking_a_manifest_holds_no_entry(write_file) -> None:
    """Python memory at the peak of the check is about the same for 300 and 3,000 entries
    (the entries held in a list took some 6 MB more at 3,000)."""

    def peak(count: int) -> int:
        path = write_file(f"study/m{count}.yaml", entries(count))
        tracemalloc.start()
        try:
            assert check_study(path).count == count
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(10)  # imports and caches first
    small, large = peak(300), peak(3000)
    assert large < small + 512 * 1024, (small, large)


def test_a_csv_manifest_is_streamed_too(write_file) -> None:
    rows = ["file,department,roles,date"]
    rows += [f"fg{n}.txt,Ward,Anne=nurse," for n in range(1, 301)]
    path = write_file("study/study.csv", "\n".join(rows) + "\n")
    study = check_study(path)
    assert study.count == 300
    specs = list(study.specs())
    assert [spec.path.name for spec in specs[:2]] == ["fg1.txt", "fg2.txt"]
    assert specs[0].roles == {"Anne": "nurse"}
    assert specs == read_manifest(path)
    bad = write_file("study/bad.csv", "\n".join([*rows, "fg9.txt,Ward,,2025-13-45"]) + "\n")
    with pytest.raises(InputError, match=r"bad.csv.*line 302: the date '2025-13-45'"):
        check_study(bad)
