"""Suggestions made lazily, a window of turns at a time around the workbench's cursor.

Each turn of the window is ranked exactly as `suggest_transcripts` ranks it in the whole
transcript: with the same suggester (built once per language and kept while the codebook,
the model and the corpus stay the same) and the same conversation context (the turns before
the window are ranked too, as context only). A turn is suggested for at most once per
session, and only if the coder has no suggestion on it yet, pending or not (as the workbench
generated a whole transcript only when it had none).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from sqlalchemy.orm import Session

from qualcode.services.blind import hides_other_layers
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.services.roles import coder_for_write
from qualcode.services.suggestion_rankings import Tally, store_rankings
from qualcode.services.suggestions import (
    MIN_SCORE,
    TOP,
    code_terms,
    offers_suggestions,
    rank_rows,
    read_suggester,
)
from qualcode.store import codes as code_store
from qualcode.store import suggestions as store
from qualcode.suggest.context import CONTEXT_TURNS
from qualcode.suggest.suggester import Suggester

Window = tuple[list[store.SegmentText], dict[int, str | None], set[int]]


class LazySuggestions:
    """A coder's suggestions for one workbench session, made for the windows asked for."""

    def __init__(self, project: Project, coder: str) -> None:
        self.project, self.coder = project, coder
        self._seen: set[int] = set()  # turns looked at this session
        self._suggesters: dict[str, tuple[Hashable, Suggester]] = {}  # by language
        self._lock = threading.Lock()  # one window at a time: a suggester is built once

    def generate(
        self,
        transcript_id: int,
        first: int,
        last: int,
        cancelled: Callable[[], bool] = lambda: False,
        started: Callable[[], object] = lambda: None,
    ) -> int:
        """Store suggestions for the turns with ordinals `first`..`last` that need them, and
        return how many turns were ranked (0: none needed, or `cancelled` said stop).
        `started` is called once it is known that some turns need them."""
        with self._lock:
            rows, roles, needed = self.project.read(
                lambda session: self._window(session, transcript_id, first, last)
            )
            if not needed or cancelled():
                return 0
            started()
            suggester = self._suggester(rows[0].language)
            if cancelled():
                return 0
            rankings = list(rank_rows(suggester, rows, roles))

            def save(session: Session) -> None:
                coder_id = coder_for_write(session, self.coder).id
                store_rankings(
                    session,
                    rows,
                    rankings,
                    Tally(),
                    coder_id,
                    suggester.version,
                    roles,
                    offers_suggestions(session),
                    top=TOP,
                    min_score=MIN_SCORE,
                    only=needed,
                )

            if cancelled():
                return 0
            self.project.write(save)
            self._seen |= needed
            return len(needed)

    def _window(self, session: Session, transcript_id: int, first: int, last: int) -> Window:
        """The window's turns with the turns before it that form their context, their roles,
        and the ids of those that need suggestions."""
        found = store.window_texts(session, transcript_id, max(first - CONTEXT_TURNS, 0), last)
        rows = [turn.text for turn in found]
        roles = {turn.text.id: turn.role for turn in found}
        candidates = {turn.text.id for turn in found if turn.ordinal >= first} - self._seen
        coder = code_store.coder_by_name(session, self.coder)
        if coder is not None:
            candidates = store.unsuggested(session, coder.id, candidates)
        return rows, roles, candidates

    def _suggester(self, language: str) -> Suggester:
        """`read_suggester` for the language, made again only when what it is made of
        changed."""
        key = self.project.read(lambda session: self._made_of(session, language))
        kept = self._suggesters.get(language)
        if kept is None or kept[0] != key:
            kept = key, read_suggester(self.project, language, key[0])
            self._suggesters[language] = kept
        return kept[1]

    def _made_of(self, session: Session, language: str) -> tuple[str | None, Hashable]:
        """The blind layer the suggester learns from, and what else it is made of."""
        layer = self.coder if hides_other_layers(session, self.coder) else None
        book = active_codebook(session)
        return layer, (
            book.id,
            book.version,
            repr(code_terms(code_store.codes_of(session, book.id))),
            store.latest_model_id(session, language, layer),
            store.corpus_stamp(session, language),
        )
