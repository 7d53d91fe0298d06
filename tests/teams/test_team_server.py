"""Team mode on PostgreSQL: after `qualcode team setup` a coder's own login cannot, in
plain SQL, do what the app forbids them (issue 16), while everything the app lets a coder
do still works through the services as that login, caches included.

PostgreSQL only. Roles are cluster-wide, so every role name carries this module's suffix
and all of them are dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from qualcode.domain.imports import ImportSpec
from qualcode.domain.layer import MODEL_ROLE, Layer
from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.services import (
    analysis,
    backup,
    codebooks,
    coding,
    done,
    exchange,
    importing,
    memos,
    quotes,
    roles,
    segmentation,
    suggestions,
    team,
)
from qualcode.services.analysis import FrequencyQuery
from qualcode.services.project import Project, open_project
from qualcode.services.quotes import SearchQuery
from qualcode.store import codes as code_store
from qualcode.store import coding_summary
from qualcode.store.migrate import alembic_config, upgrade
from qualcode.store.models import Coding, Memo, Suggestion
from qualcode.store.term_counts import term_df
from tests.conftest import TEST_DB_ENV, backend
from tests.teams.conftest import CODEBOOK, TRANSCRIPT

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="team mode is PostgreSQL's")

REFUSED = "42501"  # insufficient_privilege, also raised by a row-level security policy


@dataclass
class Team:
    owner: Project
    url: dict[str, str]  # login name -> URL
    name: dict[str, str]  # kim, anna, sam -> login (and coder) name
    ids: dict[str, int]  # kim, anna, sam -> coder id


@pytest.fixture(scope="module")
def team_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    server = os.environ[TEST_DB_ENV]
    suffix = uuid.uuid4().hex[:8]
    database = f"qc_test_team_{suffix}"
    groups = (f"qct_{suffix}_coder", f"qct_{suffix}_supervisor")
    name = {person: f"qct_{suffix}_{person}" for person in ("kim", "anna", "sam")}
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    owner_url = make_url(server).set(database=database)
    owner = open_project(owner_url.render_as_string(hide_password=False))
    try:
        codebooks.load_codebook_file(owner, CODEBOOK)
        path = tmp_path_factory.mktemp("team") / "fg.txt"
        path.write_text(TRANSCRIPT, encoding="utf-8")
        importing.import_one(owner, ImportSpec(path=path, department="Ward", group_kind="staff"))
        team.set_up(owner, *groups)
        for person, login in name.items():
            team.add_login(owner, login, "supervisor" if person == "sam" else "coder")
        ids = owner.read(
            lambda s: {p: code_store.coder_by_name(s, login).id for p, login in name.items()}
        )
        urls = {
            person: owner_url.set(username=login).render_as_string(hide_password=False)
            for person, login in name.items()
        }
        yield Team(owner, urls, name, ids)
    finally:
        owner.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            for role in (*name.values(), f"qct_{suffix}_nobody", groups[1], groups[0]):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.fixture(scope="module")
def seeded(team_db: Team) -> Team:
    """Anna's and sam's codings, anna's memo and suggestion, one coding of kim's."""
    as_anna = open_project(team_db.url["anna"])
    as_sam = open_project(team_db.url["sam"])
    as_kim = open_project(team_db.url["kim"])
    try:
        coding.code_turn(as_anna, 2, "temporality.breaks", team_db.name["anna"])
        memos.add_memo(as_anna, "anna's memo", team_db.name["anna"], segment_id=2)
        coding.code_turn(as_sam, 3, "jobcrafting.workarounds", team_db.name["sam"])
        coding.code_turn(as_kim, 4, "temporality.reorganisation", team_db.name["kim"])
    finally:
        for opened in (as_anna, as_sam, as_kim):
            opened.close()

    def suggestion(session) -> None:  # the owner stores one, as `suggest` would for anna
        code_id = session.scalar(text("SELECT id FROM code WHERE key = 'temporality'"))
        session.add(
            Suggestion(
                segment_id=2,
                code_id=code_id,
                coder_id=team_db.ids["anna"],
                score=0.9,
                model_version="test",
            )
        )

    team_db.owner.write(suggestion)
    return team_db


# Each statement a coder's login must not get through: refused outright, or (a policy that
# hides other coders' rows from UPDATE and DELETE) affecting no row at all.
FORBIDDEN = {
    "delete another coder's codings": "DELETE FROM coding WHERE coder_id = :anna",
    "move another's codings into her layer": (
        "UPDATE coding SET coder_id = :kim WHERE coder_id = :anna"
    ),
    "move her coding into another layer": (
        "UPDATE coding SET coder_id = :anna WHERE coder_id = :kim"
    ),
    "insert into a supervisor's layer": (
        "INSERT INTO coding (coder_id, code_id, segment_id, origin, created_at, updated_at) "
        "VALUES (:sam, (SELECT id FROM code WHERE key = 'temporality'), 1, 'manual', now(), now())"
    ),
    "insert an adjudicated coding": (
        "INSERT INTO coding (coder_id, code_id, segment_id, origin, created_at, updated_at) "
        "VALUES (:kim, (SELECT id FROM code WHERE key = 'temporality'), 1, 'adjudicated', "
        "now(), now())"
    ),
    "mark her coding adjudicated": "UPDATE coding SET origin = 'adjudicated' WHERE coder_id = :kim",
    "insert a code that is not open": (
        "INSERT INTO code (codebook_id, key, name, definition, include, exclude, examples, "
        "terms, color, is_open, retired, sort_order, color_given) SELECT codebook_id, 'hack', "
        "'Hack', '', '[]', '[]', '[]', '{}', '#888888', false, false, 0, true FROM code LIMIT 1"
    ),
    "rename a code": "UPDATE code SET key = 'hacked' WHERE key = 'temporality'",
    "delete a transcript": "DELETE FROM transcript",
    "change a transcript": "UPDATE transcript SET department = 'Elsewhere'",
    "stretch a turn (tiling)": "UPDATE segment SET end_char = end_char + 5 WHERE ordinal = 1",
    "delete a turn (tiling)": "DELETE FROM segment WHERE ordinal = 3",
    "insert an overlapping turn (tiling)": (
        "INSERT INTO segment (transcript_id, ordinal, start_char, end_char, word_count) "
        "SELECT transcript_id, 99, 0, 5, 1 FROM segment LIMIT 1"
    ),
    "insert a transcript (an import)": (
        "INSERT INTO transcript (title, source_name, sha256, text, language, attributes, "
        "imported_at) VALUES ('x', 'x.txt', repeat('0', 64), 'x', 'en', '{}', now())"
    ),
    "insert a speaker": (
        "INSERT INTO speaker (transcript_id, label) SELECT id, 'Eve' FROM transcript"
    ),
    "insert a turn that overlaps none (tiling)": (
        "INSERT INTO segment (transcript_id, ordinal, start_char, end_char, word_count) "
        "SELECT transcript_id, 99, 100000, 100005, 1 FROM segment LIMIT 1"
    ),
    "change a transcript's variables": "UPDATE transcript SET attributes = '{}'",
    "delete a speaker": "DELETE FROM speaker",
    "delete another coder's memos": "DELETE FROM memo WHERE coder_id = :anna",
    "rewrite another coder's memos": "UPDATE memo SET text = 'x' WHERE coder_id = :anna",
    "delete another coder's suggestions": "DELETE FROM suggestion WHERE coder_id = :anna",
    "wipe the search index": "DELETE FROM segment_search",
    "falsify the coding summary": "UPDATE coding_summary SET turns = turns + 500",
    "insert into the coding summary": (
        "INSERT INTO coding_summary (layer, code_id, transcript_id, speaker_id, turns, words) "
        "SELECT 0, id, 1, NULL, 500, 500 FROM code LIMIT 1"
    ),
    "falsify the turn summary": "UPDATE turn_summary SET turns = 0",
    "falsify the kept document frequencies": "UPDATE transcript_term_df SET turns = 0",
    "clear the summary marks": "DELETE FROM coding_summary_stale",
    "add a coder": "INSERT INTO coder (name, role, is_consensus) VALUES ('evil', 'coder', false)",
    "promote herself": "UPDATE coder SET role = 'supervisor' WHERE id = :kim",
    "switch settings": "UPDATE setting SET value = '{}'",
    "write an adjudication": (
        "INSERT INTO adjudication (segment_id, decision, applied, replaced, created_at) "
        "VALUES (1, 'both', '[]', '[]', now())"
    ),
}


def _rows_changed_by_the_owner(seeded: Team, statement: str) -> int:
    """How many rows `statement` changes as the table owner (rolled back)."""
    with seeded.owner.engine.connect() as connection:
        try:
            return connection.execute(text(statement), seeded.ids).rowcount
        finally:
            connection.rollback()


@pytest.mark.parametrize("statement", FORBIDDEN.values(), ids=list(FORBIDDEN))
def test_a_coder_login_cannot(seeded: Team, statement: str) -> None:
    engine = create_engine(seeded.url["kim"])
    try:
        with engine.connect() as connection:
            try:
                result = connection.execute(text(statement), seeded.ids)
            except DBAPIError as error:
                assert getattr(error.orig, "sqlstate", None) == REFUSED, error
            else:
                assert result.rowcount == 0, f"{result.rowcount} rows changed"
                # Hidden by a policy, not missing: the same statement changes rows as the
                # owner, so "no row changed" is the server refusing, not an empty table.
                assert _rows_changed_by_the_owner(seeded, statement) > 0
            connection.rollback()
    finally:
        engine.dispose()


def test_the_coded_turn_summary_cannot_be_falsified_and_freq_stays_true(seeded: Team) -> None:
    kim = open_project(seeded.url["kim"])
    try:
        with pytest.raises(PermissionDenied, match="refused user .* to change the coded-turn"):
            kim.write(lambda s: s.execute(text("UPDATE coding_summary SET turns = turns + 500")))
        table = analysis.frequency(kim, FrequencyQuery()).tables[0]
        counts = {row[0]: row[-1] for row in table.rows}
        assert counts["temporality"] == 2  # anna's turn 2 and kim's turn 4, rolled up
        assert counts["jobcrafting.workarounds"] == 1
    finally:
        kim.close()


def test_a_coder_login_does_what_the_app_allows(seeded: Team) -> None:
    kim = open_project(seeded.url["kim"])
    me = seeded.name["kim"]
    try:
        coding.code_turn(kim, 2, "temporality.interruptions", me)
        memo = memos.add_memo(kim, "phones", me, segment_id=2)
        opened = codebooks.create_open_code(kim, "IT system", me)
        coding.code_turn(kim, 3, opened.key, me)
        done.mark_done(kim, 1, me)
        table = analysis.frequency(kim, FrequencyQuery(layer=Layer.coder(me))).tables[0]
        counts = {row[0]: row[-1] for row in table.rows}
        assert counts["temporality"] == 2  # turns 2 and 4, counted through the owner's function
        assert counts[opened.key] == 1
        removed = coding.remove_code(kim, 2, "temporality.interruptions", me)
        assert len(removed) == 1
        after = analysis.frequency(kim, FrequencyQuery(layer=Layer.coder(me))).tables[0]
        assert {row[0]: row[-1] for row in after.rows}["temporality.interruptions"] == 0
        found = quotes.search(kim, SearchQuery("lunch")).quotes
        assert [quote.segment_id for quote in found] == [2]
        assert memo.text == "phones"
    finally:
        kim.close()


def test_a_coder_login_reads_the_kept_idf_counts_and_counts_in_memory_without(
    seeded: Team,
) -> None:
    """Only a supervisor's login keeps the suggester's document frequencies; a coder's reads
    them, or counts them in memory as before when there are none, in a read or a write."""
    seeded.owner.write(lambda session: session.execute(term_df.delete()))
    kept = select(func.count()).select_from(term_df)
    kim, sam = open_project(seeded.url["kim"]), open_project(seeded.url["sam"])
    try:
        counted = suggestions.read_suggester(kim, "en").idf
        in_write = kim.write(lambda session: suggestions.project_suggester(session, "en").idf)
        assert seeded.owner.read(lambda session: session.scalar(kept)) == 0
        assert suggestions.read_suggester(sam, "en").idf.df == counted.df
        assert seeded.owner.read(lambda session: session.scalar(kept)) == 1
        again = suggestions.read_suggester(kim, "en").idf
        values = {(idf.n_docs, repr(sorted(idf.df.items()))) for idf in (counted, in_write, again)}
        assert len(values) == 1
        assert counted.n_docs == 4 and counted.df
    finally:
        kim.close()
        sam.close()


def test_removing_another_coders_coding_says_it_is_not_hers(seeded: Team) -> None:
    kim = open_project(seeded.url["kim"])
    try:
        with pytest.raises(PermissionDenied, match="not yours to remove"):
            coding.remove_code(kim, 2, "temporality.breaks", seeded.name["anna"])
    finally:
        kim.close()
    assert seeded.owner.read(
        lambda s: s.scalar(select(Coding.id).where(Coding.coder_id == seeded.ids["anna"]))
    )
    assert seeded.owner.read(
        lambda s: s.scalar(select(Memo.id).where(Memo.coder_id == seeded.ids["anna"]))
    )


def test_coder_option_cannot_name_someone_else(seeded: Team, monkeypatch) -> None:
    from qualcode.cli import app, common

    monkeypatch.setenv("QUALCODE_DB", seeded.url["kim"])
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setattr(common.err_console, "width", 300)
    runner = CliRunner()
    refused = runner.invoke(app, ["code", "T1:2", "temporality", "--coder", seeded.name["sam"]])
    assert refused.exit_code == 1
    assert f"you are '{seeded.name['kim']}'" in refused.output
    assert "cannot name" in refused.output
    assert "Traceback" not in refused.output
    own = runner.invoke(app, ["code", "T1:1", "temporality.rhythm"])  # no --coder: the login
    assert own.exit_code == 0, own.output
    assert f"({seeded.name['kim']})" in own.output
    # freq's --coder picks a layer to read, not who you are: reading anna's is allowed
    layer = runner.invoke(app, ["freq", "--coder", seeded.name["anna"], "--format", "csv"])
    assert layer.exit_code == 0, layer.output
    assert "temporality.breaks,Breaks and restitution,1" in layer.output


def test_supervisors_are_the_servers_supervisor_role(seeded: Team) -> None:
    kim_id = seeded.ids["kim"]
    sam = open_project(seeded.url["sam"])
    try:
        removed = coding.remove_code(
            sam, 4, "temporality.reorganisation", seeded.name["kim"], actor=seeded.name["sam"]
        )
        assert len(removed) == 1
        coding.code_turn(sam, 4, "temporality.reorganisation", seeded.name["kim"])
        with pytest.raises(QualcodeError, match="a role is the login's group role"):
            roles.set_role(sam, seeded.name["kim"], "supervisor", actor=seeded.name["sam"])
    finally:
        sam.close()
    # the coder table saying "supervisor" does not make kim's login one
    promote = "UPDATE coder SET role = :role WHERE id = :id"
    seeded.owner.write(lambda s: s.execute(text(promote), {"role": "supervisor", "id": kim_id}))
    kim = open_project(seeded.url["kim"])
    try:
        with pytest.raises(PermissionDenied, match="Only a supervisor may load a codebook"):
            codebooks.load_codebook_file(kim, CODEBOOK, actor=seeded.name["kim"])
    finally:
        kim.close()
        seeded.owner.write(lambda s: s.execute(text(promote), {"role": "coder", "id": kim_id}))


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs the PostgreSQL client tools")
def test_a_coder_login_backs_up_the_whole_project(seeded: Team, tmp_path: Path) -> None:
    kim = open_project(seeded.url["kim"])
    try:
        made = backup.backup(kim, tmp_path / "kim.bak")
    finally:
        kim.close()
    assert made.size > 0


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs the PostgreSQL client tools")
def test_a_backup_the_server_refuses_says_it_is_a_matter_of_rights(
    seeded: Team, tmp_path: Path
) -> None:
    nobody = seeded.name["kim"].replace("_kim", "_nobody")
    url = make_url(seeded.url["kim"]).set(username=nobody)
    with seeded.owner.engine.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{nobody}" LOGIN'))
        connection.commit()
    with pytest.raises(PermissionDenied, match=f"refused user '{nobody}' access"):
        open_project(url.render_as_string(hide_password=False))
    with seeded.owner.engine.connect() as connection:  # enough to open, not to dump
        connection.execute(text(f'GRANT USAGE ON SCHEMA public TO "{nobody}"'))
        connection.execute(text(f'GRANT SELECT ON alembic_version TO "{nobody}"'))
        connection.commit()
    opened = open_project(url.render_as_string(hide_password=False))
    try:
        with pytest.raises(PermissionDenied) as caught:
            backup.backup(opened, tmp_path / "nobody.bak")
    finally:
        opened.close()
    message = str(caught.value)
    assert f"refused user '{nobody}'" in message
    assert "permission denied" in message
    assert "ask the project's owner" in message
    assert "client version" not in message
    assert not (tmp_path / "nobody.bak").exists()


def test_a_coder_login_imports_a_qdpx_into_her_own_layer_only(seeded: Team, tmp_path: Path) -> None:
    """As in the app: her own codings from a file come in; a file with a supervisor's
    codings is refused in one sentence and stores nothing."""
    files = {}
    for person, turn in (("kim", 1), ("sam", 4)):
        solo = open_project(f"sqlite:///{tmp_path / (person + '.db')}")
        try:
            codebooks.load_codebook_file(solo, CODEBOOK)
            path = tmp_path / "fg.txt"
            path.write_text(TRANSCRIPT, encoding="utf-8")
            importing.import_one(solo, ImportSpec(path=path, department="Ward"))
            coding.code_turn(solo, turn, "jobcrafting.task", seeded.name[person])
            files[person] = tmp_path / f"{person}.qdpx"
            exchange.export_project_qdpx(solo, files[person])
        finally:
            solo.close()
    kim = open_project(seeded.url["kim"])
    me = seeded.name["kim"]
    try:
        done_import = exchange.import_qdpx(kim, files["kim"], me, actor=me)
        assert done_import.codings_added == 1
        with pytest.raises(PermissionDenied, match="codings"):
            exchange.import_qdpx(kim, files["sam"], me, actor=me)
    finally:
        kim.close()
    assert not seeded.owner.read(
        lambda s: s.scalar(
            select(Coding.id).where(Coding.coder_id == seeded.ids["sam"], Coding.segment_id == 4)
        )
    )


def test_an_upgrade_sets_team_mode_up_again(seeded: Team) -> None:
    """Migration 0009 replaces a trigger function (SECURITY INVOKER again); without the
    set-up after migrating, a coder's next coding would be refused its summary mark."""
    from alembic import command

    config = alembic_config()
    with seeded.owner.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with pytest.raises(PermissionDenied, match="needs a schema upgrade .* only the owner"):
        open_project(seeded.url["kim"])  # a coder's login cannot migrate
    upgrade(seeded.owner.engine)
    definer = "SELECT prosecdef FROM pg_proc WHERE proname = 'coding_summary_mark'"
    assert seeded.owner.read(lambda s: s.scalar(text(definer)))
    kim = open_project(seeded.url["kim"])
    try:
        coding.code_turn(kim, 1, "temporality.development", seeded.name["kim"])
        coding.remove_code(kim, 1, "temporality.development", seeded.name["kim"])
    finally:
        kim.close()


