"""Inter-coder agreement from the database: reads codings, hands them to
`qualcode.analysis.agreement`, and returns rows and tables.

Units: a turn (segment) or a sentence is coded with a code by a coder when any of the
coder's codings of that code lies in it (whole turn or span). Which transcripts count and
how missing coders are treated is described in `qualcode.analysis.agreement.layers`.
Character level compares each pair of coders as NVivo does, and adds the binary unitizing
alpha per code and ATLAS.ti's cu-alpha and Cu-alpha. With `overlap`, MAXQDA's segment
matching is added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.continuum import (
    all_coders_table,
    segment_table,
    unitizing_table,
)
from qualcode.analysis.agreement.coverage import coder_coverage
from qualcode.analysis.agreement.describe import describe
from qualcode.analysis.agreement.layers import (
    Context,
    SpanLayers,
    TranscriptMeta,
    TurnLayers,
    int_array,
    sentence_layers,
    span_layers,
    span_rows,
    turn_layers,
)
from qualcode.analysis.agreement.rows import character_rows, nominal_rows
from qualcode.analysis.agreement.tables import (
    intervals_table,
    ordinal_table,
    rows_table,
)
from qualcode.domain.agreement import (
    AgreementOptions,
    AgreementRow,
    CoderCoverage,
)
from qualcode.domain.layer import MODEL_ROLE
from qualcode.domain.scope import TurnScope
from qualcode.domain.table import ResultSet
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.ingest.segmenter import sentence_bounds
from qualcode.services.blind import visibility
from qualcode.services.card_units import card_units
from qualcode.services.codebooks import active_codebook
from qualcode.services.project import Project
from qualcode.services.scope import resolve
from qualcode.store import agreement_queries as store
from qualcode.store import codes as code_store
from qualcode.store import done as done_store
from qualcode.store.models import Code


def load_context(
    session: Session, options: AgreementOptions, codebook_id: int | None = None
) -> Context:
    """Resolve coders, codes (of the active codebook, or of `codebook_id`) and transcripts;
    raises a clear error for unknown names."""
    book = store.codebook(session, codebook_id) if codebook_id else active_codebook(session)
    if book is None:
        raise NotFoundError(f"No codebook with id {codebook_id}.")
    coder_rows = store.coders(session)
    humans = [
        (cid, name)
        for cid, name, role, consensus in coder_rows
        if not consensus and role != MODEL_ROLE
    ]
    by_name = {name: cid for cid, name, _, _ in coder_rows}
    if options.coders:
        missing = [name for name in options.coders if name not in by_name]
        if missing:
            raise NotFoundError(
                f"No coder {', '.join(missing)}; coders are {', '.join(sorted(by_name))}."
            )
        chosen = [(by_name[name], name) for name in dict.fromkeys(options.coders)]
    else:
        coded = set(store.coders_with_codings(session))
        chosen = [(cid, name) for cid, name in humans if cid in coded]
    if len(chosen) < 2:
        raise QualcodeError(
            "Agreement needs at least two coders who have coded; name them with --coders."
        )
    coder_ids = tuple(cid for cid, _ in chosen)
    codes = code_store.codes_of(session, book.id)
    code_key = {code.id: code.key for code in codes}
    label_of_key = {
        code.key: code.key.split(".", 1)[0] if options.concepts else code.key for code in codes
    }
    labels = _labels(session, options, codes, label_of_key, coder_ids)
    index = {label: i for i, label in enumerate(labels)}
    label_of = {
        code.id: index[label_of_key[code.key]] for code in codes if label_of_key[code.key] in index
    }
    transcripts = {
        tid: TranscriptMeta(tid, title, department, length or 0, language)
        for tid, title, department, length, language in store.transcripts(session)
    }
    return Context(
        coder_ids=coder_ids,
        coders=tuple(name for _, name in chosen),
        labels=labels,
        label_of=label_of,
        code_key=code_key,
        transcripts=transcripts,
        codebook=book.name,
        codebook_version=str(book.version),
    )


def _labels(
    session: Session,
    options: AgreementOptions,
    codes: list[Code],
    label_of_key: dict[str, str],
    coder_ids: tuple[int, ...],
) -> tuple[str, ...]:
    """The requested codes (or concepts), else those a compared coder used; codebook order."""
    ordered = list(dict.fromkeys(label_of_key[code.key] for code in codes))
    if options.codes:
        unknown = [key for key in options.codes if key not in ordered]
        if unknown:
            kind = "concept" if options.concepts else "code"
            raise NotFoundError(
                f"No {kind} {', '.join(unknown)} in the codebook; see `qualcode codebook show`."
            )
        if options.weights:  # the levels of a rating, in the order given
            return tuple(dict.fromkeys(options.codes))
        return tuple(key for key in ordered if key in options.codes)
    used: set[str] = set()
    for coder_id in coder_ids:
        counts = code_store.coding_counts(session, codes[0].codebook_id, coder_id) if codes else {}
        used |= {label_of_key[code.key] for code in codes if counts.get(code.id)}
    return tuple(label for label in ordered if label in used)


def _done(session: Session, context: Context) -> dict[int, list[int]]:
    """Transcript id -> indices of the compared coders who marked it done."""
    index = {name: i for i, name in enumerate(context.coders)}
    return {
        tid: [index[name] for name in names if name in index]
        for tid, names in done_store.marks(session).items()
    }


def _excluded(
    session: Session, include_moderators: bool, cards: Mapping[int, str] | None = None
) -> list[int]:
    """The moderators' turns (the study's moderator roles), unless they are included, and,
    with `cards` (segment -> card), every turn outside those cards' sections."""
    scope = resolve(session, TurnScope(include_moderators=include_moderators))
    excluded = store.segments_of_roles(session, scope.excluded_roles)
    if cards is not None:
        excluded += [row[0] for row in store.all_segments(session) if row[0] not in cards]
    return excluded


