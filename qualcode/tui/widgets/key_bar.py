"""The current screen's keys, like Textual's Footer but as a single widget that wraps.

Footer builds one widget per key and rebuilds them whenever the bindings change (every
screen switch, every selection on or off); measured on the coding screen that cost a few
hundred milliseconds per switch. Text costs almost nothing to redraw.

At 80 columns a screen's keys do not fit on one line, so the bar wraps onto a second line
(never cutting a key in two) rather than hiding the keys at the end. It lists, in order:
`?` (which lists every key), the keys of the current mode of the screen (the screen shows
only those that are on, e.g. the selection keys while selecting; a screen lists its most used
keys first), the other screens' keys (the key of the screen shown is left out), and quit.
`?`, the screens' keys and quit always show; of the screen's own keys, those that do not fit
in `MAX_LINES` are left out from the end; `?` and the command palette still list them.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

FIRST = "app.keys"
LAST = "app.quit"
SCREENS = "goto."  # the F keys of the screens
MAX_LINES = 2


class KeyBar(Static):
    COMPONENT_CLASSES = {"key-bar--key"}  # noqa: RUF012 - Textual API

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: list[tuple[str, str]] = []  # (key, description) of the keys on the bar

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        keys = self._keys(screen)
        items = [(self.app.get_key_display(b), b.description) for b in keys]
        essential = {item for item, b in zip(items, keys, strict=True) if _essential(b)}
        width = self.size.width or self.app.size.width
        self.shown = fit(items, width, MAX_LINES, essential)
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        line = Text(no_wrap=False, overflow="crop")
        column = 0
        for key, description in self.shown:
            size = item_width(key, description)
            if column and column + size > width:
                line.append("\n")
                column = 0
            line.append(f" {key}", key_style)
            line.append(f" {description}")
            column += size
        self.update(line)

    def _keys(self, screen: Screen) -> list[Binding]:
        """The bindings to show, one per action, `?` first and this screen's own key out."""
        own = f"goto('{getattr(self.app, 'current_mode', '')}')"
        seen: set[str] = {own}
        keys: list[Binding] = []
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.show and enabled and binding.action not in seen:
                seen.add(binding.action)
                keys.append(binding)
        keys.sort(key=lambda binding: (binding.id != FIRST, binding.id == LAST))
        return keys


def item_width(key: str, description: str) -> int:
    """Cells one key takes on the bar: " key description"."""
    return cell_len(key) + cell_len(description) + 2


def _essential(binding: Binding) -> bool:
    """`?`, quit and the screens' F keys: on the bar whatever else must give way."""
    return binding.id in (FIRST, LAST) or (binding.id or "").startswith(SCREENS)


def fit(
    items: list[tuple[str, str]],
    width: int,
    lines: int,
    essential: Collection[tuple[str, str]] = (),
) -> list[tuple[str, str]]:
    """The items that fit on `lines` lines of `width` cells, wrapped between items, in their
    order: the `essential` ones (unless even they do not fit), then the others from the
    first as long as they fit."""
    kept = [item for item in items if item in essential]
    if _lines(kept, width) > lines:
        kept = []
    for item in items:
        if item not in kept:
            trial = [other for other in items if other in kept or other == item]
            if _lines(trial, width) > lines:
                break
            kept = trial
    return [item for item in items if item in kept]


def _lines(items: list[tuple[str, str]], width: int) -> int:
    """How many lines the items take, wrapped between items."""
    line, column = 1, 0
    for key, description in items:
        size = item_width(key, description)
        if column and column + size > width:
            line, column = line + 1, 0
        column += size
    return line
