"""Importing: segments tile the text, re-imports are no-ops, failures leave nothing behind."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcode.domain.imports import ImportSpec
from qualcode.errors import InputError
from qualcode.ingest import ahead
from qualcode.ingest.manifest import read_manifest
from qualcode.services import corpus, importing
from qualcode.services.project import Project
from qualcode.store import transcripts as transcript_store
from qualcode.store.models import Base, Segment, Speaker, Transcript

GOOD = """[00:00:05] Moderator: Please read the first card.
[00:00:09] Anne (nurse): The opportunity for planning my daily work is good.
[00:00:15] Bo: I do not agree. We never get a proper lunch break.
It is the phone, all the time.
[00:00:31] Anne (nurse): Yes.
"""


def table_counts(project: Project) -> dict[str, int]:
    def work(session) -> dict[str, int]:
        return {
            name: session.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()
        }

    return project.read(work)


def spec(path: Path, **extra) -> ImportSpec:
    return ImportSpec(path=path, department="Outpatient clinic", group_kind="staff", **extra)


def test_import_tiles_the_text_with_one_segment_per_turn(project: Project, write_file) -> None:
    path = write_file("fg1.txt", GOOD)
    result = importing.import_one(project, spec(path, roles={"Bo": "medical secretary"}))
    assert result.status == "imported"
    assert result.turns == 4
    views = corpus.segments(project, result.transcript_id)
    assert [view.speaker for view in views] == ["Moderator", "Anne", "Bo", "Anne"]
    assert [view.role for view in views] == [None, "nurse", "medical secretary", "nurse"]
    assert (
        views[2].text
        == "I do not agree. We never get a proper lunch break.\nIt is the phone, all the time."
    )
    assert views[2].start_time == 15.0
    text = project.read(lambda s: s.get(Transcript, result.transcript_id).text)
    assert views[0].start_char == 0 and views[-1].end_char == len(text)
    for left, right in itertools.pairwise(views):
        assert left.end_char == right.start_char
    info = corpus.get_transcript(project, result.transcript_id)
    assert (info.department, info.group_kind, info.n_segments) == ("Outpatient clinic", "staff", 4)
    assert info.n_words == len(text.split())


def test_text_before_the_first_label_is_a_note_and_the_warning_says_so(
    project: Project, write_file
) -> None:
    """The warning was the line itself ('Warning: Ward study, recorded 2026-01-12.'), which
    did not say that the text was left out of the turns and counted nowhere."""
    path = write_file("fg1.txt", "Ward study, recorded 2026-01-12.\nPilot group.\n" + GOOD)
    result = importing.import_one(project, spec(path, roles={"Moderator": "moderator"}))
    assert result.turns == 4
    [warning] = result.warnings
    assert warning.startswith("2 lines of the file are no speaker's turn")
    assert "kept as a note of the transcript, counted nowhere: 'Ward study, recorded " in warning
    assert "and 1 more line" in warning and "speaker label ('Name: ')" in warning
    info = corpus.get_transcript(project, result.transcript_id)
    assert info.notes == ["Ward study, recorded 2026-01-12.", "Pilot group."]


def test_a_role_for_a_label_nobody_speaks_under_is_named(project: Project, write_file) -> None:
    """A typo in the manifest's roles ('Moderatr') left the moderator without the role, so
    their turn counted as a participant's, and the import said nothing."""
    path = write_file("fg1.txt", GOOD)
    result = importing.import_one(
        project, spec(path, roles={"Moderatr": "moderator", "Bo": "porter"})
    )
    assert result.status == "imported"
    [typo] = [w for w in result.warnings if "manifest gives a role" in w]
    assert typo == (
        "fg1.txt: the manifest gives a role to 'Moderatr', but no speaker is labelled so in "
        "the file (its speakers: Anne, Bo, Moderator); if that is a typo, fix the manifest's "
        "roles or run `qualcode speaker set`."
    )
    other = write_file("fg2.txt", GOOD.replace("Anne", "Cis"))
    clean = importing.import_one(project, spec(other, roles={"Moderator": "moderator"}))
    assert not [w for w in clean.warnings if "manifest gives a role" in w]


def test_reimporting_the_same_bytes_is_a_no_op_that_says_so(project: Project, write_file) -> None:
    path = write_file("fg1.txt", GOOD)
    first = importing.import_one(project, spec(path))
    before = table_counts(project)
    again = importing.import_one(project, spec(write_file("renamed.txt", GOOD)))
    assert again.status == "skipped"
    assert again.transcript_id == first.transcript_id
    assert "already imported" in again.message
    assert table_counts(project) == before


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", "", "empty"),
        ("binary.txt", b"\x00\x01\x02PK\x00\x00binary", "binary"),
        ("cp1252.txt", "Søren: Det er fint.\n".encode("cp1252"), "--encoding"),
        (
            "labels.txt",
            "Just some prose without any labels at all.\nMore prose.\n",
            "--no-speakers",
        ),
        ("bad.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v Anne>Backwards</v>\n", "bad.vtt"),
        ("notword.docx", b"this is not a zip file", "Word"),
        ("notes.pdf", b"%PDF-1.4", ".pdf"),
    ],
)
def test_bad_input_names_the_file_and_leaves_the_database_unchanged(
    project: Project, write_file, name: str, content, problem: str
) -> None:
    importing.import_one(project, spec(write_file("ok.txt", GOOD)))
    before = table_counts(project)
    path = write_file(name, content)
    with pytest.raises(InputError) as raised:
        importing.import_one(project, spec(path))
    assert name in str(raised.value)
    assert problem.lower() in str(raised.value).lower()
    assert table_counts(project) == before


