"""Fix a transcript's metadata and its speakers' roles; codings and text are never touched.

The CLI (`qualcode transcript set`, `qualcode speaker set`), the import's
`--update-metadata` and the TUI corpus screen all change metadata through this module.
Metadata is the whole project's (a speaker's role takes turns out of every layer's
denominators), so once a project has supervisors only they change it (`services.roles`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

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
from qualcode.services.roles import require_supervisor
from qualcode.store import transcripts as store
from qualcode.store.models import Speaker, Transcript

CHANGE = "change transcript metadata or speaker roles"


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
    store.set_fields(
        transcript, {change.field: getattr(update, change.field) for change in changes}
    )
    return changes


def set_transcript_metadata(
    project: Project, ref: str | int, update: MetadataUpdate, *, actor: str | None = None
) -> tuple[TranscriptInfo, list[MetadataChange]]:
    """Change a transcript's title, department, group kind, date or language."""
    return edit_metadata(project, ref, update, {}, actor=actor)


def set_speaker_role(
    project: Project, ref: str | int, label: str, role: str | None, *, actor: str | None = None
) -> MetadataChange:
    """Set (or with None clear) the role of the speaker `label` in a transcript. Roles such
    as moderator take a speaker's turns out of the analysis denominators."""

    def work(session: Session) -> MetadataChange:
        require_supervisor(session, actor, CHANGE)
        return _set_role(find_transcript(session, ref), label, role)

    return project.write(work)


def edit_metadata(
    project: Project,
    ref: str | int,
    update: MetadataUpdate,
    roles: Mapping[str, str | None],
    *,
    actor: str | None = None,
) -> tuple[TranscriptInfo, list[MetadataChange]]:
    """Change a transcript's fields and its speakers' roles (label -> role, None clears) in
    one transaction: a bad value or an unknown speaker leaves everything as it was."""

    def work(session: Session) -> tuple[TranscriptInfo, list[MetadataChange]]:
        require_supervisor(session, actor, CHANGE)
        transcript = find_transcript(session, ref)
        changes = apply_update(transcript, update)
        for label, role in roles.items():
            change = _set_role(transcript, label, role)
            if change.old != change.new:
                changes.append(change)
        session.flush()
        return transcript_info(transcript, len(transcript.segments)), changes

    return project.write(work)


def form_update(stored: TranscriptInfo, typed: Mapping[str, str]) -> MetadataUpdate:
    """The fields of a metadata form (`METADATA_FIELDS` -> text as typed) that differ from
    `stored`; an empty field clears it. Raises a QualcodeError naming a bad value."""
    values: dict[str, object] = {}
    for name, text in typed.items():
        if name not in METADATA_FIELDS:
            raise QualcodeError(f"{name!r} is not a transcript field.")
        cleaned = one_line(text)
        value: object = cleaned or None
        if name == "recorded_on":
            value = parse_date(cleaned)
        elif name == "language":
            value = cleaned.lower() or None
        if value != getattr(stored, name):
            values[name] = value
    update = MetadataUpdate(**values)
    _check(update)
    return update


def role_changes(stored: list[SpeakerInfo], typed: Mapping[str, str]) -> dict[str, str | None]:
    """The speakers (label -> role as typed) whose role differs from the stored one."""
    before = {speaker.label: speaker.role for speaker in stored}
    wanted = {label: one_line(text) or None for label, text in typed.items()}
    return {label: role for label, role in wanted.items() if before.get(label) != role}


def parse_date(text: str) -> date | None:
    """A recording date written YYYY-MM-DD (empty: none)."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise QualcodeError(
            f"The date '{text.strip()}' is not a date: write it as YYYY-MM-DD, e.g. 2025-03-11."
        ) from None


def _set_role(transcript: Transcript, label: str, role: str | None) -> MetadataChange:
    speaker = next((s for s in transcript.speakers if s.label == label), None)
    if speaker is None:
        known = ", ".join(sorted(s.label for s in transcript.speakers)) or "none"
        raise NotFoundError(
            f"Transcript {transcript.title!r} has no speaker {label!r}; its speakers are {known}."
        )
    cleaned = within_limit("speaker role", one_line(role or "") or None)
    change = MetadataChange(field=f"role of {label}", old=speaker.role, new=cleaned)
    store.set_speaker_role(speaker, cleaned)
    return change


def spec_update(spec: ImportSpec) -> MetadataUpdate:
    """The metadata an import names for its file (fields left out are not compared)."""
    given = ("title", "department", "group_kind", "recorded_on")
    values: dict[str, object] = {n: getattr(spec, n) for n in given if getattr(spec, n) is not None}
    if "language" in spec.model_fields_set:
        values["language"] = spec.language
    return MetadataUpdate(**values)


def reconcile(
    project: Project, transcript_id: int, spec: ImportSpec, *, apply: bool, actor: str | None = None
) -> list[MetadataChange]:
    """What an import of an already stored file says differently from the stored metadata
    (transcript fields and speaker roles); with `apply`, the stored values are replaced
    (a supervisor's, `actor`, once the project has supervisors)."""

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
                    store.set_speaker_role(speaker, role)
        if changes and apply:
            require_supervisor(session, actor, CHANGE)
        return changes

    return project.write(work) if apply else project.read(work)


def _check(update: MetadataUpdate) -> None:
    if "title" in update.model_fields_set and not (update.title or "").strip():
        raise QualcodeError("A transcript's title cannot be empty.")
    if "language" in update.model_fields_set and update.language not in LANGUAGES:
        raise QualcodeError(f"The language must be one of {', '.join(LANGUAGES)}.")


def _text(value: object) -> str | None:
    return None if value is None else str(value)
