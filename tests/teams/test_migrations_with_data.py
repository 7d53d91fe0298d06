"""Migrations keep data: fill the first revision's schema, upgrade to head, downgrade again."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, func, select

from qualcode.services import codebooks, corpus
from qualcode.services.project import open_project
from qualcode.store.engine import make_engine
from qualcode.store.migrate import alembic_config, current_revision, downgrade, head_revision
from qualcode.store.migrate import upgrade as migrate

TEXT = "Anne: We never get a break.\nBo: The phone rings all the time."
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def fill_first_revision(engine) -> dict[str, int]:
    """Rows in every table the first revision has, written with its own (reflected) schema."""
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    rows = {
        "transcript": [
            {"id": 1, "title": "fg", "source_name": "fg.txt", "sha256": "a" * 64,
             "text": TEXT, "language": "en", "department": "Ward", "attributes": {"words": 12},
             "imported_at": NOW}
        ],
        "speaker": [
            {"id": 1, "transcript_id": 1, "label": "Anne", "role": "nurse"},
            {"id": 2, "transcript_id": 1, "label": "Bo", "role": None},
        ],
        "segment": [
            {"id": 1, "transcript_id": 1, "speaker_id": 1, "ordinal": 0, "start_char": 0,
             "end_char": 28, "word_count": 5},
            {"id": 2, "transcript_id": 1, "speaker_id": 2, "ordinal": 1, "start_char": 28,
             "end_char": len(TEXT), "word_count": 7},
        ],
        "codebook": [{"id": 1, "name": "cb", "title": "CB", "version": 1, "content_hash": "h",
                      "favourites": [], "loaded_at": NOW}],
        "coder": [{"id": 1, "name": "kim", "role": "supervisor", "is_consensus": False}],
        "code": [
            {"id": 1, "codebook_id": 1, "key": "temporality", "name": "Temporality",
             "parent_id": None, "definition": "", "include": [], "exclude": [],
             "examples": [], "terms": {}, "color": "#111111", "is_open": False,
             "retired": False, "sort_order": 0},
            {"id": 2, "codebook_id": 1, "key": "temporality.breaks", "name": "Breaks",
             "parent_id": 1, "definition": "", "include": [], "exclude": [], "examples": [],
             "terms": {}, "color": "#222222", "is_open": False, "retired": False,
             "sort_order": 1},
        ],
        "coding": [
            {"id": 1, "coder_id": 1, "code_id": 2, "segment_id": 1, "start_char": None,
             "end_char": None, "origin": "manual", "created_at": NOW, "updated_at": NOW},
            {"id": 2, "coder_id": 1, "code_id": 2, "segment_id": 2, "start_char": 32,
             "end_char": 37, "origin": "manual", "created_at": NOW, "updated_at": NOW},
        ],
        "memo": [{"id": 1, "target": "segment", "transcript_id": 1, "segment_id": 1,
                  "coder_id": 1, "text": "Breaks!", "created_at": NOW, "updated_at": NOW}],
        "setting": [{"key": "active_codebook", "value": {"name": "cb"}}],
    }  # fmt: skip
    with engine.begin() as connection:  # each table's rows share one set of columns
        for name, values in rows.items():
            connection.execute(t[name].insert(), values)
    return {name: len(values) for name, values in rows.items()}


def counts(engine, names) -> dict[str, int]:
    tables = MetaData()
    tables.reflect(engine, only=list(names))
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(tables.tables[name]))
            for name in names
        }


def test_data_survives_upgrade_to_head_and_downgrade(database_url: str) -> None:
    first = ScriptDirectory.from_config(alembic_config()).get_base()
    assert first is not None
    engine = make_engine(database_url)
    migrate(engine, first)
    written = fill_first_revision(engine)

    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert counts(engine, written) == written
    project = open_project(database_url)
    try:
        turns = corpus.segments(project, 1)
        assert [turn.text for turn in turns] == TEXT.split("\n")
        assert [(c.code_key, c.start_char) for t in turns for c in t.codings] == [
            ("temporality.breaks", None),
            ("temporality.breaks", 32),
        ]
        assert [c.parent_key for c in codebooks.codebook_info(project).codes] == [
            None,
            "temporality",
        ]
    finally:
        project.close()

    downgrade(engine, first)
    assert current_revision(engine) == first
    assert counts(engine, written) == written
    downgrade(engine, "base")
    assert current_revision(engine) is None
    engine.dispose()
