"""What the workbench draws holds no terminal control characters.

Values are cleaned where they are stored (qualcode.domain.text), but a database written by
an older qualcode, or by hand, may hold a department, title, speaker or code name with ESC,
BEL or U+202E in it. rich's `Text` and Textual's `Content` leave out only BEL, backspace,
vertical tab, form feed and carriage return; ESC and the direction overrides reach the
terminal, which obeys them (recolours or clears the screen, reverses the text that follows).
Both libraries strip with one translation table, read on every call: adding qualcode's
characters to those tables makes every text the workbench draws leave them out too. The
workbench's own styling is not text, so colours and bold still show.
"""

from __future__ import annotations

from rich import control as rich_control
from textual import content as textual_content

from qualcode.domain.text import CONTROL_RANGES

# Tab and line feed stay: text lays them out.
_REMOVED = dict.fromkeys(
    code for low, high in CONTROL_RANGES for code in range(low, high + 1) if code not in (9, 10)
)


def leave_out_control_characters() -> None:
    """From now on, rich's and Textual's texts leave out qualcode's control characters.
    The tables are private names (Textual is pinned exactly; the tests hold both): a
    library version without one draws as before rather than failing to start."""
    for module in (rich_control, textual_content):
        table = getattr(module, "_CONTROL_STRIP_TRANSLATE", None)
        if isinstance(table, dict):
            table.update(_REMOVED)
