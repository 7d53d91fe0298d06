"""Team mode's summary function applies a coding's change as the app's refresh does
(issue 17 item 6): after every kind of write, refreshed through `qualcode_refresh_summary()`
by a coder's login, the summary holds exactly the rows of the whole recount.

PostgreSQL only. Roles are cluster-wide, so every role name carries this module's suffix
and all of them are dropped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from qualcode.domain.imports import ImportSpec
from qualcode.domain.layer import MODEL_ROLE
from qualcode.services import (
    codebook_edit,
    codebooks,
    coding,
    corpus,
    importing,
    segmentation,
    team,
)
from qualcode.services.project import Project, open_project
from qualcode.store import codes as code_store
from qualcode.store import coding_summary
from qualcode.store import team as team_store
from qualcode.store.migrate import alembic_config, upgrade
from qualcode.store.models import Coding
from tests.conftest import TEST_DB_ENV, backend
from tests.teams.conftest import CODEBOOK, TRANSCRIPT

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="team mode is PostgreSQL's")

SUMMARY = (
    "SELECT 'c', layer, code_id, transcript_id, speaker_id, turns, words FROM coding_summary "
    "UNION ALL SELECT 't', 0, 0, transcript_id, speaker_id, turns, words FROM turn_summary"
)
SECOND = TRANSCRIPT.replace("lunch", "dinner") + "[00:01:10] Moderator: Thank you all.\n"


@dataclass
class Team:
    owner: Project
    kim: Project  # a coder's login
    sam: Project  # a supervisor's login
    name: dict[str, str]  # kim, sam -> login (and coder) name
    turns: list[int]  # the first transcript's turn ids, in order
    others: list[int]  # the second transcript's


@pytest.fixture(scope="module")
def team_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    server = os.environ[TEST_DB_ENV]
    suffix = uuid.uuid4().hex[:8]
    database = f"qc_test_tsum_{suffix}"
    groups = (f"qcs_{suffix}_coder", f"qcs_{suffix}_supervisor")
    name = {person: f"qcs_{suffix}_{person}" for person in ("kim", "sam")}
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    owner_url = make_url(server).set(database=database)
    owner = open_project(owner_url.render_as_string(hide_password=False))
    opened: list[Project] = [owner]
    try:
        codebooks.load_codebook_file(owner, CODEBOOK)
        folder = tmp_path_factory.mktemp("summary")
        for title, content in (("fg1.txt", TRANSCRIPT), ("fg2.txt", SECOND)):
            path = folder / title
            path.write_text(content, encoding="utf-8")
            importing.import_one(owner, ImportSpec(path=path, department="Ward"))
        team.set_up(owner, *groups)
        team.add_login(owner, name["kim"], "coder")
        team.add_login(owner, name["sam"], "supervisor")
        logins = {
            person: open_project(
                owner_url.set(username=login).render_as_string(hide_password=False)
            )
            for person, login in name.items()
        }
        opened.extend(logins.values())
        turns = owner.read(
            lambda s: [
                list(
                    s.scalars(
                        text("SELECT id FROM segment WHERE transcript_id = :t ORDER BY ordinal"),
                        {"t": transcript_id},
                    )
                )
                for transcript_id in s.scalars(text("SELECT id FROM transcript ORDER BY id"))
            ]
        )
        yield Team(owner, logins["kim"], logins["sam"], name, turns[0], turns[1])
    finally:
        for project in opened:
            project.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            for role in (*name.values(), groups[1], groups[0]):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def refresh_as_kim(team_db: Team) -> int:
    """Refresh through the definer function, as the coder's login (what `freq` does)."""
    return team_db.kim.write_rows(team_store.refresh_summary)


def assert_recount_agrees(team_db: Team) -> None:
    """Nothing is left marked, and the summary is what a whole recount makes of it."""
    with team_db.owner.unit() as session:
        assert session.scalar(text("SELECT count(*) FROM coding_summary_stale")) == 0
        refreshed = sorted(session.execute(text(SUMMARY)).all())
        every = session.scalars(
            text(
                "SELECT id FROM transcript UNION SELECT transcript_id FROM coding_summary "
                "UNION SELECT transcript_id FROM turn_summary"
            )
        ).all()
        coding_summary.recount(session, every)
        recounted = sorted(session.execute(text(SUMMARY)).all())
        session.rollback()
    assert refreshed == recounted


def code_as(project: Project, who: str, turn: int, key: str) -> None:
    coding.code_turn(project, turn, key, who)


def test_codings_and_uncodings_by_a_coder_login_match_the_recount(team_db: Team) -> None:
    kim, who = team_db.kim, team_db.name["kim"]
    first, second = team_db.turns, team_db.others
    code_as(kim, who, first[1], "temporality.breaks")
    code_as(kim, who, first[1], "temporality.reorganisation")  # same parent, one turn
    code_as(kim, who, second[2], "jobcrafting.workarounds")
    assert refresh_as_kim(team_db) == 2
    assert_recount_agrees(team_db)
    coding.remove_code(kim, first[1], "temporality.breaks", who)  # the parent still counts
    code_as(kim, who, first[3], "temporality.breaks")
    assert refresh_as_kim(team_db) == 1
    assert_recount_agrees(team_db)
    coding.apply_code(kim, first[2], "temporality.breaks", who, span=(3, 9), relative=True)
    coding.remove_code(kim, first[3], "temporality.breaks", who)
    code_as(kim, who, first[3], "temporality.breaks")  # went and came back: no change
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    assert refresh_as_kim(team_db) == 0


