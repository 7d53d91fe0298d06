"""Disagreements between coders, and their adjudication into the consensus layer.

The consensus layer is the coder row named "consensus" with `is_consensus` set, created on
first use. An adjudication settles one code on one turn: take one coder's version, both
(the union of the compared coders' codings), neither, or another code in its place. Every
adjudication is logged with who, when, the consensus codings it replaced and those it
applied; undoing one puts the replaced codings back exactly and marks it undone.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.domain.adjudication import applied_codings, union_spans
from qualcode.domain.agreement import (
    AdjudicationView,
    AgreementOptions,
    Decision,
    Disagreement,
    LayerCoding,
)
from qualcode.domain.layer import CONSENSUS, MODEL_ROLE
from qualcode.domain.text import multi_line
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.agreement import load_context, load_turns
from qualcode.services.blind import visibility
from qualcode.services.corpus import find_transcript
from qualcode.services.finders import find_code, find_segment
from qualcode.services.project import Project
from qualcode.services.roles import require_supervisor
from qualcode.store import agreement_queries as store
from qualcode.store import codes as code_store
from qualcode.store.models import Adjudication, Code, Coder, Coding

DECISIONS: tuple[Decision, ...] = ("take", "both", "neither", "recode")


# ---------------------------------------------------------------- disagreements
def disagreements(
    project: Project,
    *,
    code: str | None = None,
    coders: tuple[str, ...] | None = None,
    transcript: str | int | None = None,
    concepts: bool = False,
    actor: str | None = None,
) -> list[Disagreement]:
    """Turns where the compared coders differ about a code, in text order, each with every
    coder's codes on the turn and the adjudication in force, if any."""
    options = AgreementOptions(coders=coders, codes=(code,) if code else None, concepts=concepts)

    def work(session: Session) -> list[Disagreement]:
        visibility(session, actor).require_every_layer("disagreements between coders")
        context = load_context(session, options)
        layers = load_turns(session, context)
        only = find_transcript(session, transcript).id if transcript is not None else None
        pairs = layers.disagreements(only)
        segment_ids = [int(layers.segment_ids[unit]) for _, unit in pairs]
        details = store.segment_details(session, set(segment_ids))
        texts = store.transcript_texts(session, {d[0] for d in details.values()})
        resolved = _in_force(session, set(segment_ids))
        found = []
        for (label, unit), segment_id in zip(pairs, segment_ids, strict=True):
            tid, ordinal, start, end, speaker = details[segment_id]
            meta = context.transcripts[tid]
            present = layers.present[label, unit]
            covered = layers.covered[unit]
            key = context.labels[label]
            found.append(
                Disagreement(
                    segment_id=segment_id,
                    transcript_id=tid,
                    transcript=meta.title,
                    department=meta.department,
                    ordinal=ordinal,
                    speaker=speaker,
                    text=texts[tid][start:end].rstrip(),
                    code_key=key,
                    coded_by=[c for i, c in enumerate(context.coders) if present[i]],
                    not_coded_by=[
                        c for i, c in enumerate(context.coders) if covered[i] and not present[i]
                    ],
                    codes={
                        c: [
                            key
                            for key, on in zip(
                                context.labels, layers.present[:, unit, i], strict=True
                            )
                            if on
                        ]
                        for i, c in enumerate(context.coders)
                        if covered[i]
                    },
                    resolution=resolved.get((segment_id, key)),
                )
            )
        found.sort(key=lambda d: (d.transcript_id, d.ordinal, context.labels.index(d.code_key)))
        return found

    return project.read(work)


def _in_force(session: Session, segment_ids: set[int]) -> dict[tuple[int, str], AdjudicationView]:
    latest: dict[tuple[int, str], AdjudicationView] = {}
    for row, key, supervisor in store.adjudication_log(session, segment_ids):
        if row.undone_at is None and key is not None:
            latest[row.segment_id, key] = _view(row, key, supervisor)
    return latest


# ---------------------------------------------------------------- adjudication
def compared_coders(
    project: Project, segment_id: int, coders: tuple[str, ...] | None = None
) -> list[str]:
    """Coders A, B, ... for a turn: `coders` if given, else (by name) every coder except
    the consensus layer who coded the turn's transcript."""

    def work(session: Session) -> list[str]:
        return [coder.name for coder in _compared(session, segment_id, coders)]

    return project.read(work)


def _compared(session: Session, segment_id: int, coders: tuple[str, ...] | None) -> list[Coder]:
    segment = find_segment(session, segment_id)
    if coders:
        rows = []
        for name in coders:
            coder = code_store.coder_by_name(session, name)
            if coder is None:
                raise NotFoundError(f"No coder '{name}'; see `qualcode agree` for the coders.")
            rows.append(coder)
        return rows
    humans = {
        cid
        for cid, _, role, consensus in store.coders(session)
        if not consensus and role != MODEL_ROLE
    }
    took = {
        cid for cid, tid, _, _ in store.coverage(session, humans) if tid == segment.transcript_id
    }
    return sorted((session.get_one(Coder, cid) for cid in took), key=lambda coder: coder.name)


