"""The suggester as a coder: its top suggestions per participant turn, written as codings of
the layer `model:<version>`, so that agreement, the audit and every table can compare the
model with a human exactly as they compare two humans."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from qualcode.domain.layer import MODEL_PREFIX, MODEL_ROLE
from qualcode.domain.suggestion import ModelLayerRun
from qualcode.errors import QualcodeError
from qualcode.services.blind import visibility
from qualcode.services.codebooks import active_codebook
from qualcode.services.corpus import find_transcript
from qualcode.services.project import Project
from qualcode.services.suggestions import (
    offers_suggestions,
    project_suggester,
    rank_rows,
    speaker_roles,
)
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import done as done_store
from qualcode.store import suggestions as store

ORIGIN = "model"
TOP = 1
MIN_SCORE = 0.5


def layer_version(versions: Sequence[str]) -> str:
    """One version for the suggesters of several languages: their parts, each once, e.g.
    `codebook-three_concepts-v1+textcat-da-3+textcat-en-4`."""
    parts = [part for version in versions for part in version.split("+")]
    return "+".join(dict.fromkeys(parts))


def write_model_layer(
    project: Project,
    transcripts: Sequence[str | int] | None = None,
    *,
    top: int = TOP,
    min_score: float = MIN_SCORE,
    actor: str | None = None,
) -> ModelLayerRun:
    """Code every participant turn of the transcripts (None: all) with the suggester's top
    `top` codes scoring at least `min_score`, as whole-turn codings of `model:<version>`.

    The layer's earlier codings in these transcripts are replaced, and each transcript is
    marked done for it, so its uncoded turns count as "not coded" in agreement, as a
    human's do. Moderators' turns are never coded (`offers_suggestions`).
    """
    if top < 1:
        raise QualcodeError(f"--top must be 1 or more, got {top}.")
    if not 0.0 <= min_score <= 1.0:
        raise QualcodeError(f"--min-score must lie in [0, 1], got {min_score}.")

    def work(session: Session) -> ModelLayerRun:
        # The model learned from the coders' layers: a blind coder may not see it code.
        visibility(session, actor).require_every_layer("the model's layer")
        if transcripts is None:
            ids = store.transcript_ids(session)
        else:
            ids = list(dict.fromkeys(find_transcript(session, ref).id for ref in transcripts))
        if not ids:
            raise QualcodeError("There are no transcripts to code; import some first.")
        book = active_codebook(session)
        code_ids = {code.key: code.id for code in code_store.codes_of(session, book.id)}
        roles = speaker_roles(session, ids)
        offered = offers_suggestions(session)
        suggesters = [
            project_suggester(session, language)
            for language in sorted(store.languages_of(session, ids))
        ]
        name = MODEL_PREFIX + layer_version([suggester.version for suggester in suggesters])
        if len(name) > 100:
            raise QualcodeError(f"The model layer's name is too long to store: {name}.")
        coder = code_store.ensure_coder(session, name, role=MODEL_ROLE)
        if coder.role != MODEL_ROLE:
            raise QualcodeError(f"A coder named '{name}' exists and is not a model's layer.")
        replaced = coding_store.delete_coder_codings(session, coder.id, ids)
        rows: list[dict[str, object]] = []
        n_segments = n_moderator = 0
        coded: set[int] = set()
        for suggester in suggesters:
            turns = store.segment_texts(session, transcript_ids=ids, language=suggester.language)
            for turn, ranking in zip(turns, rank_rows(suggester, turns, roles), strict=True):
                if not offered(roles.get(turn.id)):
                    n_moderator += 1
                    continue
                n_segments += 1
                chosen = [
                    item for item in ranking if item.score >= min_score and item.code in code_ids
                ][:top]
                for item in chosen:
                    rows.append(
                        {
                            "coder_id": coder.id,
                            "code_id": code_ids[item.code],
                            "segment_id": turn.id,
                            "start_char": None,
                            "end_char": None,
                            "origin": ORIGIN,
                        }
                    )
                    coded.add(turn.id)
        written = coding_store.bulk_add_codings(session, rows) if rows else 0
        for transcript_id in ids:
            done_store.mark(session, transcript_id, coder.id)
        return ModelLayerRun(
            layer=name,
            transcripts=len(ids),
            segments=n_segments,
            moderator_turns=n_moderator,
            codings=written,
            coded_segments=len(coded),
            replaced=replaced,
            top=top,
            min_score=min_score,
            warnings=[s.warning for s in suggesters if s.warning],
        )

    return project.write(work)