def test_a_codings_change_leaves_the_other_cells_alone(team_db: Team) -> None:
    """The function applies a coding's change to its own cells: a planted count in another
    cell of the same transcript survives it (a whole recount would replace it), and a
    change to the turns themselves recounts the transcript whole."""
    kim, who = team_db.kim, team_db.name["kim"]
    code_as(kim, who, team_db.turns[0], "jobcrafting.workarounds")
    refresh_as_kim(team_db)
    planted = (
        "UPDATE coding_summary SET words = words + 1000 WHERE transcript_id = "
        "(SELECT transcript_id FROM segment WHERE id = :turn) AND code_id = "
        "(SELECT id FROM code WHERE key = 'jobcrafting.workarounds')"
    )
    sentinel = "SELECT count(*) FROM coding_summary WHERE words >= 1000"
    team_db.owner.write(lambda s: s.execute(text(planted), {"turn": team_db.turns[0]}))
    planted_rows = team_db.owner.read(lambda s: s.scalar(text(sentinel)))
    assert planted_rows > 0
    code_as(kim, who, team_db.turns[2], "temporality.development")
    refresh_as_kim(team_db)
    assert team_db.owner.read(lambda s: s.scalar(text(sentinel))) == planted_rows
    segmentation.split_turn(team_db.sam, team_db.turns[3], _middle(team_db, team_db.turns[3]))
    refresh_as_kim(team_db)
    assert team_db.owner.read(lambda s: s.scalar(text(sentinel))) == 0
    assert_recount_agrees(team_db)
    _reload_turns(team_db)


# Marks that do not add up, written by hand as the owner: each sends its transcript to the
# whole recount (a coding that came but is not there, a coder or code that does not exist,
# a turn named under another transcript).
BAD_MARKS = {
    "a coding that came but is not there": ":t, :turn, :code, :kim, 1",
    "an unknown coder": ":t, :turn, :code, -99, -1",
    "an unknown code": ":t, :turn, -99, :kim, -1",
    "a turn of another transcript": ":other, :turn, :code, :kim, -1",
}


@pytest.mark.parametrize("values", BAD_MARKS.values(), ids=list(BAD_MARKS))
def test_marks_that_do_not_add_up_recount_the_transcript(team_db: Team, values: str) -> None:
    def plant(session: Session) -> dict[str, int]:
        found = {
            "turn": team_db.turns[0],
            "t": session.scalar(
                text("SELECT transcript_id FROM segment WHERE id = :s"), {"s": team_db.turns[0]}
            ),
            "code": session.scalar(text("SELECT id FROM code WHERE key = 'temporality'")),
            "kim": session.scalar(
                text("SELECT id FROM coder WHERE name = :n"), {"n": team_db.name["kim"]}
            ),
        }
        found["other"] = session.scalar(
            text("SELECT transcript_id FROM segment WHERE id = :s"), {"s": team_db.others[0]}
        )
        session.execute(
            text(
                "INSERT INTO coding_summary_stale (transcript_id, segment_id, code_id, "
                f"coder_id, change) VALUES ({values})"
            ),
            found,
        )
        planted = session.execute(
            text(
                "UPDATE coding_summary SET words = words + 1000 WHERE transcript_id = "
                "(SELECT transcript_id FROM coding_summary_stale)"
            )
        )
        assert planted.rowcount > 0
        return found

    team_db.owner.write(plant)
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    planted = "SELECT count(*) FROM coding_summary WHERE words >= 1000"
    assert team_db.owner.read(lambda s: s.scalar(text(planted))) == 0


