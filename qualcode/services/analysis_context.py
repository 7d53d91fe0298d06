"""What every analysis service needs: the codebook, its codes, the layer, the scope and the
group facts, read once per query, and the checks and provenance they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection

from qualcode import __version__
from qualcode.analysis.frequency import Facts
from qualcode.domain.counts import CodedTurns, TurnTotals
from qualcode.domain.layer import Layer, LayerKind
from qualcode.domain.rollup import RollUp
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import ResultSet, ResultTable
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.blind import visibility
from qualcode.services.project import Project
from qualcode.services.scope import resolve
from qualcode.store import analysis_rows as store
from qualcode.store import coding_summary as summary
from qualcode.store import team as team_store
from qualcode.store.layers import layer_coder_ids

if TYPE_CHECKING:  # the counts are read on Core (`counting`): `qualcode freq` skips the ORM
    from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class AnalysisContext:
    """The codebook, its codes, the layer, the scope (with the study's moderator roles) and
    the group facts."""

    codebook: str
    version: str
    codes: list[tuple[int, str, str]]
    layer: Layer
    scope: TurnScope
    facts: Facts

    def describe(self, tables: list[ResultTable], filters: Mapping[str, str]) -> ResultSet:
        return ResultSet.describe(
            tables,
            codebook=self.codebook,
            codebook_version=self.version,
            coder_layer=self.layer.label,
            qualcode_version=__version__,
            filters={"scope": self.scope.describe(), **filters},
        )

    def find(self, keys: Sequence[str]) -> None:
        known = {key for _, key, _ in self.codes}
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise NotFoundError(
                f"No code {', '.join(repr(k) for k in unknown)} in codebook '{self.codebook}'; "
                "see `qualcode codebook show` for the keys."
            )

    def rollup(self, row_ids: Iterable[int]) -> RollUp:
        """Roll every code of the codebook up into the row codes `row_ids`."""
        return RollUp.build(((code_id, key) for code_id, key, _ in self.codes), row_ids)


def read_context(
    session: Connection | Session,
    layer: Layer,
    scope: TurnScope,
    keys: Sequence[str],
    actor: str | None = None,
) -> AnalysisContext:
    """The context of an analysis whose codes `keys` must all be in the active codebook,
    counting the layer `actor` may see (blind mode: their own)."""
    book = store.active_codebook(session)
    if book is None:  # as services.codebooks.active_codebook says it
        raise NotFoundError(
            "No codebook is loaded; run `qualcode codebook load --bundled three_concepts` "
            "(or load your own YAML file)."
        )
    layer = visibility(session, actor).layer(layer)
    check_layer(session, layer)
    coders = {coder_id: name for coder_id, name, _ in store.coders(session)}
    facts = Facts.of(
        store.transcript_facts(session),
        store.speaker_roles(session),
        coders,
        store.speaker_labels(session),
    )
    context = AnalysisContext(
        codebook=book.name,
        version=str(book.version),
        codes=store.codes_in_order(session, book.id),
        layer=layer,
        scope=resolve(session, scope),
        facts=facts,
    )
    context.find(keys)
    check_cards(session, scope.cards)
    check_filters(scope, facts)
    return context


def check_filters(scope: TurnScope, facts: Facts) -> None:
    """Refuse a department or group kind no transcript has: its table would be zeros over
    N = 0 turns, which reads as a finding rather than as a typo."""
    for what, wanted, known in (
        ("department", scope.departments, {t.department for t in facts.transcripts.values()}),
        ("group kind", scope.group_kinds, {t.group_kind for t in facts.transcripts.values()}),
    ):
        names = sorted(name for name in known if name)
        unknown = [name for name in wanted if name not in names]
        if unknown:
            raise NotFoundError(
                f"No {what} '{unknown[0]}'; the {what}s are {', '.join(names) or 'none yet'}."
            )


def check_cards(session: Connection | Session, keys: Sequence[str]) -> None:
    """Refuse card keys that are not in the deck."""
    known = set(store.card_keys(session))
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise NotFoundError(
            f"No card '{unknown[0]}' in the deck ({', '.join(sorted(known)) or 'no cards yet'}); "
            "see `qualcode cards list`."
        )


def deck_keys(session: Connection | Session, scope: TurnScope) -> list[str]:
    """The cards a table by card shows: the scope's, else the whole deck, in deck order."""
    keys = store.card_keys(session)
    if not keys:
        raise QualcodeError(
            "The study has no statement cards; declare them in the manifest or with "
            "`qualcode cards add`."
        )
    return [key for key in keys if not scope.cards or key in scope.cards]


@dataclass(frozen=True)
class TurnCounts:
    """Where a table's coded turns and denominators come from: the coded-turn summary, or,
    for a table by card or restricted to cards, the turns of the cards' sections (the one
    counting of `store.card_counts`)."""

    by_card: bool

    @classmethod
    def of(cls, by: Sequence[str], scope: TurnScope) -> TurnCounts:
        return cls("card" in by or bool(scope.cards))

    def coded(
        self,
        session: Connection | Session,
        context: AnalysisContext,
        row_ids: Sequence[int],
        *,
        by_coder: bool = False,
    ) -> list[CodedTurns]:
        if not self.by_card:
            return summary.coded_turns(
                session, row_ids, context.layer, context.scope, by_coder=by_coder
            )
        from qualcode.store import card_counts  # the ORM's statements, for tables by card

        rollup = context.rollup(row_ids)
        return card_counts.coded_turns(
            session, rollup, context.layer, context.scope, by_coder=by_coder
        )

    def totals(
        self, session: Connection | Session, layer: Layer, scope: TurnScope
    ) -> list[TurnTotals]:
        if not self.by_card:
            return summary.turn_totals(session, layer, scope)
        from qualcode.store import card_counts

        return card_counts.turn_totals(session, layer, scope)

    def unit(self, scope: TurnScope) -> str:
        """The unit of a table in words."""
        unit = "participant turn" if scope.excluded_roles else "turn"
        return f"{unit} in a card's section" if self.by_card else unit


def counting(project: Project, work: Callable[[Connection], T]) -> T:
    """Run a read that adds up the coded-turn summary, recounting marked transcripts first.

    On Core connections: every read of the counting path takes a connection or a session.
    On PostgreSQL the refresh is one call of the server's function on the read's own
    connection, as a statement of its own (committed at once), which also checks whether
    anything is marked: one round trip where the check, the write transaction and the
    read's second connection took four to eleven."""
    if project.engine.dialect.name == "postgresql":
        return project.read_rows_refreshed(team_store.refresh_summary, work)
    if project.read_rows(summary.is_stale):
        project.write_rows(team_store.refresh_summary)
    return project.read_rows(work)


def check_layer(session: Connection | Session, layer: Layer) -> None:
    """Refuse a layer of codings that does not exist."""
    if layer_coder_ids(session, layer):
        return
    if layer.kind is LayerKind.MODEL:
        raise NotFoundError(
            f"No {layer.label} has coded anything; write its layer with "
            "`qualcode suggest write --all`, or choose a coder, the consensus or all coders."
        )
    if layer.kind is LayerKind.CODER:
        known = ", ".join(name for _, name, flag in store.coders(session) if not flag)
        raise NotFoundError(
            f"No coder '{layer.name}' (coders: {known or 'none yet'}); check --coder."
        )
    if layer.kind is LayerKind.CONSENSUS:
        raise NotFoundError(
            "There is no consensus layer yet; adjudicate disagreements first, "
            "or choose a coder with --coder."
        )


def layer_coder_names(session: Connection | Session, layer: Layer) -> tuple[str, ...]:
    ids = set(layer_coder_ids(session, layer))
    return tuple(name for coder_id, name, _ in store.coders(session) if coder_id in ids)


def check_dimensions(by: Sequence[str], allowed: Sequence[str]) -> None:
    for dimension in by:
        if dimension not in allowed:
            raise QualcodeError(f"Cannot group by '{dimension}'; choose from {', '.join(allowed)}.")
    if len(set(by)) < len(by):
        raise QualcodeError("Name each --by dimension once.")


def check_depth(depth: int | None, option: str) -> None:
    if depth is not None and depth < 1:
        raise QualcodeError(f"{option} must be 1 or more (1 = top-level codes).")


def scope_filters(scope: TurnScope) -> dict[str, str]:
    filters = {
        "cards": ", ".join(scope.cards),
        "department": ", ".join(scope.departments),
        "group kind": ", ".join(scope.group_kinds),
        "speaker role": ", ".join(scope.roles),
        "transcripts": ", ".join(str(t) for t in scope.transcript_ids),
    }
    return {key: value for key, value in filters.items() if value}


def code_filters(codes: Sequence[str], depth: int | None) -> dict[str, str]:
    filters = {"codes": ", ".join(codes)}
    if depth is not None:
        filters["depth"] = f"top {depth} level{'s' if depth > 1 else ''}"
    return {key: value for key, value in filters.items() if value}