def load_turns(
    session: Session,
    context: Context,
    include_moderators: bool = False,
    cards: Mapping[int, str] | None = None,
) -> TurnLayers:
    """Turn-level presence arrays: plain selects (segments, codings, done marks), then
    numpy; moderators' turns are no units unless `include_moderators`, nor, with `cards`
    (segment -> card), turns outside those cards' sections."""
    segments = int_array(store.all_segments(session), 4)  # id, transcript, start, end
    found = int_array(store.turn_presence(session, context.coder_ids), 3)  # segment, code, coder
    excluded = _excluded(session, include_moderators, cards)
    return turn_layers(context, segments, found, excluded, _done(session, context))


def load_spans(session: Session, context: Context) -> SpanLayers:
    """Every coding of the compared coders as spans (transcript offsets)."""
    whole, spans = store.coding_spans(session, context.coder_ids)
    segments = int_array(store.segment_bounds(session), 4)
    rows = span_rows(int_array(whole, 3), int_array(spans, 5), segments)
    return span_layers(context, rows, _done(session, context))


def load_sentences(
    session: Session,
    context: Context,
    include_moderators: bool = False,
    cards: Mapping[int, str] | None = None,
) -> TurnLayers:
    """Sentence-level presence: a coding marks every sentence its span overlaps."""
    spans = load_spans(session, context)
    bounds = sentence_bounds(
        store.segments_of(session, spans.takers),
        store.transcript_texts(session, spans.takers),
        {tid: meta.language for tid, meta in context.transcripts.items()},
    )
    excluded = _excluded(session, include_moderators, cards)
    return sentence_layers(context, spans, int_array(bounds, 4), excluded)


# ---------------------------------------------------------------- public use cases
def agreement_rows(
    project: Project,
    options: AgreementOptions,
    codebook_id: int | None = None,
    *,
    actor: str | None = None,
) -> list[AgreementRow]:
    """The coefficients as rows (the TUI's per-code table uses `by="code"`), for the codes
    of the active codebook or of `codebook_id`."""

    def work(session: Session) -> list[AgreementRow]:
        visibility(session, actor).require_every_layer("agreement between coders")
        return _rows(session, load_context(session, options, codebook_id), options)

    return project.read(work)


def _rows(
    session: Session,
    context: Context,
    options: AgreementOptions,
    spans: SpanLayers | None = None,
    memo: dict[tuple[object, ...], Any] | None = None,
) -> list[AgreementRow]:
    bootstrap = Bootstrap() if options.intervals else None
    cards = card_units(session, options)
    if options.unit == "character":
        spans = spans or load_spans(session, context)
        return character_rows(context, spans, options, bootstrap, memo)
    layers = (
        load_sentences(session, context, options.include_moderators, cards)
        if options.unit == "sentence"
        else load_turns(session, context, options.include_moderators, cards)
    )
    return nominal_rows(context, layers, options.by, bootstrap, cards)


def agreement(
    project: Project, options: AgreementOptions, *, actor: str | None = None
) -> ResultSet:
    """Agreement tables for `qualcode agree`: coefficients, plus unitizing alphas at
    character level and segment matching when `options.overlap` is set."""
    if options.overlap is not None and not 0 < options.overlap <= 1:
        raise QualcodeError(f"--overlap must lie in (0, 1], got {options.overlap}; try 0.9.")

    def work(session: Session) -> ResultSet:
        visibility(session, actor).require_every_layer("agreement between coders")
        context = load_context(session, options)
        if options.weights is not None:
            cards = card_units(session, options)
            layers = load_turns(session, context, options.include_moderators, cards)
            table = ordinal_table(context, layers, options)
            return describe(context, [table], options)
        spans = None
        if options.unit == "character" or options.overlap is not None:
            spans = load_spans(session, context)
        memo: dict[tuple[object, ...], Any] = {}  # character level: shared by both tables
        rows = _rows(session, context, options, spans, memo)
        tables = [rows_table(rows, options)]
        if options.intervals:
            tables.append(intervals_table(rows, options, Bootstrap()))
        if spans is not None and options.unit == "character" and not options.concepts:
            tables.append(unitizing_table(context, spans))
            everyone = all_coders_table(context, spans, memo)
            tables += [everyone] if everyone is not None else []
        if spans is not None and options.overlap is not None:
            tables.append(segment_table(context, spans, options.overlap))
        return describe(context, tables, options)

    return project.read(work)


def coverage(project: Project, coders: tuple[str, ...] | None = None) -> list[CoderCoverage]:
    """Per coder: transcripts coded or marked done (the agreement's units), participant turns
    coded out of the participant turns of those transcripts (moderators' turns are no units of
    agreement, so they count in neither)."""

    def work(session: Session) -> list[CoderCoverage]:
        moderators = set(_excluded(session, include_moderators=False))
        ids = [cid for cid, *_ in store.coders(session)]
        rows = store.coverage(session, ids, moderators)
        names = {cid: name for cid, name, _, consensus in store.coders(session)}
        by_name = {name: cid for cid, name in names.items()}
        done = [
            (by_name[name], tid)
            for tid, marked in done_store.marks(session).items()
            for name in marked
            if name in by_name
        ]
        taken = {tid for _, tid, _, _ in rows} | {tid for _, tid in done}
        turns: defaultdict[int, int] = defaultdict(int)
        for sid, tid, _, _ in store.segments_of(session, taken):
            turns[tid] += sid not in moderators
        return coder_coverage(names, rows, turns, coders, done)

    return project.read(work)
