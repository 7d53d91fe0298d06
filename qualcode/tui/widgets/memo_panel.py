"""Memos on the cursor turn, shown beside the transcript when there are any."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class MemoPanel(Static):
    def show(self, memos: list[str]) -> None:
        self.display = bool(memos)
        parts: list[str | tuple[str, str]] = [(f"Memos ({len(memos)})", "bold")]
        parts.extend(f"\n✎ {memo}" for memo in memos)
        self.update(Text.assemble(*parts))
