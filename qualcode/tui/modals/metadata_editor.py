"""`E` on the corpus screen: a transcript's metadata and its speakers' roles in one form.

The form checks what is typed with `services.metadata` (a bad date or language is named in
the dialog and nothing is written) and saves fields and roles in one transaction through
the app's saver; whatever the service refuses (a coder where supervisors decide) is shown
in the dialog too, which stays open with what was typed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from qualcode.domain.corpus import MetadataChange, SpeakerInfo, TranscriptInfo
from qualcode.domain.imports import LANGUAGES
from qualcode.domain.text import one_line
from qualcode.errors import QualcodeError
from qualcode.services import metadata
from qualcode.services.project import Project
from qualcode.tui.saver import Saver

# (field of TranscriptInfo, label, placeholder)
FIELDS = (
    ("title", "Title", "a title is required"),
    ("department", "Department", "empty: no department"),
    ("group_kind", "Group kind", "e.g. staff, managers; empty: none"),
    ("recorded_on", "Date", "YYYY-MM-DD, e.g. 2025-03-11; empty: none"),
    ("language", "Language", " · ".join(LANGUAGES)),
)
LABEL_WIDTH = 20


def field_text(info: TranscriptInfo, name: str) -> str:
    value = getattr(info, name)
    if value is None:
        return ""
    return value.isoformat() if name == "recorded_on" else str(value)


def speaker_label(speaker: SpeakerInfo) -> str:
    """`Anne · 3 turns`, cut to the label column."""
    turns = f" · {speaker.n_turns} turn{'s' if speaker.n_turns != 1 else ''}"
    label = speaker.label
    room = LABEL_WIDTH - 1 - cell_len(turns)
    if cell_len(label) > room:
        label = label[: max(room - 1, 1)] + "…"
    return label + turns


class MetadataEditor(ModalScreen[list[MetadataChange] | None]):
    """Answers with the changes saved (empty: nothing differed), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="metadata.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="metadata.cancel"),
        # Priority: the form's scroll bar would take the arrows as soon as it can scroll.
        Binding("down", "move(1)", "Next field", show=False, id="metadata.next", priority=True),
        Binding(
            "up", "move(-1)", "Previous field", show=False, id="metadata.previous", priority=True
        ),
    ]

    def __init__(
        self,
        info: TranscriptInfo,
        speakers: list[SpeakerInfo],
        moderator_roles: tuple[str, ...],
        *,
        project: Project,
        actor: str | None,
        saver: Saver,
    ) -> None:
        super().__init__()
        self.info, self.speakers, self.moderator_roles = info, speakers, moderator_roles
        self.project, self.actor, self.saver = project, actor, saver
        self.saving = False

    def compose(self) -> ComposeResult:
        known = [*self.moderator_roles, *(s.role for s in self.speakers if s.role)]
        roles = SuggestFromList(list(dict.fromkeys(known)), case_sensitive=False)
        moderators = ", ".join(self.moderator_roles) or "none in this study"
        with Vertical(classes="dialog metadata-dialog"):
            yield Label(f"Metadata of {self.info.title}", classes="dialog-title")
            with VerticalScroll(id="metadata-form", can_focus=False):
                for name, label, placeholder in FIELDS:
                    with Horizontal(classes="metadata-row"):
                        yield Label(label, classes="metadata-label")
                        yield Input(
                            field_text(self.info, name),
                            placeholder=placeholder,
                            id=f"field-{name}",
                            select_on_focus=False,
                        )
                yield Label(
                    f"Speaker roles · moderator roles ({moderators}) get no suggestions and "
                    "are left out of the counts",
                    classes="metadata-section",
                )
                for index, speaker in enumerate(self.speakers):
                    with Horizontal(classes="metadata-row"):
                        yield Label(speaker_label(speaker), classes="metadata-label")
                        yield Input(
                            speaker.role or "",
                            placeholder="role, e.g. nurse or moderator",
                            id=f"role-{index}",
                            suggester=roles,
                            select_on_focus=False,
                        )
                if not self.speakers:
                    yield Label("This transcript has no speakers.", classes="metadata-section")
                if self.info.variables:
                    yield Label(
                        "Variables from the REFI-QDA file (kept and exported as they came)",
                        classes="metadata-section",
                    )
                    for name, value in sorted(self.info.variables.items()):
                        yield Label(
                            f"{one_line(name)} = {one_line(str(value))}",
                            classes="metadata-variable",
                            markup=False,
                        )
            yield Label("", id="metadata-error")
            yield Label(
                "↑↓ move · → completes a role · Enter or ctrl+s saves · Esc cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#metadata-error").display = False
        self.query_one("#field-department", Input).focus()

    def typed(self) -> tuple[dict[str, str], dict[str, str]]:
        """The form as typed: transcript fields, and roles by speaker label."""
        fields = {name: self.query_one(f"#field-{name}", Input).value for name, _, _ in FIELDS}
        roles = {
            speaker.label: self.query_one(f"#role-{index}", Input).value
            for index, speaker in enumerate(self.speakers)
        }
        return fields, roles

    def action_save(self) -> None:
        if self.saving:
            return
        fields, roles = self.typed()
        try:
            update = metadata.form_update(self.info, fields)
            changed_roles = metadata.role_changes(self.speakers, roles)
        except QualcodeError as error:
            self.show_error(error)
            return
        if not update.model_fields_set and not changed_roles:
            self.dismiss([])
            return
        self.saving = True
        project, ref, actor = self.project, self.info.id, self.actor
        self.saver.submit(
            lambda: metadata.edit_metadata(project, ref, update, changed_roles, actor=actor),
            lambda saved: self.dismiss(saved[1]),
            failed=self.show_error,
        )

    def show_error(self, error: QualcodeError) -> None:
        self.saving = False
        message = self.query_one("#metadata-error", Label)
        message.update(str(error))
        message.display = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.query_one("#metadata-error").display = False

    def action_move(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)
