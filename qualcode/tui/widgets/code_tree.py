"""The codebook as a tree: colour, favourite digit, name and number of codings per code."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qualcode.domain.corpus import CodebookInfo, CodeInfo


def code_label(
    code: CodeInfo, count: int, width: int, digit: int | None = None, extra: str = ""
) -> Text:
    """Swatch, favourite digit and name on the left, the count at the right of `width`."""
    number = f" {count}" if count else ""
    label = Text.assemble(
        ("■ ", code.color),
        (f"{digit} " if digit else "", "bold"),
        code.name,
        (extra, "dim italic"),
    )
    label.truncate(max(width - len(number), 4), overflow="ellipsis", pad=True)
    label.append(number, "bold")
    return label


def move_tree_cursor(tree: Tree[Any], node: TreeNode[Any]) -> None:
    """Put the cursor on `node`, also right after the tree was refilled."""
    if tree.last_line >= 0:  # reading last_line lays out the new nodes, giving node.line
        tree.move_cursor(node)


class CodeTree(Tree[str]):
    """Codes in codebook order, parents before children; node data is the code key."""

    def __init__(self, *, id: str | None = None, show_retired: bool = False) -> None:
        super().__init__("Codebook", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.show_retired = show_retired
        self.codes: dict[str, CodeInfo] = {}
        self.counts: dict[str, int] = {}
        self.favourites: list[str] = []
        self._by_key: dict[str, TreeNode[str]] = {}
        self._indent: dict[str, int] = {}  # cells of guides and icon before each label

    def show_codebook(self, info: CodebookInfo, counts: dict[str, int] | None = None) -> None:
        """Fill the tree; `counts` per key default to the codebook's own counts."""
        selected = self.cursor_node.data if self.cursor_node else None
        codes = [code for code in info.codes if self.show_retired or not code.retired]
        self.codes = {code.key: code for code in codes}
        self.counts = counts if counts is not None else {c.key: c.n_codings for c in codes}
        self.favourites = list(info.favourites)
        parents = {code.parent_key for code in codes}
        self.clear()
        self._by_key, self._indent, levels = {}, {}, {"": 0}
        for code in codes:
            parent_key = code.parent_key if code.parent_key in self._by_key else ""
            parent = self._by_key.get(parent_key, self.root)
            # Textual draws `guide_depth` cells per level below the (hidden) root, then a
            # two-cell icon on nodes that expand: the label starts after both.
            levels[code.key] = levels[parent_key] + 1
            expands = code.key in parents
            self._indent[code.key] = self.guide_depth * (levels[code.key] - 1) + 2 * expands
            label = self._label(code)
            if expands:
                self._by_key[code.key] = parent.add(label, data=code.key, expand=True)
            else:
                self._by_key[code.key] = parent.add_leaf(label, data=code.key)
        if selected or codes:
            self.select_key(selected or codes[0].key)

    def bump(self, key: str, delta: int) -> None:
        """Change a code's count by `delta` (after an apply, remove, undo or redo)."""
        self.counts[key] = max(0, self.counts.get(key, 0) + delta)
        node, code = self._by_key.get(key), self.codes.get(key)
        if node is not None and code is not None:
            node.set_label(self._label(code))

    def select_key(self, key: str) -> None:
        node = self._by_key.get(key)
        if node is not None:
            move_tree_cursor(self, node)

    def _label(self, code: CodeInfo) -> Text:
        digit = self.favourites.index(code.key) + 1 if code.key in self.favourites else None
        extra = "  (retired)" if code.retired else ""
        # The scrollbar's cells are kept free, so that counts stay put when it shows.
        reserve = self.styles.scrollbar_size_vertical
        width = self.size.width - reserve - self._indent.get(code.key, 0)
        return code_label(code, self.counts.get(code.key, 0), width, digit, extra)

    def on_resize(self, _event: events.Resize) -> None:
        for key, node in self._by_key.items():
            node.set_label(self._label(self.codes[key]))
