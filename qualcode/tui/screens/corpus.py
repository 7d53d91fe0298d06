"""Corpus screen: departments and their transcripts, with the coder's progress in each."""

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

from qualcode.domain.corpus import TranscriptInfo
from qualcode.errors import QualcodeError
from qualcode.services import corpus
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.widgets.code_tree import move_tree_cursor
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.status_bar import StatusBar, progress_bar

EMPTY = "No transcripts yet. Import some with `qualcode import`, or try `qualcode demo`."


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return text[: max(width - 1, 0)] + "…"


def transcript_label(info: TranscriptInfo, width: int) -> Text:
    """Title, group kind, date, turns and progress in columns that fit `width` cells."""
    kind_width = 24 if width >= 100 else 13
    bar_width = 10 if width >= 100 else 6
    fixed = kind_width + 10 + 6 + bar_width + 5 + 4
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
    )


class CorpusScreen(WorkbenchScreen):
    """Type to filter; Enter opens the transcript under the cursor."""

    AUTO_FOCUS = "#corpus-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="corpus.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="corpus.clear_filter"),
        Binding("ctrl+r", "reload", "Refresh", id="corpus.reload"),
    ]

    class Loaded(Message):
        def __init__(self, infos: list[TranscriptInfo]) -> None:
            super().__init__()
            self.infos = infos

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[TranscriptInfo] = []

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
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.post_message(self.Loaded(infos))

    def on_corpus_screen_loaded(self, message: Loaded) -> None:
        self.infos = message.infos
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
                    (department, "bold"), (f"  {len(infos)} transcripts · {percent}% coded", "dim")
                ),
                expand=True,
            )
            for info in infos:
                leaf = node.add_leaf(transcript_label(info, width), data=info.id)
                first = first or leaf
                if info.id == chosen:
                    first = leaf
        if first is not None:
            move_tree_cursor(tree, first)
        self.query_one("#corpus-empty").display = not self.infos
        self._status(len(shown))

    def _status(self, shown: int) -> None:
        done = sum(info.n_coded_segments for info in self.infos)
        total = sum(info.n_segments for info in self.infos)
        title = f"{shown} of {len(self.infos)} transcripts" if shown != len(self.infos) else ""
        self.query_one(StatusBar).show(
            coder=self.coder or "?",
            title=title or f"{len(self.infos)} transcripts",
            coded=(done, total),
        )

    def on_key(self, event: events.Key) -> None:
        """Typing a letter on the tree starts the filter with it."""
        typed = event.character if event.is_printable else None
        if typed and typed not in "/?" and self.focused is self.query_one("#corpus-tree"):
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
        info = next((info for info in self.infos if info.id == event.node.data), None)
        if info is not None:
            self.workbench.open_transcript(info)


def _haystack(info: TranscriptInfo) -> str:
    return " ".join(
        part or "" for part in (info.department, info.title, info.group_kind, info.source_name)
    ).casefold()
