"""The IDF of a language's corpus from document frequencies kept per transcript.

Matching the whole corpus for its IDF took seconds at tens of thousands of turns, once per
session. The counts are kept in the database (`store.term_counts`) with a fingerprint of what
they were counted from; only transcripts whose counts are missing or stale (imported, split,
joined, another language, other codebook patterns or pipeline) are matched, and the IDF is
the sum, equal to `Idf.from_hits` over the whole corpus.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.store import term_counts as store
from qualcode.store.term_counts import KeptCounts
from qualcode.suggest.doc_frequency import TermCounts, corpus_idf, count_terms, fingerprint
from qualcode.suggest.matcher import CodebookMatcher, Idf
from qualcode.suggest.reference import reference_specificity


def language_idf(
    session: Session, language: str, matcher: CodebookMatcher
) -> tuple[Idf, list[KeptCounts]]:
    """The IDF of the language's turns for `matcher`, and the counts that had to be made
    (for `store.keep_counts`, in a write)."""
    signature = matcher.signature()
    offsets = store.turn_offsets(session, language)
    kept = store.kept_counts(session, language)
    parts: list[TermCounts] = []
    stale: dict[int, str] = {}
    for transcript_id, turns in offsets.items():
        made_from = fingerprint(signature, language, turns)
        row = kept.get(transcript_id)
        if row is not None and row.fingerprint == made_from:
            parts.append(TermCounts(row.turns, row.df))
        else:
            stale[transcript_id] = made_from
    fresh: list[KeptCounts] = []
    texts = store.transcript_texts(session, stale) if stale else {}
    for transcript_id, text in texts.items():
        hits, _ = matcher.match(text[start:end].strip() for start, end in offsets[transcript_id])
        counts = count_terms(hits)
        parts.append(counts)
        fresh.append(KeptCounts(transcript_id, stale[transcript_id], counts.turns, counts.df))
    return corpus_idf(parts, reference_specificity(language)), fresh
