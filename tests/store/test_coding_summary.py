"""The coded-turn summary equals counting the codings directly, whatever writes came before.

Every check compares `coding_summary.coded_turns` (after a refresh) with running the raw
statement (`coded_turns_select`) on the codings themselves, for every layer the queries use.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from sqlalchemy import Select, func, select, text, union, update
from sqlalchemy.orm import Session

from qualcode.domain.imports import ImportSpec
from qualcode.domain.layer import CONSENSUS, MODEL_ROLE, Layer
from qualcode.domain.rollup import RollUp
from qualcode.domain.scope import Coverage, TurnScope
from qualcode.errors import QualcodeError
from qualcode.services import analysis, codebooks, corpus, importing
from qualcode.services.coding import apply_code, remove_code
from qualcode.services.history import CodingHistory
from qualcode.services.project import Project
from qualcode.services.segmentation import join_turns, split_turn
from qualcode.store import coding_summary
from qualcode.store.analysis_queries import coding_units
from qualcode.store.layers import layer_coders
from qualcode.store.models import Code, Coder, Coding, Segment, TranscriptDone

CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "three_concepts.yaml"
SPEAKERS = ("Anne (nurse)", "Bo (secretary)", "Cai (head nurse)", "Dorte (nurse)")
CODERS = ("anna", "ben", "carla")


def _transcript(rng: random.Random, turns: int) -> str:
    words = ("we", "never", "get", "a", "break", "the", "phone", "rings", "all", "day", "plan")
    lines = []
    for n in range(turns):
        said = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
        lines.append(
            f"[00:{n // 60:02d}:{n % 60:02d}] {rng.choice(SPEAKERS)}: {said.capitalize()}."
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def corpus_project(project: Project, write_file) -> Project:
    rng = random.Random(7)
    codebooks.load_codebook_file(project, CODEBOOK)
    for n, department in enumerate(("Ward", "Ward", "Outpatient")):
        path = write_file(f"fg{n}.txt", _transcript(rng, 12))
        importing.import_one(
            project, ImportSpec(path=path, department=department, group_kind="staff")
        )
    return project


def _layers(session: Session) -> list[tuple[Layer, bool]]:
    """(layer, split by coder) for every layer the queries read."""
    coders = list(session.execute(select(Coder.name, Coder.is_consensus)))
    layers = [(Layer(), False), (Layer(), True)]
    layers += [(Layer.coder(name), False) for name, _ in coders]
    if any(flag for _, flag in coders):
        layers.append((Layer.parse(CONSENSUS), False))
    return layers


def assert_summary_matches(project: Project, scope: TurnScope = TurnScope()) -> None:
    if project.read(coding_summary.is_stale):
        project.write(coding_summary.refresh)
    with project.unit() as session:
        assert not coding_summary.is_stale(session)
        codes = [(code_id, key) for code_id, key in session.execute(select(Code.id, Code.key))]
        rollup = RollUp.build(codes, [code_id for code_id, _ in codes])
        for layer, by_coder in _layers(session):
            expected = sorted(
                (tuple(row) for row in session.execute(_direct_counts(rollup, layer, by_coder))),
                key=_sortable,
            )
            expected = [row for row in expected if _in_scope(scope, row[1])]
            found = sorted(
                (
                    tuple(row)[:6]  # the summary knows no card: `card` stays None
                    for row in coding_summary.coded_turns(
                        session, rollup.own, layer, scope, by_coder=by_coder
                    )
                ),
                key=_sortable,
            )
            assert found == expected, layer
            if by_coder:
                continue
            coded = set(session.scalars(_coded_transcripts(layer)))
            per_speaker = (Segment.transcript_id, Segment.speaker_id)
            turns = select(*per_speaker, func.count(), func.sum(Segment.word_count))
            totals = [tuple(row) for row in session.execute(turns.group_by(*per_speaker))]
            totals = [
                row
                for row in totals
                if _in_scope(scope, row[0]) and scope.counts_transcript(row[0] in coded)
            ]
            found_rows = coding_summary.turn_totals(session, layer, scope)
            assert all(row.coder_id is None for row in found_rows)  # not split by coder
            found_totals = [tuple(row)[:4] for row in found_rows]
            assert sorted(found_totals, key=_sortable) == sorted(totals, key=_sortable), layer


def _coded_transcripts(layer: Layer) -> Select:
    """The oracle of the coded scope: transcripts with a coding of the layer or a done mark."""
    coders = layer_coders(layer)
    coded = (
        select(Segment.transcript_id)
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Coding.coder_id.in_(coders))
    )
    done = select(TranscriptDone.transcript_id).where(TranscriptDone.coder_id.in_(coders))
    return union(coded, done)


def _direct_counts(rollup: RollUp, layer: Layer, by_coder: bool) -> Select:
    """The oracle: coded turns and words per (code, transcript, speaker, coder) in SQL, from
    the codings themselves (the statement the queries ran before the summary existed)."""
    units = coding_units(rollup, layer, by_coder=by_coder)
    pairs = (
        select(units.c.code_id, units.c.segment_id, units.c.coder_id)
        .where(units.c.code_id.is_not(None))
        .group_by(units.c.code_id, units.c.segment_id, units.c.coder_id)
        .subquery("pairs")
    )
    keys = (pairs.c.code_id, Segment.transcript_id, Segment.speaker_id, pairs.c.coder_id)
    return (
        select(*keys, func.count(), func.sum(Segment.word_count))
        .select_from(pairs)
        .join(Segment, Segment.id == pairs.c.segment_id)
        .group_by(*keys)
    )


def _sortable(row: tuple) -> tuple:
    return tuple(-2 if value is None else value for value in row)


def _in_scope(scope: TurnScope, transcript_id: int) -> bool:
    return not scope.transcript_ids or transcript_id in scope.transcript_ids


def _random_writes(project: Project, rng: random.Random, steps: int) -> None:
    """Random coding, uncoding, splits and joins, each checked against the codings at once."""
    keys = [key for key in _leaf_keys(project) if not key.startswith("open")]
    for _ in range(steps):
        assert_summary_matches(project)
        turns = [
            view.id for tid in _transcript_ids(project) for view in corpus.segments(project, tid)
        ]
        turn = rng.choice(turns)
        action = rng.random()
        try:
            if action < 0.6:
                apply_code(project, turn, rng.choice(keys), rng.choice(CODERS))
            elif action < 0.8:
                coded = _codings(project)
                if coded:
                    segment_id, key, coder = rng.choice(coded)
                    remove_code(project, segment_id, key, coder)
            elif action < 0.9:
                view = next(
                    v
                    for v in corpus.segments(project, _transcript_of(project, turn))
                    if v.id == turn
                )
                split_turn(project, turn, (view.start_char + view.end_char) // 2)
            else:
                join_turns(project, turn)
        except QualcodeError:
            pass  # a join at the last turn, a split of a tiny turn: refused, as users see


def _codings(project: Project) -> list[tuple[int, str, str]]:
    query = (
        select(Coding.segment_id, Code.key, Coder.name)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .order_by(Coding.id)
    )
    with project.unit() as session:
        return [tuple(row) for row in session.execute(query)]


def _leaf_keys(project: Project) -> list[str]:
    with project.unit() as session:
        return list(session.scalars(select(Code.key)))


def _transcript_ids(project: Project) -> list[int]:
    return [info.id for info in corpus.list_transcripts(project)]


def _transcript_of(project: Project, segment_id: int) -> int:
    with project.unit() as session:
        return session.scalar(select(Segment.transcript_id).where(Segment.id == segment_id))


@pytest.mark.slow  # 80 random writes, each checked against a recount
def test_summary_counts_what_the_codings_say_through_random_writes(corpus_project: Project):
    _random_writes(corpus_project, random.Random(11), 80)
    assert_summary_matches(corpus_project)
    first = _transcript_ids(corpus_project)[0]
    assert_summary_matches(corpus_project, TurnScope(transcript_ids=(first,)))
    assert_summary_matches(corpus_project, TurnScope(coverage=Coverage.ALL))


def test_a_coding_counts_in_the_next_table(corpus_project: Project):
    turn = corpus.segments(corpus_project, 1)[0].id
    query = analysis.FrequencyQuery(codes=("temporality.breaks",))

    def breaks() -> int:
        table = analysis.frequency(corpus_project, query).tables[0]
        return table.rows[0][-1]

    assert breaks() == 0
    apply_code(corpus_project, turn, "temporality.breaks", "anna")
    assert breaks() == 1
    apply_code(corpus_project, turn, "temporality.breaks", "ben")  # same turn: still one
    assert breaks() == 1
    remove_code(corpus_project, turn, "temporality.breaks", "anna")
    remove_code(corpus_project, turn, "temporality.breaks", "ben")
    assert breaks() == 0


def test_deleting_a_transcript_drops_its_counts(corpus_project: Project):
    turn = corpus.segments(corpus_project, 1)[0].id
    apply_code(corpus_project, turn, "temporality.breaks", "anna")
    assert_summary_matches(corpus_project)
    corpus.delete_transcript(corpus_project, 1)
    assert corpus_project.read(coding_summary.is_stale)
    assert_summary_matches(corpus_project)
    with corpus_project.unit() as session:
        left = session.execute(text("SELECT COUNT(*) FROM coding_summary WHERE transcript_id = 1"))
        assert left.scalar() == 0


def test_a_changed_code_key_or_consensus_flag_marks_every_transcript(corpus_project: Project):
    """No service renames keys or flips consensus today; the triggers keep the cache honest
    if a migration or a hand-made UPDATE ever does."""
    for turn in (1, 15, 30):
        apply_code(corpus_project, turn, "temporality.breaks", "anna")
    assert_summary_matches(corpus_project)
    with corpus_project.unit() as session:
        session.execute(
            update(Code).where(Code.key == "temporality.breaks").values(key="jobcrafting.breaks")
        )
    assert corpus_project.read(coding_summary.is_stale)
    assert_summary_matches(corpus_project)
    with corpus_project.unit() as session:
        session.execute(update(Coder).where(Coder.name == "anna").values(is_consensus=True))
    assert corpus_project.read(coding_summary.is_stale)
    assert_summary_matches(corpus_project)


def test_a_coding_committed_during_a_refresh_is_counted(corpus_project: Project):
    """A writer holds an uncommitted coding while a refresh runs (PostgreSQL lets both go on;
    SQLite makes the refresh wait). The writer's transcript already had a mark, so a set of
    marks would lose the coding; the log keeps it for the next refresh."""
    apply_code(corpus_project, 1, "temporality.breaks", "anna")  # transcript 1 is marked
    written, release = threading.Event(), threading.Event()

    def writer() -> None:
        with corpus_project.unit() as session:
            coder = session.scalar(select(Coder.id).where(Coder.name == "anna"))
            code = session.scalar(select(Code.id).where(Code.key == "temporality.rhythm"))
            session.add(Coding(coder_id=coder, code_id=code, segment_id=2))
            session.flush()
            written.set()
            release.wait(timeout=0.5)

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(timeout=10)
    corpus_project.write(coding_summary.refresh)
    release.set()
    thread.join()
    assert_summary_matches(corpus_project)
    with corpus_project.unit() as session:
        rhythm = session.scalar(
            text(
                "SELECT SUM(turns) FROM coding_summary AS s JOIN code AS c ON c.id = s.code_id "
                "WHERE c.key = 'temporality.rhythm' AND s.layer = 0"
            )
        )
    assert rhythm == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE segment SET word_count = word_count + 5 WHERE id = 2",
        "UPDATE segment SET speaker_id = NULL WHERE id = 2",
        "UPDATE segment SET end_char = end_char - 1 WHERE id = 2",
        "DELETE FROM segment WHERE id = 3",
        "UPDATE coding SET code_id = (SELECT id FROM code WHERE key = 'temporality.rhythm')",
        "UPDATE coding SET segment_id = 4 WHERE segment_id = 2",
        "DELETE FROM coding WHERE segment_id = 2",
        "DELETE FROM coder WHERE name = 'ben'",
    ],
)
def test_each_kind_of_write_marks_its_transcript(corpus_project: Project, statement: str):
    """One write at a time, straight in SQL, so no other write marks the transcript for it."""
    apply_code(corpus_project, 2, "temporality.breaks", "anna")
    apply_code(corpus_project, 3, "temporality.breaks", "ben", span=_first_half(corpus_project, 3))
    assert_summary_matches(corpus_project)
    with corpus_project.unit() as session:
        session.execute(text(statement))
    assert corpus_project.read(coding_summary.is_stale)
    assert_summary_matches(corpus_project)


def _first_half(project: Project, segment_id: int) -> tuple[int, int]:
    view = next(v for v in corpus.segments(project, 1) if v.id == segment_id)
    return view.start_char, (view.start_char + view.end_char) // 2


def test_two_refreshes_at_once_count_each_turn_once(corpus_project: Project):
    for turn in range(1, 30, 2):
        apply_code(corpus_project, turn, "temporality.breaks", "anna")
    start = threading.Barrier(2)

    def refresh() -> None:
        start.wait(timeout=10)
        corpus_project.write(coding_summary.refresh)

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not corpus_project.read(coding_summary.is_stale)
    assert_summary_matches(corpus_project)


def test_undoing_and_redoing_splits_and_joins_keeps_the_totals(corpus_project: Project):
    """Turns appear in a transcript only by import, split or the undo of a join; each also
    marks the transcript, so the turn totals follow."""
    history = CodingHistory(corpus_project, "anna")
    turns = corpus.segments(corpus_project, 1)
    history.apply(turns[1].id, "temporality.breaks")
    history.join(turns[1].id)
    assert_summary_matches(corpus_project)
    history.undo()
    assert_summary_matches(corpus_project)
    history.redo()
    assert_summary_matches(corpus_project)
    middle = (turns[4].start_char + turns[4].end_char) // 2
    history.split(turns[4].id, middle)
    assert_summary_matches(corpus_project)
    history.undo()
    assert_summary_matches(corpus_project)


def _summary_rows(project: Project) -> list[tuple]:
    with project.unit() as session:
        rows = session.execute(
            text(
                "SELECT layer, code_id, transcript_id, speaker_id, turns, words FROM coding_summary"
            )
        )
        return sorted((tuple(row) for row in rows), key=_sortable)


def _recount_everything(project: Project) -> None:
    with project.unit() as session:
        session.execute(
            text("INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM transcript")
        )
    project.write(coding_summary.refresh)


@pytest.mark.slow  # 60 random codings, each refreshed by cells and compared with a recount
def test_cell_recounts_after_codings_equal_a_full_recount(corpus_project: Project):
    """Codings and uncodings by coders, a consensus coder and a model, of nested codes, on
    whole turns and spans: each marks its turn and code, the refresh recounts only those
    cells, and the summary equals the whole-transcript recount (the repair path)."""
    with corpus_project.unit() as session:
        session.add(Coder(name="agreed", is_consensus=True))
        session.add(Coder(name="robot", role=MODEL_ROLE))
    coders = (*CODERS, "agreed", "robot")
    keys = [key for key in _leaf_keys(corpus_project) if not key.startswith("open")]
    turns = [
        view
        for tid in _transcript_ids(corpus_project)
        for view in corpus.segments(corpus_project, tid)
    ]
    assert_summary_matches(corpus_project)  # the imports' marks are gone
    rng = random.Random(5)
    for step in range(60):
        coded = _codings(corpus_project)
        if coded and rng.random() < 0.35:
            segment_id, key, coder = rng.choice(coded)
            remove_code(corpus_project, segment_id, key, coder)
        else:
            view = rng.choice(turns)
            span = None
            if rng.random() < 0.3:
                span = (view.start_char, (view.start_char + view.end_char) // 2)
            try:
                apply_code(corpus_project, view.id, rng.choice(keys), rng.choice(coders), span=span)
            except QualcodeError:
                continue  # the same coding twice: refused
        with corpus_project.unit() as session:
            marks = session.execute(text("SELECT segment_id, code_id FROM coding_summary_stale"))
            assert all(segment_id is not None for segment_id, _ in marks.all())
        corpus_project.write(coding_summary.refresh)
        by_cells = _summary_rows(corpus_project)
        if step % 10 == 9:
            assert_summary_matches(corpus_project)
        _recount_everything(corpus_project)
        assert by_cells == _summary_rows(corpus_project), step


def test_many_codings_at_once_mark_their_transcript(corpus_project: Project):
    """A bulk write (an import of codings) marks whole transcripts rather than a mark per
    coding past a bound, and the recount still counts each of them."""
    assert_summary_matches(corpus_project)
    with corpus_project.unit() as session:
        coder = session.scalar(select(Coder.id).where(Coder.name == "anna"))
        if coder is None:
            coder_row = Coder(name="anna")
            session.add(coder_row)
            session.flush()
            coder = coder_row.id
        codes = list(session.scalars(select(Code.id)))
        segments = list(session.scalars(select(Segment.id).where(Segment.transcript_id == 1)))
        rows = [
            {"coder_id": coder, "code_id": code, "segment_id": segment}
            for segment in segments
            for code in codes[:8]
        ]
        session.execute(Coding.__table__.insert().values(rows))  # one statement
    with corpus_project.unit() as session:
        marks = session.execute(
            text("SELECT COUNT(*), COUNT(segment_id) FROM coding_summary_stale")
        ).one()
    assert marks[1] <= 64 < len(rows)
    assert marks[0] > marks[1]  # a whole-transcript mark
    assert_summary_matches(corpus_project)


def test_a_codings_change_is_applied_to_its_cells_without_a_recount(
    corpus_project: Project, monkeypatch
):
    """Each coding write marks whose coding came or went (revision 0011); the refresh adds
    the change to the cells of that turn without recounting them (both recounts are
    blocked here) and equals the whole-transcript recount: two spans of one code by one
    coder, one of them removed; another coder on the same turn; a consensus coder and a
    model; a coding moved to another code by an UPDATE; a turn whose last coding goes."""
    with corpus_project.unit() as session:
        session.add(Coder(name="agreed", is_consensus=True))
        session.add(Coder(name="robot", role=MODEL_ROLE))
    assert_summary_matches(corpus_project)
    first, second, third = corpus.segments(corpus_project, 1)[:3]
    half = (first.start_char, (first.start_char + first.end_char) // 2)
    rest = (half[1], first.end_char)
    blocked = pytest.fail

    def apply_all() -> None:
        with monkeypatch.context() as patched:
            patched.setattr(coding_summary, "_recount_cells", lambda *a: blocked("cells"))
            patched.setattr(coding_summary, "_count", lambda *a: blocked("whole"))
            corpus_project.write(coding_summary.refresh)
        by_changes = _summary_rows(corpus_project)
        assert_summary_matches(corpus_project)
        _recount_everything(corpus_project)
        assert by_changes == _summary_rows(corpus_project)

    apply_code(corpus_project, first.id, "temporality.breaks", "anna", span=half)
    apply_code(corpus_project, first.id, "temporality.breaks", "anna", span=rest)
    apply_code(corpus_project, first.id, "temporality.development", "ben")
    apply_code(corpus_project, second.id, "temporality.breaks", "agreed")
    apply_code(corpus_project, second.id, "temporality", "robot")
    apply_code(corpus_project, third.id, "temporality.breaks", "carla")
    apply_all()
    remove_code(corpus_project, first.id, "temporality.breaks", "anna", span=half)
    remove_code(corpus_project, third.id, "temporality.breaks", "carla")
    with corpus_project.unit() as session:
        development = session.scalar(select(Code.id).where(Code.key == "temporality.development"))
        session.execute(
            update(Coding)
            .where(Coding.segment_id == second.id, Coding.coder_id == _coder_id(session, "agreed"))
            .values(code_id=development)
        )
    apply_all()
    remove_code(corpus_project, first.id, "temporality.breaks", "anna", span=rest)
    apply_code(corpus_project, third.id, "temporality.breaks", "carla")
    remove_code(corpus_project, third.id, "temporality.breaks", "carla")
    apply_all()


def _coder_id(session: Session, name: str) -> int:
    return session.scalar(select(Coder.id).where(Coder.name == name))


def test_a_table_with_nothing_marked_takes_no_refresh_lock(corpus_project: Project):
    """PostgreSQL: every table first calls `qualcode_refresh_summary()` (revision 0015), which
    returns after one read when nothing is marked, without waiting for a refresh that holds
    the lock; a table after a coding applies it once the lock is free."""
    if corpus_project.engine.dialect.name != "postgresql":
        pytest.skip("the server's refresh function")
    assert_summary_matches(corpus_project)
    lock = select(func.pg_advisory_xact_lock(coding_summary.REFRESH_LOCK))
    with corpus_project.engine.connect() as holder, corpus_project.engine.connect() as other:
        holder.execute(lock)  # a refresh in progress elsewhere
        other.execute(text("SET lock_timeout = '200ms'"))
        assert other.execute(text("SELECT qualcode_refresh_summary()")).scalar() == 0
        other.rollback()
        holder.rollback()
    apply_code(corpus_project, 2, "temporality.breaks", "anna")
    query = analysis.FrequencyQuery(codes=("temporality.breaks",))
    result = analysis.frequency(corpus_project, query)
    assert not corpus_project.read(coding_summary.is_stale)
    assert result.tables
    assert_summary_matches(corpus_project)