def test_the_sql_summary_matches_the_python_one(seeded: Team) -> None:
    """The definer function counts every layer as `coding_summary.refresh` does (a
    consensus coder and a model layer included)."""

    def extra_layers(session) -> None:
        consensus = code_store.ensure_coder(session, "consensus", consensus=True)
        model = code_store.ensure_coder(session, "model:test", role=MODEL_ROLE)
        code_id = session.scalar(text("SELECT id FROM code WHERE key = 'temporality.breaks'"))
        for coder_id in (consensus.id, model.id):
            session.add(Coding(coder_id=coder_id, code_id=code_id, segment_id=2))

    seeded.owner.write(extra_layers)

    def counted(by_function: bool) -> list[tuple]:
        with seeded.owner.unit() as session:
            session.execute(
                text("INSERT INTO coding_summary_stale (transcript_id) SELECT id FROM transcript")
            )
            if by_function:
                session.execute(text("SELECT qualcode_refresh_summary()"))
            else:
                coding_summary.refresh(session)
            rows = sorted(
                session.execute(
                    text(
                        "SELECT 'c', layer, code_id, transcript_id, speaker_id, turns, "
                        "words FROM coding_summary UNION ALL SELECT 't', 0, 0, transcript_id, "
                        "speaker_id, turns, words FROM turn_summary"
                    )
                ).all()
            )
            session.rollback()
        return rows

    python, sql = counted(False), counted(True)
    assert python == sql
    assert any(row[1] == coding_summary.ANY_CONSENSUS for row in sql)


