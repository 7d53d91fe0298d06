"""One line of state: coder, transcript, position, progress and unsaved writes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def progress_bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class StatusBar(Static):
    def show(
        self,
        *,
        coder: str,
        title: str = "",
        position: tuple[int, int] | None = None,
        coded: tuple[int, int] | None = None,
        saving: int = 0,
        loading: bool = False,
        hint: str = "",
        blind: bool = False,
    ) -> None:
        """The coder first; then a hint for the current mode, or where the coder is."""
        parts: list[str | tuple[str, str]] = [(f" {coder} ", "reverse bold")]
        if blind:  # blind mode: the coder sees only their own codings
            parts.append(("  blind", "bold"))
        if hint:
            self.update(Text.assemble(*parts, (f"  {hint}", "bold")))
            return
        if title:
            parts.append(f"  {title}")
        if position:
            parts.append((f"  turn {position[0]}/{position[1]}", "dim"))
        if coded:
            done, total = coded
            percent = round(100 * done / total) if total else 0
            parts.append(f"  {progress_bar(done, total)} {percent}% coded")
        if loading:
            parts.append(("  loading…", "italic"))
        if saving:
            parts.append(("  saving…", "italic"))
        self.update(Text.assemble(*parts))