def adjudicate(
    project: Project,
    segment_id: int,
    code_key: str,
    decision: Decision,
    *,
    supervisor: str | None,
    coder: str | None = None,
    other_code: str | None = None,
    coders: tuple[str, ...] | None = None,
    memo: str | None = None,
) -> AdjudicationView:
    """Settle `code_key` on a turn in the consensus layer, and log it.

    - "take": the consensus gets `coder`'s codings of the code (none if they had none);
    - "both": the union of the compared coders' codings of the code;
    - "neither": no coding of the code;
    - "recode": the code is removed and `other_code` applied where the coders had it.
    """
    if decision not in DECISIONS:
        raise QualcodeError(f"Unknown decision '{decision}'; use one of {', '.join(DECISIONS)}.")
    if decision == "take" and not coder:
        raise QualcodeError("Say whose version to take: a coder name (or A/B in the CLI).")
    if decision == "recode" and not other_code:
        raise QualcodeError("Name the code to apply instead (--code KEY).")

    def work(session: Session) -> AdjudicationView:
        require_supervisor(session, supervisor, "adjudicate")
        segment = find_segment(session, segment_id)
        code = find_code(session, code_key)
        other = find_code(session, other_code) if decision == "recode" and other_code else None
        consensus = _consensus(session)
        sources = [coder] if decision == "take" and coder else None
        compared = _compared(session, segment.id, tuple(sources) if sources else coders)
        theirs = union_spans(
            (coding.start_char, coding.end_char)
            for row in compared
            for coding in store.layer_codings(session, row.id, segment.id, [code.id])
        )
        affected = [code.id] + ([other.id] if other else [])
        keys = {code.id: code.key, **({other.id: other.key} if other else {})}
        before = store.layer_codings(session, consensus.id, segment.id, affected)
        replaced = [_layer_coding(c, keys[c.code_id]) for c in before]
        applied = applied_codings(
            decision, code.key, other.key if other else None, theirs, replaced
        )
        id_of = {key: code_id for code_id, key in keys.items()}
        store.replace_layer_codings(session, consensus.id, segment.id, affected, applied, id_of)
        label = {"take": f"take:{coder}", "recode": f"recode:{other_code}"}.get(decision, decision)
        # The log names who decided, also in single-user mode before anyone has coded.
        supervisor_row = code_store.ensure_coder(session, supervisor) if supervisor else None
        row = store.add_adjudication(
            session,
            segment_id=segment.id,
            code_id=code.id,
            supervisor_id=supervisor_row.id if supervisor_row else None,
            decision=label,
            applied=[c.model_dump(mode="json") for c in applied],
            replaced=[c.model_dump(mode="json") for c in replaced],
            memo=(multi_line(memo) or None) if memo else None,
        )
        return _view(row, code.key, supervisor_row.name if supervisor_row else None)

    return project.write(work)


def undo_adjudication(
    project: Project, adjudication_id: int, *, supervisor: str | None
) -> AdjudicationView:
    """Put back the consensus codings an adjudication replaced; mark it undone."""

    def work(session: Session) -> AdjudicationView:
        require_supervisor(session, supervisor, "undo an adjudication")
        row = session.get(Adjudication, adjudication_id)
        if row is None:
            raise NotFoundError(
                f"No adjudication {adjudication_id}; list them with `qualcode audit`."
            )
        if row.undone_at is not None:
            raise QualcodeError(f"Adjudication {adjudication_id} was already undone.")
        later = store.later_active_adjudications(session, row)
        if later:
            raise QualcodeError(
                f"Adjudication {later[-1]} on the same turn came later; undo it first."
            )
        replaced = [LayerCoding.model_validate(c) for c in row.replaced]
        applied = [LayerCoding.model_validate(c) for c in row.applied]
        code = session.get(Code, row.code_id) if row.code_id is not None else None
        keys = {code.id: code.key} if code else {}
        for item in [*replaced, *applied]:
            keys[find_code(session, item.code_key).id] = item.code_key
        consensus = _consensus(session)
        id_of = {key: code_id for code_id, key in keys.items()}
        store.replace_layer_codings(session, consensus.id, row.segment_id, keys, replaced, id_of)
        store.mark_undone(row)
        session.flush()
        supervisor_row = session.get(Coder, row.supervisor_id) if row.supervisor_id else None
        return _view(
            row, code.key if code else None, supervisor_row.name if supervisor_row else None
        )

    return project.write(work)


def adjudication_log(project: Project) -> list[AdjudicationView]:
    """Every adjudication, oldest first, undone ones included (with `undone_at`)."""

    def work(session: Session) -> list[AdjudicationView]:
        return [_view(row, key, name) for row, key, name in store.adjudication_log(session)]

    return project.read(work)


def _consensus(session: Session) -> Coder:
    coder = code_store.coder_by_name(session, CONSENSUS)
    if coder is None:
        return code_store.ensure_coder(session, CONSENSUS, consensus=True)
    if not coder.is_consensus:
        raise QualcodeError(
            f"A coder named '{CONSENSUS}' exists but is not the consensus layer; rename that "
            "coder before adjudicating."
        )
    return coder


def _layer_coding(coding: Coding, key: str) -> LayerCoding:
    return LayerCoding(
        code_key=key,
        start_char=coding.start_char,
        end_char=coding.end_char,
        origin=coding.origin,
        memo=coding.memo,
        created_at=coding.created_at,
    )


def _view(row: Adjudication, key: str | None, supervisor: str | None) -> AdjudicationView:
    return AdjudicationView(
        id=row.id,
        segment_id=row.segment_id,
        code_key=key,
        decision=row.decision,
        supervisor=supervisor,
        applied=[LayerCoding.model_validate(c) for c in row.applied],
        replaced=[LayerCoding.model_validate(c) for c in row.replaced],
        memo=row.memo,
        created_at=row.created_at,
        undone_at=row.undone_at,
    )