def test_undecodable_bytes_import_with_the_named_encoding(project: Project, write_file) -> None:
    path = write_file("cp1252.txt", "Søren: Det er fint.\nMette: Ja.\n".encode("cp1252"))
    result = importing.import_one(project, spec(path, encoding="cp1252"))
    assert corpus.segments(project, result.transcript_id)[0].speaker == "Søren"


def test_a_failure_inside_the_transaction_rolls_everything_back(
    project: Project, write_file, monkeypatch
) -> None:
    real_insert = transcript_store.insert_transcript

    def insert_then_fail(session, **values):
        real_insert(session, **values)
        raise RuntimeError("disk full")

    monkeypatch.setattr(transcript_store, "insert_transcript", insert_then_fail)
    before = table_counts(project)
    with pytest.raises(RuntimeError):
        importing.import_one(project, spec(write_file("fg1.txt", GOOD)))
    assert table_counts(project) == before


def test_a_batch_stops_at_the_first_failure_unless_keep_going(project: Project, write_file) -> None:
    good1 = write_file("a.txt", GOOD)
    bad = write_file("b.txt", "")
    good2 = write_file("c.txt", GOOD.replace("Bo:", "Carl:"))
    report = importing.import_files(project, [spec(good1), spec(bad), spec(good2)])
    assert [result.status for result in report.results] == ["imported", "failed"]
    assert "b.txt" in report.failures[0].message
    report = importing.import_files(project, [spec(good1), spec(bad), spec(good2)], keep_going=True)
    assert [result.status for result in report.results] == ["skipped", "failed", "imported"]
    assert len(corpus.list_transcripts(project)) == 2


def test_no_speakers_imports_unlabelled_text_as_one_speaker(project: Project, write_file) -> None:
    path = write_file("prose.txt", "First paragraph of notes.\n\nSecond paragraph.\n")
    result = importing.import_one(project, spec(path), no_speakers=True)
    views = corpus.segments(project, result.transcript_id)
    assert views and {view.speaker for view in views} == {None}


def test_split_sentences_splits_long_turns_at_sentence_ends(project: Project, write_file) -> None:
    sentence = "We never get a proper break because the phone keeps ringing all day long. "
    path = write_file("long.txt", "Anne: " + sentence * 12 + "\nBo: Short.\n")
    whole = importing.import_one(project, spec(path))
    assert whole.turns == 2
    other = write_file("long2.txt", "Anne: " + sentence * 12 + "\nBo: Short!\n")
    split = importing.import_one(project, spec(other), split=True)
    assert split.turns > 2
    views = corpus.segments(project, split.transcript_id)
    assert all(view.speaker == "Anne" for view in views[:-1])
    assert all(len(view.text) <= 400 for view in views)


def test_manifests_in_yaml_and_csv_carry_metadata_and_roles(project: Project, write_file) -> None:
    write_file("study/fg1.txt", GOOD)
    write_file("study/fg2.txt", GOOD.replace("Bo:", "Dorthe:"))
    manifest = write_file(
        "study/study.yaml",
        "transcripts:\n"
        "  - file: fg1.txt\n    department: Bed ward\n    group_kind: management\n"
        "    date: 2025-03-04\n    language: en\n    roles: {Bo: manager}\n",
    )
    csv_manifest = write_file(
        "study/study.csv",
        "file,department,group_kind,date,language,roles\n"
        "fg2.txt,Dagkirurgi,staff,2025-10-01,da,Dorthe=nurse;Anne=porter\n",
    )
    specs = read_manifest(manifest) + read_manifest(csv_manifest)
    report = importing.import_files(project, specs)
    assert report.count("imported") == 2
    infos = {info.department: info for info in corpus.list_transcripts(project)}
    assert infos["Bed ward"].group_kind == "management"
    assert str(infos["Bed ward"].recorded_on) == "2025-03-04"
    assert infos["Dagkirurgi"].language == "da"
    roles = project.read(
        lambda session: dict(session.execute(select(Speaker.label, Speaker.role)).all())
    )
    assert roles["Bo"] == "manager" and roles["Dorthe"] == "nurse"