def test_merges_moves_splits_joins_and_deletes_match_the_recount(team_db: Team) -> None:
    kim, sam, who = team_db.kim, team_db.sam, team_db.name["kim"]
    first = team_db.turns
    # an open code of kim's, merged by the supervisor into a code she used on one turn
    made = codebooks.create_open_code(kim, "Paper lists", who)
    code_as(kim, who, first[1], made.key)
    code_as(kim, who, first[2], made.key)
    code_as(kim, who, first[2], "jobcrafting.workarounds")
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    codebook_edit.merge_open_code(
        sam, made.key, "jobcrafting.workarounds", actor=team_db.name["sam"]
    )
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    # kim moves her own coding to another turn, and into another code, in plain SQL
    with team_db.kim.unit() as session:
        moved = session.execute(
            text(
                "UPDATE coding SET segment_id = :to WHERE segment_id = :at AND code_id = "
                "(SELECT id FROM code WHERE key = 'jobcrafting.workarounds')"
            ),
            {"to": first[3], "at": first[1]},
        )
        assert moved.rowcount == 1
        session.execute(
            text(
                "UPDATE coding SET code_id = (SELECT id FROM code WHERE key = "
                "'temporality.reorganisation') WHERE segment_id = :at AND code_id = "
                "(SELECT id FROM code WHERE key = 'jobcrafting.workarounds')"
            ),
            {"at": first[2]},
        )
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    # the supervisor splits a coded turn and joins it again
    coded = first[3]
    halves = segmentation.split_turn(sam, coded, _middle(team_db, coded)).segment_ids
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    segmentation.join_turns(sam, halves[0])
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    _reload_turns(team_db)
    # kim deletes a coding by id; the supervisor deletes a transcript
    with team_db.kim.unit() as session:
        mine = session.scalar(
            text("SELECT min(id) FROM coding WHERE coder_id = qualcode_my_coder()")
        )
    coding.delete_coding(kim, mine, who)
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    code_as(kim, who, team_db.others[0], "temporality.breaks")
    gone = team_db.owner.read(
        lambda s: s.scalar(
            text("SELECT transcript_id FROM segment WHERE id = :t"), {"t": team_db.others[0]}
        )
    )
    corpus.delete_transcript(sam, gone, actor=team_db.name["sam"])
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    left = "SELECT count(*) FROM turn_summary WHERE transcript_id = :t"
    assert team_db.owner.read(lambda s: s.scalar(text(left), {"t": gone})) == 0


def test_consensus_model_and_bulk_writes_match_the_recount(team_db: Team) -> None:
    """Every layer the function counts (a consensus coder, a model that counts only as
    itself), a change that would bring a count below zero, and a bulk write (more than
    `CELL_MARKS` codings: the whole recount) all end as the recount."""

    def more_layers(session: Session) -> None:
        consensus = code_store.ensure_coder(session, "consensus", consensus=True)
        model = code_store.ensure_coder(session, "model:test", role=MODEL_ROLE)
        code_id = session.scalar(text("SELECT id FROM code WHERE key = 'temporality.breaks'"))
        for coder_id in (consensus.id, model.id):
            session.add(Coding(coder_id=coder_id, code_id=code_id, segment_id=team_db.turns[1]))

    team_db.owner.write(more_layers)
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    assert team_db.owner.read(
        lambda s: s.scalar(
            text("SELECT count(*) FROM coding_summary WHERE layer = :c"),
            {"c": coding_summary.ANY_CONSENSUS},
        )
    )
    code_as(team_db.kim, team_db.name["kim"], team_db.turns[1], "temporality.reorganisation")
    refresh_as_kim(team_db)
    # a summary a crash left behind (a cell too low): the change cannot apply, so recount
    team_db.owner.write(
        lambda s: s.execute(text("DELETE FROM coding_summary WHERE layer = :c"), {"c": 0})
    )
    coding.remove_code(
        team_db.kim, team_db.turns[1], "temporality.reorganisation", team_db.name["kim"]
    )
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    # a bulk write: every code on every turn for kim, in one statement
    with team_db.kim.unit() as session:
        added = session.execute(
            text(
                "INSERT INTO coding (coder_id, code_id, segment_id, origin, created_at, "
                "updated_at) SELECT qualcode_my_coder(), c.id, s.id, 'manual', now(), now() "
                "FROM code AS c CROSS JOIN segment AS s WHERE NOT c.is_open "
                "ON CONFLICT DO NOTHING"
            )
        )
        assert added.rowcount > coding_summary.CELL_MARKS
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)


def test_the_upgrade_installs_the_change_path_and_the_downgrade_the_recount(
    team_db: Team,
) -> None:
    """Migration 0013 sets team mode up again (the function that applies changes); its
    downgrade puts back the whole recount, which reads no column of revision 0011."""
    from alembic import command

    body = "SELECT prosrc FROM pg_proc WHERE proname = 'qualcode_refresh_summary'"
    config = alembic_config()
    with team_db.owner.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    source = team_db.owner.read(lambda s: s.scalar(text(body)))
    assert "change" not in source
    code_as(team_db.kim, team_db.name["kim"], team_db.turns[0], "temporality.development")
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)
    upgrade(team_db.owner.engine)
    source = team_db.owner.read(lambda s: s.scalar(text(body)))
    assert "change" in source
    definer = "SELECT prosecdef FROM pg_proc WHERE proname = 'qualcode_refresh_summary'"
    assert team_db.owner.read(lambda s: s.scalar(text(definer)))
    coding.remove_code(
        team_db.kim, team_db.turns[0], "temporality.development", team_db.name["kim"]
    )
    refresh_as_kim(team_db)
    assert_recount_agrees(team_db)


def _middle(team_db: Team, turn: int) -> int:
    start, end = team_db.owner.read(
        lambda s: s.execute(
            text("SELECT start_char, end_char FROM segment WHERE id = :t"), {"t": turn}
        ).one()
    )
    return int((start + end) // 2)


def _reload_turns(team_db: Team) -> None:
    team_db.turns = team_db.owner.read(
        lambda s: list(
            s.scalars(
                text(
                    "SELECT id FROM segment WHERE transcript_id = "
                    "(SELECT min(id) FROM transcript) ORDER BY ordinal"
                )
            )
        )
    )
