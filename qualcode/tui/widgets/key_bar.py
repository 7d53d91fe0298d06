"""The current screen's keys on one line, like Textual's Footer but as a single widget.

Footer builds one widget per key and rebuilds them whenever the bindings change (every
screen switch, every selection on or off); measured on the coding screen that cost a few
hundred milliseconds per switch. One line of text costs almost nothing to redraw.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

FIRST = "app.keys"


class KeyBar(Static):
    COMPONENT_CLASSES = {"key-bar--key"}  # noqa: RUF012 - Textual API

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        line = Text(no_wrap=True, overflow="crop")
        seen: set[str] = set()
        shown = [
            binding
            for _node, binding, enabled, _tooltip in screen.active_bindings.values()
            if binding.show and enabled
        ]
        # The key that lists all keys comes first, so it shows even on a narrow terminal.
        shown.sort(key=lambda binding: binding.id != FIRST)
        for binding in shown:
            if binding.action in seen:
                continue
            seen.add(binding.action)
            line.append(f" {self.app.get_key_display(binding)} ", key_style)
            line.append(f"{binding.description} ")
        self.update(line)