def test_manifest_errors_name_the_file(write_file) -> None:
    bad = write_file("m.yaml", "transcripts:\n  - file: a.txt\n    language: xx\n")
    with pytest.raises(InputError, match="m.yaml.*language 'xx'"):
        read_manifest(bad)


def test_segments_are_indexed_in_order(project: Project, write_file) -> None:
    result = importing.import_one(project, spec(write_file("fg1.txt", GOOD)))
    ordinals = project.read(
        lambda session: list(
            session.scalars(
                select(Segment.ordinal)
                .where(Segment.transcript_id == result.transcript_id)
                .order_by(Segment.start_char)
            )
        )
    )
    assert ordinals == [0, 1, 2, 3]


def test_a_large_batch_parses_ahead_in_a_second_process_with_the_same_results(
    project: Project, write_file
) -> None:
    # Six files (PARALLEL_FROM is 4): the pool path, with a bad file, a renamed duplicate
    # of an earlier file in the same batch, and files after the failure.
    assert ahead.PARALLEL_FROM <= 6
    files = [write_file(f"g{n}.txt", GOOD.replace("Bo:", f"Person{n}:")) for n in range(3)]
    bad = write_file("bad.txt", "Søren: ja\n".encode("cp1252"))
    duplicate = write_file("copy.txt", files[0].read_bytes())
    later = write_file("later.txt", GOOD.replace("Bo:", "Zed:"))
    batch = [spec(path) for path in [*files, duplicate, bad, later]]
    stopped = importing.import_files(project, batch)
    assert [r.status for r in stopped.results] == ["imported"] * 3 + ["skipped", "failed"]
    assert "bad.txt" in stopped.results[-1].message
    assert "--encoding" in stopped.results[-1].message
    assert stopped.results[3].transcript_id == stopped.results[0].transcript_id
    kept = importing.import_files(project, batch, keep_going=True)
    assert [r.status for r in kept.results] == ["skipped"] * 4 + ["failed", "imported"]
    turns = [len(corpus.segments(project, r.transcript_id)) for r in stopped.results[:3]]
    assert turns == [4, 4, 4]


def test_input_errors_survive_pickling() -> None:
    import pickle

    error = InputError("fg.vtt", "cue 3 ends before it starts.", line=12, hint="Fix it.")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.source, copy.line) == (str(error), "fg.vtt", 12)


_WORKER_PARENT = """
import os, sys, time
from qualcode.ingest import ahead
with ahead.parsers(ahead.PARALLEL_FROM) as pool:
    worker = pool.submit(os.getpid).result()
    print(worker, flush=True)
    time.sleep(600)
"""


def _process(pid: int) -> dict[str, str]:
    """The fields of /proc/PID/status; empty once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return dict(line.rstrip("\n").split(":\t", 1) for line in status if ":\t" in line)
    except FileNotFoundError:
        return {}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_the_parse_worker_is_a_fresh_process_that_dies_with_its_parent() -> None:
    """Not forked from the importing process (it would hold a copy of its memory), and gone
    when that process is killed outright (a zombie waiting for its reaper counts as gone)."""
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", _WORKER_PARENT], stdout=subprocess.PIPE)
    try:
        worker = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert int(_process(worker)["PPid"]) == parent.pid
        # Spawned, not forked: a fork would carry the parent's modules, SQLAlchemy among them.
        with open(f"/proc/{worker}/maps") as maps:
            assert "sqlalchemy" not in maps.read()
    finally:
        parent.kill()
        parent.wait()
    for _ in range(600):  # up to a minute on a busy machine; not a timing assertion
        if _process(worker).get("State", "Z").startswith("Z"):
            return
        time.sleep(0.1)
    pytest.fail("the parse worker outlived the importing process")


def test_postgres_checks_a_new_projects_foreign_keys_through_the_indexes(
    project: Project, write_file
) -> None:
    """The server plans the foreign-key checks of inserted segments once per connection; a
    plan made while the project's tables are small must not scan the transcripts whole for
    every segment of every later file (an import into a new project grew quadratic)."""
    from sqlalchemy import text

    if project.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL plans the checks")

    def files(first: int, count: int) -> list[ImportSpec]:
        return [
            spec(write_file(f"fg{n}.txt", GOOD.replace("first card", f"card {n}")))
            for n in range(first, first + count)
        ]

    def transcript_scans() -> int:
        def work(session) -> int:
            session.execute(text("SELECT pg_stat_force_next_flush()"))
            session.commit()  # the statistics of this connection are sent now
            session.execute(text("SELECT pg_stat_clear_snapshot()"))
            return session.scalar(
                text("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'transcript'")
            )

        return project.read(work)

    importing.import_files(project, files(0, 3))
    project.write(lambda session: session.execute(text("ANALYZE transcript")))
    before = transcript_scans()
    report = importing.import_files(project, files(3, 10))
    segments = sum(result.turns for result in report.results)
    assert segments == 40
    # One scan reads the known sources; none per segment.
    assert transcript_scans() - before <= 2