ONLY_SUPERVISORS = "Only a supervisor can {} in team mode"


def test_importing_transcripts_and_changing_turns_are_a_supervisors(
    seeded: Team, tmp_path: Path
) -> None:
    """The service refuses a coder's login in one sentence before the server would; a
    supervisor's login imports, splits and joins."""
    path = tmp_path / "fg2.txt"
    path.write_text(TRANSCRIPT.replace("lunch", "dinner"), encoding="utf-8")
    transcripts = "SELECT count(*) FROM transcript"
    before = seeded.owner.read(lambda s: s.scalar(text(transcripts)))
    kim = open_project(seeded.url["kim"])
    try:
        for attempt in (
            lambda: importing.import_one(kim, ImportSpec(path=path)),
            lambda: importing.import_files(kim, [ImportSpec(path=path)], keep_going=True),
        ):
            with pytest.raises(PermissionDenied) as caught:
                attempt()
            message = str(caught.value)
            assert message.startswith(ONLY_SUPERVISORS.format("import transcripts") + "; ask")
            assert "--role supervisor" in message
        for edit in (
            lambda: segmentation.split_turn(kim, 2, 60),
            lambda: segmentation.join_turns(kim, 2),
        ):
            with pytest.raises(
                PermissionDenied, match=ONLY_SUPERVISORS.format("split or join turns")
            ):
                edit()
    finally:
        kim.close()
    assert seeded.owner.read(lambda s: s.scalar(text(transcripts))) == before
    sam = open_project(seeded.url["sam"])
    try:
        made = importing.import_one(sam, ImportSpec(path=path, department="Ward"))
        assert made.status == "imported"
        first = sam.read(
            lambda s: s.execute(
                text(
                    "SELECT id, start_char, end_char FROM segment WHERE transcript_id = :t "
                    "ORDER BY ordinal LIMIT 1"
                ),
                {"t": made.transcript_id},
            ).one()
        )
        halves = segmentation.split_turn(sam, first.id, first.start_char + 10).segment_ids
        assert len(halves) == 2
        assert segmentation.join_turns(sam, halves[0]).segment_ids == (halves[0],)
    finally:
        sam.close()


