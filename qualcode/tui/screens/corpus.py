"""Corpus screen: departments and their transcripts, with the coder's progress in each.

A ✓ marks the transcripts the coder marked done (`D` marks and unmarks); the status line
names, for the highlighted transcript, every coder's progress and done mark (in blind mode
only the coder's own). `E` edits the highlighted transcript's metadata and speaker roles.
"""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Static, Tree

from qualcode.domain.corpus import MetadataChange, SpeakerInfo, TranscriptInfo
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import blind, corpus, done, metadata, scope
from qualcode.tui.modals.metadata_editor import MetadataEditor
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.widgets.code_tree import move_tree_cursor
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.status_bar import StatusBar, progress_bar

Progress = dict[str, dict[int, int]]  # coder -> transcript id -> turns coded
EMPTY = "No transcripts yet. Import some with `qualcode import`, or try `qualcode demo`."


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return text[: max(width - 1, 0)] + "…"


def transcript_label(info: TranscriptInfo, width: int, *, is_done: bool = False) -> Text:
    """Title, group kind, date, turns, progress and done mark in columns that fit `width`."""
    kind_width = 24 if width >= 100 else 13
    bar_width = 10 if width >= 100 else 6
    fixed = kind_width + 10 + 6 + bar_width + 5 + 4 + 2
    done, total = info.n_coded_segments, info.n_segments
    percent = round(100 * done / total) if total else 0
    return Text.assemble(
        _fit(info.title, max(width - fixed, 12)),
        "  ",
        (_fit(info.group_kind or "", kind_width), "dim"),
        " ",
        _fit(info.recorded_on.isoformat() if info.recorded_on else "", 10),
        (f"{total:>5} ", "dim"),
        (progress_bar(done, total, bar_width), "green"),
        f"{percent:>4}%",
        (" ✓" if is_done else "  ", "bold green"),
    )


def coders_line(transcript_id: int, total: int, progress: Progress, marks: list[str]) -> str:
    """Each coder's share of coded turns in one transcript, ✓ for a done mark."""
    parts = []
    for name, coded in progress.items():
        share = coded.get(transcript_id, 0)
        percent = round(100 * share / total) if total else 0
        parts.append(f"{name} {percent}%{' ✓' if name in marks else ''}")
    return " · ".join(parts)


