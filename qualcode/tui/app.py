"""The qualcode workbench: a Textual app over one project, for one coder."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from qualcode.domain.corpus import TranscriptInfo
from qualcode.errors import QualcodeError
from qualcode.services import corpus
from qualcode.services.project import Project
from qualcode.tui.coder_memory import (
    memory_path,
    remember_coder,
    remembered_coder,
    remembered_place,
)
from qualcode.tui.modals.key_help import KeyHelp
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.navigation import DESTINATIONS, navigation_bindings
from qualcode.tui.saver import Saver
from qualcode.tui.screens.agreement import AgreementScreen
from qualcode.tui.screens.codebook import CodebookScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.compare import CompareScreen
from qualcode.tui.screens.corpus import CorpusScreen
from qualcode.tui.screens.report import ReportScreen
from qualcode.tui.terminal_text import leave_out_control_characters

CODER_HINT = "Enter to accept · Esc clears and asks again · Ctrl+Q quits"


class QualcodeApp(App[None]):
    """Screens: corpus, coding, codebook (see navigation.py); writes go through `saver`."""

    CSS_PATH = "app.tcss"
    TITLE = "qualcode"
    ENABLE_COMMAND_PALETTE = True
    # Textual declares it `ClassVar[...] | None`, which mypy takes for an instance variable.
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (120, "-wide")]  # type: ignore[misc]
    MODES: ClassVar = {
        "corpus": CorpusScreen,
        "coding": CodingScreen,
        "codebook": CodebookScreen,
        "agreement": AgreementScreen,
        "compare": CompareScreen,
        "report": ReportScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *navigation_bindings(),
        Binding("question_mark", "show_keys", "Keys", id="app.keys"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        project: Project,
        coder: str | None = None,
        *,
        transcript: int | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        leave_out_control_characters()  # values stored raw by an older qualcode
        self.project = project
        self.coder = coder or ""
        self.transcript: TranscriptInfo | None = None
        self._first_transcript = transcript
        self.saver = Saver(self, project)
        self._quitting = False
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        # Build the coding screen now, behind the corpus, so that opening the first
        # transcript only has to read and draw it.
        self.switch_mode("coding")
        self.switch_mode("corpus")
        if not self.coder:
            self.coder = remembered_coder(self.project.name) or ""
            if self.coder:
                self.notify(
                    f"Coding as {self.coder}, as last time in this project. "
                    "Start with --coder NAME to code as someone else.",
                    timeout=5,
                )
        if not self.coder:
            self.ask_coder()
        else:
            self.open_where_left()

    def open_where_left(self) -> None:
        """Open the transcript named on the command line, else the transcript and turn this
        coder was last on in this project (if it still exists)."""
        if self._first_transcript is not None:
            self.open_first(self._first_transcript)
        elif place := remembered_place(self.project.name, self.coder):
            self.open_first(*place, quiet=True)

    @work(thread=True, exit_on_error=False)
    def open_first(
        self, transcript_id: int, segment_id: int | None = None, *, quiet: bool = False
    ) -> None:
        """Open a transcript by id (named on the command line, a quote's, or where the coder
        was last), at one turn; `quiet`: stay on the corpus if it is gone."""
        try:
            info = corpus.get_transcript(self.project, transcript_id)
        except QualcodeError as error:
            if not quiet:
                self.call_from_thread(self.notify, str(error), severity="error")
            return
        self.call_from_thread(self.open_transcript, info, segment_id)

    def ask_coder(self) -> None:
        """Ask who is coding; Esc cancels the answer and asks again (Ctrl+Q quits)."""
        self.push_screen(
            TextPrompt(
                "Who is coding? Your name labels your codings.",
                placeholder="name",
                hint=CODER_HINT,
            ),
            self._set_coder,
        )

    def _set_coder(self, name: str | None) -> None:
        if not name:
            self.notify("The workbench needs your name to label your codings.", timeout=4)
            self.ask_coder()
            return
        self.coder = name
        if not remember_coder(self.project.name, name):
            self.notify(f"Could not write {memory_path()}; you will be asked again next time.")
        self.screen.refresh_bindings()
        if isinstance(self.screen, CorpusScreen):
            self.screen.reload()
        self.open_where_left()

    def open_transcript(self, transcript: TranscriptInfo, segment_id: int | None = None) -> None:
        """Show the transcript on the coding screen (which loads it when it resumes), with
        the cursor on turn `segment_id` if given."""
        self.transcript = transcript
        try:
            (screen,) = self.get_screen_stack("coding")
        except KeyError:
            screen = None  # built (and then loading) on the first switch to it
        if isinstance(screen, CodingScreen):
            screen.sync()  # start reading while the screen switch is drawn
            if segment_id is not None:
                screen.show_segment(segment_id)
        self.switch_mode("coding")

    def action_goto(self, mode: str) -> None:
        if mode == "coding" and self.transcript is None:
            self.notify("Open a transcript first: choose one and press Enter.", timeout=4)
            return
        self.switch_mode(mode)

    def action_show_keys(self) -> None:
        """List every key the current screen and the app respond to."""
        rows: dict[str, str] = {}  # description -> keys, in binding order
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            what = binding.group.description if binding.group else binding.description
            if what not in rows:
                rows[what] = self.get_key_display(binding)
            elif binding.group is None:  # another key for the same action, like j and down
                rows[what] += " " + self.get_key_display(binding)
        name = type(self.screen).__name__.removesuffix("Screen")
        self.push_screen(KeyHelp(f"Keys: {name}", [(keys, what) for what, keys in rows.items()]))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every action of the current screen, and the navigation."""
        yield from super().get_system_commands(screen)
        for destination in DESTINATIONS:
            yield SystemCommand(
                f"Go to {destination.title}",
                destination.help,
                lambda mode=destination.mode: self.action_goto(mode),
            )
        seen = {f"goto('{d.mode}')" for d in DESTINATIONS}
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            skip = active.node is self or not active.enabled or not binding.description
            if skip or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                binding.tooltip or f"Key: {self.get_key_display(binding)}",
                lambda node=active.node, action=binding.action: self.run_action(action, node),
            )

    async def action_quit(self) -> None:
        """Quit once every change is saved; a second quit while waiting gives up on them."""
        if not self.saver.pending:
            self.exit()
        elif not self._quitting:
            self._quitting = True
            self.notify("Saving your last changes before quitting… (ctrl+q again: quit now)")
            self.set_interval(0.05, self._exit_when_saved)
        else:
            self.saver.stop()
            self.exit(message="Quit before the database was free; the last change was not saved.")

    def _exit_when_saved(self) -> None:
        if not self.saver.pending:
            self.exit()