def test_a_coder_login_cannot_import_a_qdpx_that_adds_a_transcript(
    seeded: Team, tmp_path: Path
) -> None:
    solo = open_project(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        codebooks.load_codebook_file(solo, CODEBOOK)
        path = tmp_path / "fg3.txt"
        path.write_text(TRANSCRIPT.replace("rota", "roster"), encoding="utf-8")
        importing.import_one(solo, ImportSpec(path=path, department="Ward"))
        coding.code_turn(solo, 1, "jobcrafting.task", seeded.name["kim"])
        exported = tmp_path / "fg3.qdpx"
        exchange.export_project_qdpx(solo, exported)
    finally:
        solo.close()
    counted = "SELECT (SELECT count(*) FROM transcript), (SELECT count(*) FROM coding)"
    before = seeded.owner.read(lambda s: tuple(s.execute(text(counted)).one()))
    kim = open_project(seeded.url["kim"])
    me = seeded.name["kim"]
    try:
        with pytest.raises(PermissionDenied) as caught:
            exchange.import_qdpx(kim, exported, me, actor=me)
    finally:
        kim.close()
    message = str(caught.value)
    assert message.startswith(
        ONLY_SUPERVISORS.format("import transcripts") + " (fg3.qdpx holds source 'fg3'"
    ), message
    assert "which is not in the project); ask a supervisor" in message
    assert seeded.owner.read(lambda s: tuple(s.execute(text(counted)).one())) == before


def test_the_cli_refuses_a_coder_logins_import_in_one_sentence(
    seeded: Team, tmp_path: Path, monkeypatch
) -> None:
    from qualcode.cli import app, common

    path = tmp_path / "fg4.txt"
    path.write_text(TRANSCRIPT.replace("system", "computer"), encoding="utf-8")
    monkeypatch.setenv("QUALCODE_DB", seeded.url["kim"])
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setattr(common.err_console, "width", 400)
    result = CliRunner().invoke(app, ["import", str(path), "--department", "Ward"])
    assert result.exit_code == 1
    assert (
        "Only a supervisor can import transcripts in team mode; ask a supervisor" in result.output
    )
    assert "Traceback" not in result.output
    assert "permission denied" not in result.output


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether a stored SCRAM-SHA-256 verifier was made from `password` (RFC 5802/7677:
    StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword,
    "Server Key")): what the server checks when the login signs in with that password."""
    import base64
    import hashlib
    import hmac

    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = keys.split(":")
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client = hmac.new(salted, b"Client Key", "sha256").digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()
    return (
        method == "SCRAM-SHA-256"
        and base64.b64encode(hashlib.sha256(client).digest()).decode() == stored_key
        and base64.b64encode(server).decode() == server_key
    )


def test_add_login_with_a_password_stores_only_its_verifier(
    seeded: Team, monkeypatch, caplog
) -> None:
    """The dev and CI servers trust loopback, so signing in proves nothing: instead the
    stored verifier (pg_authid, readable by a superuser) must be the password's, the
    statements sent must not hold the password, and nothing printed may."""
    from qualcode.cli import app, common
    from qualcode.store import team as team_store

    with seeded.owner.engine.connect() as connection:
        if not connection.scalar(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ):
            pytest.skip("reading pg_authid needs a superuser")
    login = seeded.name["kim"].replace("_kim", "_pat")
    sent: list[str] = []
    real = team_store._execute
    monkeypatch.setattr(
        team_store,
        "_execute",
        lambda session, statements: (sent.extend(statements), real(session, statements)),
    )
    monkeypatch.setenv("QUALCODE_DB", seeded.owner.engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(common.console, "width", 300)
    secret, second = "s3cret-Ünïcode pass", "an0ther-one"
    try:
        for password in (secret, second):  # the second replaces the first
            result = CliRunner().invoke(
                app, ["team", "add-login", login, "--password"], input=f"{password}\n{password}\n"
            )
            assert result.exit_code == 0, result.output
            assert password not in result.output
            assert f"Login {login} acts as {login}, a coder." in result.output
            stored = seeded.owner.read(
                lambda s: s.scalar(
                    text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": login}
                )
            )
            assert stored is not None and _scram_matches(stored, password)
            assert not _scram_matches(stored, "wrong")
        assert sent and not any(secret in s or second in s for s in sent)
        assert secret not in caplog.text and second not in caplog.text
    finally:
        with seeded.owner.engine.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
            connection.commit()
