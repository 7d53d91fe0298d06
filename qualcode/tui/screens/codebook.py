"""Codebook screen: codes with definitions and counts per coder; rename, recolour, merge
open codes and promote an open code into the codebook file (a new codebook version)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Tree

from qualcode.domain.corpus import CodebookInfo, CodeInfo
from qualcode.errors import QualcodeError
from qualcode.services import codebook_edit, codebooks
from qualcode.tui.modals.code_picker import Choice, CodePicker
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.widgets.code_detail import CodeDetail
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.status_bar import StatusBar


class CodebookScreen(WorkbenchScreen):
    AUTO_FOCUS = "#codebook-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rename", "Rename", id="codebook.rename"),
        Binding("c", "recolour", "Colour", id="codebook.recolour"),
        Binding("m", "merge", "Merge open code", id="codebook.merge"),
        Binding("p", "promote", "Promote open code", id="codebook.promote"),
        Binding("ctrl+r", "reload", "Refresh", id="codebook.reload"),
    ]

    class Loaded(Message):
        def __init__(
            self, book: CodebookInfo, usage: dict[str, dict[str, int]], own_file: Path | None
        ) -> None:
            super().__init__()
            self.book, self.usage, self.own_file = book, usage, own_file

    def __init__(self) -> None:
        super().__init__()
        self.book: CodebookInfo | None = None
        self.usage: dict[str, dict[str, int]] = {}
        self.own_file: Path | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="codebook-body"):
            yield CodeTree(id="codebook-tree", show_retired=True)
            yield CodeDetail(id="codebook-detail")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    def on_screen_resume(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="codebook-load")
    def reload(self) -> None:
        try:
            book = codebooks.codebook_info(self.project)
            usage = codebook_edit.usage_by_coder(self.project)
            own_file = codebook_edit.codebook_file(self.project)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.post_message(self.Loaded(book, usage, own_file))

    def on_codebook_screen_loaded(self, message: Loaded) -> None:
        self.book, self.usage, self.own_file = message.book, message.usage, message.own_file
        self.query_one(CodeTree).show_codebook(message.book)
        self._show_selected()
        source = self.own_file.name if self.own_file else "shipped with qualcode"
        self.query_one(StatusBar).show(
            coder=self.coder or "?",
            title=f"{message.book.name} version {message.book.version} ({source})",
        )

    def on_tree_node_highlighted(self, _event: Tree.NodeHighlighted[str]) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        code = self.selected
        self.query_one(CodeDetail).show(code, self.usage.get(code.key, {}) if code else None)

    @property
    def selected(self) -> CodeInfo | None:
        node = self.query_one(CodeTree).cursor_node
        return self.book.get(node.data) if self.book and node and node.data else None

    # -- edits -------------------------------------------------------------------------------

    def action_rename(self) -> None:
        code = self.selected
        if code is None:
            return

        def rename(name: str, path: Path | None) -> object:
            return codebook_edit.rename_code(
                self.project, code.key, name, path=path, actor=self.coder
            )

        self._ask(
            f"New name for {code.key}", code.name, lambda name: self._edit(code, name, rename)
        )

    def action_recolour(self) -> None:
        code = self.selected
        if code is None:
            return

        def recolour(colour: str, path: Path | None) -> object:
            return codebook_edit.recolour_code(
                self.project, code.key, colour, path=path, actor=self.coder
            )

        self._ask(
            f"New colour for {code.key} (hex, like #1f77b4)",
            code.color,
            lambda colour: self._edit(code, colour, recolour),
        )

    def action_merge(self) -> None:
        code = self._open_code("merge")
        if code is None or self.book is None:
            return
        choices = [
            Choice(other.key, f"{other.name}  {other.key}", other.color)
            for other in self.book.codes
            if other.key != code.key and not other.retired
        ]

        def merge(target: str | None) -> None:
            if target:
                self._save(
                    lambda: codebook_edit.merge_open_code(
                        self.project, code.key, target, actor=self.coder
                    ),
                    f"Merged {code.key} into {target}.",
                )

        self.app.push_screen(CodePicker(f"Merge {code.key} into…", choices), merge)

    def action_promote(self) -> None:
        code = self._open_code("promote")
        if code is None:
            return

        def promote(new_key: str, path: Path | None) -> object:
            return codebook_edit.promote_open_code(
                self.project, code.key, new_key=new_key, path=path, actor=self.coder
            )

        self._ask(
            f"Key for {code.key} in the codebook file (e.g. temporality.it_system)",
            code.key,
            lambda new_key: self._with_path(
                lambda path: self._save(lambda: promote(new_key, path), f"Promoted {code.key}.")
            ),
        )

    def _open_code(self, verb: str) -> CodeInfo | None:
        code = self.selected
        if code is not None and not code.is_open:
            self.notify(f"Only open codes can be {verb}d; {code.key} is a codebook code.")
            return None
        return code

    def _edit(self, code: CodeInfo, value: str, edit: Callable[[str, Path | None], object]) -> None:
        """Open codes change in the database; codebook codes in the file (ask where first)."""
        if code.is_open:
            self._save(lambda: edit(value, None), f"Changed {code.key}.")
        else:
            self._with_path(
                lambda path: self._save(lambda: edit(value, path), f"Changed {code.key}.")
            )

    def _with_path(self, then: Callable[[Path | None], None]) -> None:
        """Run `then` with the file to write: the loaded one, or one the user names."""
        if self.own_file is not None:
            then(None)
            return
        default = Path.cwd() / f"{self.book.name if self.book else 'codebook'}.yaml"
        self._ask(
            "The codebook in use is the one shipped with qualcode. Write your copy to:",
            str(default),
            lambda text: then(Path(text).expanduser()),
        )

    def _ask(self, question: str, value: str, then: Callable[[str], None]) -> None:
        def answered(text: str | None) -> None:
            if text:
                then(text)

        self.app.push_screen(TextPrompt(question, value=value), answered)

    def _save(self, work: Callable[[], object], message: str) -> None:
        def done(_result: object) -> None:
            self.notify(message, timeout=3)
            self.reload()

        self.saver.submit(work, done)
