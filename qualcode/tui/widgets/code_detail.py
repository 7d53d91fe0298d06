"""What a code means: key, definition, include and exclude rules, examples, usage.

Rich Text rather than Textual Content: it wraps a long definition several times faster,
which shows when the coding screen is first drawn.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from qualcode.domain.corpus import CodeInfo


def describe(code: CodeInfo, usage: dict[str, int] | None = None) -> Text:
    parts: list[str | tuple[str, str]] = [
        ("■ ", code.color),
        (code.name, "bold"),
        (f"\n{code.key}", "dim"),
    ]
    if code.definition:
        parts.append(f"\n\n{code.definition}")
    for title, items in (
        ("Include", code.include),
        ("Exclude", code.exclude),
        ("Examples", [f"“{example}”" for example in code.examples]),
    ):
        if items:
            parts.append((f"\n\n{title}", "bold"))
            parts.extend(f"\n• {item}" for item in items)
    terms = "; ".join(term for values in code.terms.values() for term in values)
    if terms:
        parts += [("\n\nTerms", "bold"), f"\n{terms}"]
    if usage is not None:
        parts.append(("\n\nCodings per coder", "bold"))
        parts.extend(f"\n{coder}: {count}" for coder, count in sorted(usage.items()))
        if not usage:
            parts.append(("\nnone yet", "dim"))
    return Text.assemble(*parts)


class CodeDetail(VerticalScroll, can_focus=False):
    """Scrollable description of the selected code."""

    def compose(self) -> ComposeResult:
        yield Static(id="code-detail-text")

    def show(self, code: CodeInfo | None, usage: dict[str, int] | None = None) -> None:
        text = describe(code, usage) if code else Text("Select a code to see its definition.")
        self.query_one(Static).update(text)
        self.scroll_home(animate=False)
