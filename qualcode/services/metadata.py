"""Fix a transcript's metadata and its speakers' roles; codings and text are never touched.

The CLI (`qualcode transcript set`, `qualcode speaker set`), the import's
`--update-metadata` and the TUI corpus screen all change metadata through this module.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from qualcode.domain.corpus import (
    METADATA_FIELDS,
    MetadataChange,
    MetadataUpdate,
    SpeakerInfo,
    TranscriptInfo,
)
from qualcode.domain.imports import LANGUAGES, ImportSpec
from qualcode.domain.text import one_line, within_limit
from qualcode.errors import NotFoundError, QualcodeError
from qualcode.services.corpus import find_transcript, transcript_info
from qualcode.services.project import Project
from qualcode.store import transcripts as store
from qualcode.store.models import Speaker, Transcript


def speakers(project: Project, ref: str | int) -> list[SpeakerInfo]:
    """The transcript's speakers in order of first turn, with their roles and turn counts."""

    def work(session: Session) -> list[SpeakerInfo]:
        transcript = find_transcript(session, ref)
        turns: Counter[int] = Counter()
        order: dict[int, Speaker] = {}
        for _, speaker in store.segments_of(session, transcript.id):
            if speaker is not None:
                turns[speaker.id] += 1
                order.setdefault(speaker.id, speaker)
        return [
            SpeakerInfo(label=s.label, role=s.role, n_turns=turns[s.id]) for s in order.values()
        ]

    return project.read(work)


def differences(transcript: Transcript, update: MetadataUpdate) -> list[MetadataChange]:
    """The fields `update` sets to values other than those stored."""
    changes = []
    for name in METADATA_FIELDS:
        if name not in update.model_fields_set:
            continue
        old, new = getattr(transcript, name), getattr(update, name)
        if old != new:
            changes.append(MetadataChange(field=name, old=_text(old), new=_text(new)))
    return changes


def apply_update(transcript: Transcript, update: MetadataUpdate) -> list[MetadataChange]:
    """Set the fields of `update` on `transcript` (in the caller's unit of work)."""
    _check(update)
    changes = differences(transcript, update)
    for change in changes:
        setattr(transcript, change.field, getattr(update, change.field))
    return changes


def set_transcript_metadata(
    project: Project, ref: str | int, update: MetadataUpdate
) -> tuple[TranscriptInfo, list[MetadataChange]]:
    """Change a transcript's title, department, group kind, date or language."""

    def work(session: Session) -> tuple[TranscriptInfo, list[MetadataChange]]:
        transcript = find_transcript(session, ref)
        changes = apply_update(transcript, update)
        session.flush()
        return transcript_info(transcript, len(transcript.segments)), changes

    return project.write(work)


def set_speaker_role(
    project: Project, ref: str | int, label: str, role: str | None
) -> MetadataChange:
    """Set (or with None clear) the role of the speaker `label` in a transcript. Roles such
    as moderator take a speaker's turns out of the analysis denominators."""

    def work(session: Session) -> MetadataChange:
        transcript = find_transcript(session, ref)
        speaker = next((s for s in transcript.speakers if s.label == label), None)
        if speaker is None:
            known = ", ".join(sorted(s.label for s in transcript.speakers)) or "none"
            raise NotFoundError(
                f"Transcript {transcript.title!r} has no speaker {label!r}; its speakers are "
                f"{known}."
            )
        cleaned = within_limit("speaker role", one_line(role or "") or None)
        change = MetadataChange(field=f"role of {label}", old=speaker.role, new=cleaned)
        speaker.role = cleaned
        return change

    return project.write(work)


def spec_update(spec: ImportSpec) -> MetadataUpdate:
    """The metadata an import names for its file (fields left out are not compared)."""
    given = ("title", "department", "group_kind", "recorded_on")
    values: dict[str, object] = {n: getattr(spec, n) for n in given if getattr(spec, n) is not None}
    if "language" in spec.model_fields_set:
        values["language"] = spec.language
    return MetadataUpdate(**values)


def reconcile(
    project: Project, transcript_id: int, spec: ImportSpec, *, apply: bool
) -> list[MetadataChange]:
    """What an import of an already stored file says differently from the stored metadata
    (transcript fields and speaker roles); with `apply`, the stored values are replaced."""

    def work(session: Session) -> list[MetadataChange]:
        transcript = find_transcript(session, transcript_id)
        update = spec_update(spec)
        changes = apply_update(transcript, update) if apply else differences(transcript, update)
        by_label = {speaker.label: speaker for speaker in transcript.speakers}
        for label, role in sorted(spec.roles.items()):
            speaker = by_label.get(label)
            if speaker is not None and speaker.role != role:
                changes.append(MetadataChange(field=f"role of {label}", old=speaker.role, new=role))
                if apply:
                    speaker.role = role
        return changes

    return project.write(work) if apply else project.read(work)


def _check(update: MetadataUpdate) -> None:
    if "title" in update.model_fields_set and not (update.title or "").strip():
        raise QualcodeError("A transcript's title cannot be empty.")
    if update.language is not None and update.language not in LANGUAGES:
        raise QualcodeError(f"The language must be one of {', '.join(LANGUAGES)}.")


def _text(value: object) -> str | None:
    return None if value is None else str(value)
