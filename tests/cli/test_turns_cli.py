"""What a person reads and types about turns: 1-based turn numbers, `T8:4` or segment ids,
spans in the turn's own offsets, a --db that must exist, long listings as a stream."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode import __version__
from qualcode.services import corpus
from qualcode.services.project import open_project

TEXT = "Moderator: First card.\nAnne (nurse): We skip lunch every day.\nBo: Same here.\n"


@pytest.fixture
def fg(run, write_file) -> None:
    """Transcript 1 (`fg`): turn 1 the moderator (segment 1), turn 2 Anne, turn 3 Bo."""
    assert run("codebook", "load", "--bundled", "three_concepts").exit_code == 0
    assert run("import", write_file("fg.txt", TEXT)).exit_code == 0


def codings(database_url: str, ordinal: int) -> set[tuple[str, int | None, int | None]]:
    project = open_project(database_url)
    view = corpus.segments(project, 1)[ordinal]
    project.close()
    return {
        (
            c.code_key,
            None if c.start_char is None else c.start_char - view.start_char,
            None if c.end_char is None else c.end_char - view.start_char,
        )
        for c in view.codings
    }


def test_segments_shows_the_turn_number_and_the_segment_id_apart(run, fg) -> None:
    listing = run("segments", "fg")
    assert listing.exit_code == 0, listing.output
    blocks = listing.output.split("\n\n")
    assert blocks[0].splitlines() == ["turn 1 · Moderator · segment 1", "    First card."]
    assert blocks[1].splitlines()[0] == "turn 2 · Anne (nurse) · segment 2"


def test_a_turn_is_named_by_transcript_and_number_or_by_segment_id(run, fg, database_url):
    by_ref = run("code", "T1:2", "temporality.breaks", "--coder", "anna")
    assert by_ref.exit_code == 0, by_ref.output
    assert 'Coded T1:2 (segment 2) "We skip lunch every day." as temporality.breaks' in (
        by_ref.output
    )
    # anna's first coding made her a coder, and said so (a mistyped name would start a layer
    # of its own without a word); her second does not
    assert "anna is a new coder: this is their first coding" in by_ref.output
    by_id = run("code", "3", "temporality.rhythm", "--coder", "anna")
    assert by_id.exit_code == 0 and "Coded T1:3 (segment 3)" in by_id.output
    assert "new coder" not in by_id.output
    assert codings(database_url, 1) == {("temporality.breaks", None, None)}
    assert codings(database_url, 2) == {("temporality.rhythm", None, None)}
    made = run("open-code", "Skipping meals", "--coder", "anna", "--segment", "t1:2")
    assert made.exit_code == 0 and "Coded T1:2 (segment 2)" in made.output
    memo = run("memo", "add", "Lunch again.", "--segment", "T1:3", "--coder", "anna")
    assert memo.exit_code == 0 and "Lunch again." in run("memo", "list", "--segment", 3).output
    removed = run("uncode", "T1:2", "temporality.breaks", "--coder", "anna")
    assert removed.exit_code == 0 and "from T1:2 (segment 2)" in removed.output
    assert codings(database_url, 1) == {("open.skipping_meals", None, None)}


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("T1:4", "No turn 4 in transcript 1 (fg): its turns are 1 to 3."),
        ("T1:0", "No turn 0 in transcript 1"),
        ("T9:1", "No transcript '9'"),
        ("turn2", "'turn2' is not a turn: give a segment id (606) or a transcript id and turn"),
    ],
)
def test_a_turn_that_does_not_exist_is_one_clear_error(run, fg, database_url, ref, message):
    result = run("code", ref, "temporality.breaks", "--coder", "anna")
    assert result.exit_code == 1
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output
    assert codings(database_url, 1) == set()


def test_spans_are_typed_reported_and_listed_in_the_turns_offsets(run, fg, database_url):
    coded = run("code", "T1:2", "temporality.breaks", "--span", "8:13", "--coder", "anna")
    assert coded.exit_code == 0, coded.output
    assert 'Coded T1:2 (segment 2) 8:13 "lunch" as temporality.breaks (anna).' in coded.output
    # the same coding again stores nothing, and says so (it said 'Coded' again)
    again = run("code", "T1:2", "temporality.breaks", "--span", "8:13", "--coder", "anna")
    assert again.exit_code == 0, again.output
    assert (
        'Already coded: T1:2 (segment 2) 8:13 "lunch" as temporality.breaks (anna); '
        "nothing changed." in again.output
    )
    assert codings(database_url, 1) == {("temporality.breaks", 8, 13)}
    outside = run("code", "T1:2", "temporality.rhythm", "--span", "8:99", "--coder", "anna")
    assert outside.exit_code == 1
    assert "Span 8:99 is not inside segment 2, whose text is 0:" in outside.output
    assert codings(database_url, 1) == {("temporality.breaks", 8, 13)}
    listing = run("segments", "fg").output
    assert "    anna: temporality.breaks[8:13]\n" in listing


def test_segments_as_tsv_and_json(run, fg) -> None:
    run("code", "T1:2", "temporality.breaks", "--span", "8:13", "--coder", "anna")
    tsv = run("segments", "fg", "--format", "tsv")
    assert tsv.exit_code == 0, tsv.output
    lines = [line.split("\t") for line in tsv.output.splitlines()]
    assert lines[0] == ["turn", "segment_id", "speaker", "role", "time", "text", "codes"]
    assert lines[2] == [
        "2",
        "2",
        "Anne",
        "nurse",
        "",
        "We skip lunch every day.",
        "anna: temporality.breaks[8:13]",
    ]
    records = json.loads(run("segments", "fg", "-f", "json").output)
    assert [record["turn"] for record in records] == [1, 2, 3]
    assert records[1]["ref"] == "T1:2" and records[1]["segment_id"] == 2
    assert records[1]["codings"] == [
        {"code": "temporality.breaks", "coder": "anna", "span": [8, 13]}
    ]
    bad = run("segments", "fg", "-f", "xml")
    assert bad.exit_code == 1 and "text, tsv, json" in bad.output


def test_only_commands_that_make_a_database_create_one(run, tmp_path: Path) -> None:
    real = tmp_path / "study.db"
    assert run("init", "--db", real).exit_code == 0 and real.exists()
    typo = tmp_path / "stduy.db"
    for args in (("freq",), ("segments", "1"), ("code", "1", "x", "--coder", "a"), ("tui",)):
        result = run(*args, "--db", typo)
        assert result.exit_code == 1, args
        said = " ".join(result.output.split())
        assert f"There is no database {typo}. Did you mean {real}?" in said
        assert "Traceback" not in result.output
    assert not typo.exists()
    made = tmp_path / "new.db"
    assert run("import", "--db", made, "--no-speakers", tmp_path / "absent.txt").exit_code == 1
    assert not made.exists()  # made for the import, which stored nothing: removed again
    present = tmp_path / "present.txt"
    present.write_text("We skip lunch.\n")
    assert run("import", "--db", made, "--no-speakers", present).exit_code == 0
    assert made.exists()  # import creates the database it imports into


def test_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output == f"qualcode {__version__}\n"


def test_the_bundled_codebook_loads_by_name_and_errors_name_it(run) -> None:
    missing = run("freq")
    assert missing.exit_code == 1
    assert "qualcode codebook load --bundled three_concepts" in missing.output
    loaded = run("codebook", "load", "--bundled", "three_concepts")
    assert loaded.exit_code == 0 and "version 1" in loaded.output
    unknown = run("codebook", "load", "--bundled", "four_concepts")
    assert unknown.exit_code == 1 and "ships three_concepts" in unknown.output
    neither = run("codebook", "load")
    assert neither.exit_code == 1 and "--bundled three_concepts" in neither.output
