"""The suggester's IDF from per-transcript counts kept in the database equals the IDF of the
whole corpus matched at once, through imports, deletes, splits, joins, language and codebook
changes; only the transcripts whose counts are missing or stale are matched again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.domain.corpus import MetadataUpdate
from qualcode.domain.imports import ImportSpec
from qualcode.services import codebooks, corpus, importing, metadata, segmentation, suggestions
from qualcode.services.codebooks import active_codebook
from qualcode.services.corpus_idf import language_idf
from qualcode.services.project import Project
from qualcode.services.suggestions import code_terms
from qualcode.store import codes as code_store
from qualcode.store import suggestions as segment_store
from qualcode.store.models import Suggestion
from qualcode.store.term_counts import term_df
from qualcode.suggest.matcher import CodebookMatcher, Idf
from qualcode.suggest.pipelines import pipeline
from qualcode.suggest.suggester import match_corpus

from .conftest import CODEBOOK

LINES = [
    "Moderator: Do you get a lunch break, or does the phone ring?",
    "Anne: We never get a proper lunch break. The phone rings all the time.",
    "Bo: I keep a paper list next to the system, a workaround for the shifts.",
    "Anne: Yes.",
    "Carl: Disturbed all day, no break, the phone again and again.",
    "Bo: We found our own solution when the system is down, a new routine.",
]


@pytest.fixture
def corpus_project(coded_project: Project, write_file) -> Project:
    """Transcript 1 (4 turns) and 2 (24 turns), both English."""
    importing.import_one(coded_project, ImportSpec(path=long_file(write_file, "long.txt", 4)))
    return coded_project


def long_file(write_file, name: str, repeats: int) -> Path:
    return write_file(name, "\n".join(LINES * repeats) + "\n")


def whole_corpus(project: Project, language: str = "en") -> tuple[int, dict[str, int]]:
    """Today's oracle: the whole corpus of the language matched at once."""

    def work(session) -> Idf:
        codes = code_terms(code_store.codes_of(session, active_codebook(session).id))
        rows = segment_store.segment_texts(session, language=language)
        return Idf.from_hits(match_corpus(language, codes, (row.text for row in rows)).hits)

    idf = project.read(work)
    return idf.n_docs, idf.df


def kept(project: Project, language: str = "en") -> tuple[tuple[int, dict[str, int]], set[int]]:
    """The IDF from the kept counts (stored afterwards), and the transcripts matched for it."""

    def work(session):
        codes = code_terms(code_store.codes_of(session, active_codebook(session).id))
        return language_idf(session, language, CodebookMatcher(pipeline(language), codes))

    idf, fresh = project.read(work)
    built = suggestions.read_suggester(project, language).idf
    assert (built.n_docs, built.df) == (idf.n_docs, idf.df)
    return (idf.n_docs, idf.df), {row.transcript_id for row in fresh}


def rows(project: Project) -> dict[int, int]:
    query = select(term_df.c.transcript_id, term_df.c.turns)
    return project.read(lambda session: dict(session.execute(query).all()))


def test_the_kept_counts_give_the_whole_corpus_idf_and_follow_every_change(
    corpus_project: Project, write_file
) -> None:
    project = corpus_project
    oracle = whole_corpus(project)
    assert oracle[0] == 28 and oracle[1]
    assert kept(project) == (oracle, {1, 2})  # cold: both matched, then kept
    assert rows(project) == {1: 4, 2: 24}
    assert kept(project) == (oracle, set())  # warm: nothing matched

    importing.import_one(project, ImportSpec(path=long_file(write_file, "more.txt", 2)))
    assert kept(project) == (whole_corpus(project), {3})

    turn = next(t for t in corpus.segments(project, 2) if "paper list" in t.text)
    edit = segmentation.split_turn(project, turn.id, turn.start_char + 30)
    assert kept(project) == (whole_corpus(project), {2})
    segmentation.join_turns(project, edit.segment_ids[0])
    assert kept(project) == (whole_corpus(project), {2})

    corpus.delete_transcript(project, 1)
    assert 1 not in rows(project)
    assert kept(project) == (whole_corpus(project), set())

    metadata.set_transcript_metadata(project, 3, MetadataUpdate(language="da"))
    assert kept(project) == (whole_corpus(project), set())
    assert kept(project, "da") == (whole_corpus(project, "da"), {3})


def test_a_codebook_with_new_terms_counts_every_transcript_again(
    corpus_project: Project, write_file
) -> None:
    project = corpus_project
    kept(project)
    text = CODEBOOK.read_text(encoding="utf-8")
    assert "      en: [take on," in text
    text = text.replace("      en: [take on,", "      en: [again and again, take on,")
    changed = write_file("book.yaml", text)
    codebooks.load_codebook_file(project, changed)
    oracle = whole_corpus(project)
    assert oracle[1]["again and again"] > 0
    assert kept(project) == (oracle, {1, 2})
    assert kept(project) == (oracle, set())


def test_a_codebook_change_that_adds_no_pattern_keeps_the_counts(
    corpus_project: Project, write_file
) -> None:
    """ "phone" is a term already: another code with it changes no frequency."""
    project = corpus_project
    kept(project)
    text = CODEBOOK.read_text(encoding="utf-8")
    changed = write_file(
        "book.yaml", text.replace("      en: [take on,", "      en: [phone, take on,")
    )
    codebooks.load_codebook_file(project, changed)
    assert kept(project) == (whole_corpus(project), set())


def test_suggest_keeps_the_counts_and_ranks_as_before(corpus_project: Project) -> None:
    project = corpus_project
    suggestions.suggest_transcripts(project, "anna")
    assert rows(project) == {1: 4, 2: 24}
    first = project.read(lambda session: _pending(session))
    project.write(lambda session: session.execute(term_df.delete()))
    suggestions.suggest_transcripts(project, "anna")
    assert project.read(lambda session: _pending(session)) == first


def _pending(session) -> list[tuple[int, int, float, str]]:
    query = select(Suggestion.segment_id, Suggestion.code_id, Suggestion.score, Suggestion.reason)
    return sorted(session.execute(query).all())