class CorpusScreen(WorkbenchScreen):
    """Type to filter; Enter opens the transcript under the cursor."""

    AUTO_FOCUS = "#corpus-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="corpus.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="corpus.clear_filter"),
        Binding("ctrl+r", "reload", "Refresh", id="corpus.reload"),
        Binding("D", "done", "Done", id="corpus.done"),
        Binding("E", "edit", "Edit", id="corpus.edit", tooltip="Edit metadata and speaker roles"),
    ]

    class Loaded(Message):
        def __init__(
            self, infos: list[TranscriptInfo], marks: dict[int, list[str]], progress: Progress
        ) -> None:
            super().__init__()
            self.infos, self.marks, self.progress = infos, marks, progress

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[TranscriptInfo] = []
        self.marks: dict[int, list[str]] = {}  # transcript id -> coders who marked it done
        self.progress: Progress = {}

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="type to filter: department, title, group kind",
            id="corpus-filter",
            select_on_focus=False,
        )
        tree: Tree[int] = Tree("Transcripts", id="corpus-tree")
        tree.show_root = False
        yield tree
        yield Static(EMPTY, id="corpus-empty")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="corpus-load")
    def reload(self) -> None:
        try:
            infos = corpus.list_transcripts(self.project, self.coder or None)
            shown = list(blind.visible_layers(self.project, self.coder or None).coders)
            progress = {
                name: {
                    info.id: info.n_coded_segments
                    for info in corpus.list_transcripts(self.project, name)
                }
                for name in shown
            }
            marks = {
                transcript: [name for name in coders if name in shown]
                for transcript, coders in done.done_marks(self.project).items()
            }
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.post_message(self.Loaded(infos, marks, progress))

    def on_corpus_screen_loaded(self, message: Loaded) -> None:
        self.infos, self.marks, self.progress = message.infos, message.marks, message.progress
        self._fill()

    def on_resize(self, _event: events.Resize) -> None:
        self._fill()

    def _fill(self) -> None:
        tree: Tree[int] = self.query_one("#corpus-tree", Tree)
        query = self.query_one("#corpus-filter", Input).value.strip().casefold()
        chosen = tree.cursor_node.data if tree.cursor_node else None
        shown = [info for info in self.infos if query in _haystack(info)]
        tree.clear()
        width = max(tree.size.width - 6, 40)
        first = None
        for department, group in groupby(shown, key=lambda info: info.department or "—"):
            infos = list(group)
            done = sum(info.n_coded_segments for info in infos)
            total = sum(info.n_segments for info in infos)
            percent = round(100 * done / total) if total else 0
            node = tree.root.add(
                Text.assemble(
                    (department, "bold"),
                    (f"  {counted(len(infos), 'transcript')} · {percent}% coded", "dim"),
                ),
                expand=True,
            )
            for info in infos:
                is_done = self.coder in self.marks.get(info.id, [])
                label = transcript_label(info, width, is_done=is_done)
                leaf = node.add_leaf(label, data=info.id)
                first = first or leaf
                if info.id == chosen:
                    first = leaf
        if first is not None:
            move_tree_cursor(tree, first)
        self.query_one("#corpus-empty").display = not self.infos
        self._status(len(shown))
        if tree.cursor_node is not None:
            self._show_coders(tree.cursor_node.data)

    def _status(self, shown: int) -> None:
        coded = sum(info.n_coded_segments for info in self.infos)
        total = sum(info.n_segments for info in self.infos)
        title = (
            f"{shown} of {counted(len(self.infos), 'transcript')}"
            if shown != len(self.infos)
            else ""
        )
        self.query_one(StatusBar).show(
            coder=self.coder or "?",
            title=title or counted(len(self.infos), "transcript"),
            coded=(coded, total),
        )

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        self._show_coders(event.node.data)

    def _show_coders(self, transcript_id: int | None) -> None:
        """The highlighted transcript: every coder's progress and done mark."""
        info = self._info(transcript_id)
        if info is not None and self.progress:
            line = coders_line(info.id, info.n_segments, self.progress, self.marks.get(info.id, []))
            coded = sum(info.n_coded_segments for info in self.infos)
            total = sum(info.n_segments for info in self.infos)
            self.query_one(StatusBar).show(
                coder=self.coder or "?", title=line, coded=(coded, total)
            )

    def _info(self, transcript_id: int | None) -> TranscriptInfo | None:
        return next((info for info in self.infos if info.id == transcript_id), None)

    def action_done(self) -> None:
        """Mark the highlighted transcript done for this coder, or take the mark back."""
        tree: Tree[int] = self.query_one("#corpus-tree", Tree)
        info = self._info(tree.cursor_node.data if tree.cursor_node else None)
        if info is None or not self.coder:
            return
        undo = self.coder in self.marks.get(info.id, [])

        def saved(mark: done.DoneMark) -> None:
            state = "done" if mark.done else "not done"
            self.notify(f"{mark.title} is {state} for {mark.coder}.", timeout=3)
            self.reload()

        self.saver.submit(
            lambda: done.mark_done(self.project, info.id, self.coder, undo=undo), saved
        )

    def action_edit(self) -> None:
        """Edit the highlighted transcript's metadata and its speakers' roles."""
        tree: Tree[int] = self.query_one("#corpus-tree", Tree)
        info = self._info(tree.cursor_node.data if tree.cursor_node else None)
        if info is None:
            self.notify("Move to a transcript first, then press E.", timeout=3)
            return
        self._read_speakers(info)

    @work(thread=True, exclusive=True, group="corpus-edit")
    def _read_speakers(self, info: TranscriptInfo) -> None:
        try:
            speakers = metadata.speakers(self.project, info.id)
            moderators = scope.get_moderator_roles(self.project)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.app.call_from_thread(self._edit, info, speakers, moderators)

    def _edit(
        self, info: TranscriptInfo, speakers: list[SpeakerInfo], moderators: tuple[str, ...]
    ) -> None:
        editor = MetadataEditor(
            info,
            speakers,
            moderators,
            project=self.project,
            actor=self.coder or None,
            saver=self.saver,
        )
        self.app.push_screen(editor, self._edited)

    def _edited(self, changes: list[MetadataChange] | None) -> None:
        if changes is None:
            return
        if not changes:
            self.notify("Nothing changed.", timeout=3)
            return
        self.notify("Saved: " + "; ".join(str(change) for change in changes) + ".", timeout=4)
        self.reload()

    def on_key(self, event: events.Key) -> None:
        """Typing a letter on the tree starts the filter with it."""
        typed = event.character if event.is_printable else None
        if typed and typed not in "/?DE" and self.focused is self.query_one("#corpus-tree"):
            filter_input = self.query_one("#corpus-filter", Input)
            filter_input.focus()
            filter_input.insert_text_at_cursor(typed)
            event.stop()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#corpus-tree").focus()

    def action_filter(self) -> None:
        self.query_one("#corpus-filter").focus()

    def action_clear_filter(self) -> None:
        self.query_one("#corpus-filter", Input).value = ""
        self.query_one("#corpus-tree").focus()

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        info = self._info(event.node.data)
        if info is not None:
            self.workbench.open_transcript(info)


def _haystack(info: TranscriptInfo) -> str:
    return " ".join(
        part or "" for part in (info.department, info.title, info.group_kind, info.source_name)
    ).casefold()
