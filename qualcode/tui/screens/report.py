"""Report screen: preview a department's report (its structure, figures and quotes) and write it.

d steps through the departments, f through the formats, n and p switch names and
pseudonymisation, w writes the file (asking where); s on a code writes its framework-matrix
summary for the department (the cell `qualcode matrix --rows department --cell summary`
shows). The preview is the report the file will hold, built by the same service as
`qualcode report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from qualcode.domain.report import CodeSection, Report, percent, source_text
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import matrix
from qualcode.services import report as service
from qualcode.tui.modals.text_prompt import TextPrompt
from qualcode.tui.screens.base import WorkbenchScreen
from qualcode.tui.widgets.key_bar import KeyBar
from qualcode.tui.widgets.status_bar import StatusBar

QUOTE_WIDTH = 48


@dataclass(frozen=True)
class ReportChoice:
    department: str = ""
    fmt: str = "html"
    names: bool = False
    pseudonymise: bool = True


class ReportScreen(WorkbenchScreen):
    AUTO_FOCUS = "#report-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "department", "Department", id="report.department"),
        Binding("f", "format", "Format", id="report.format"),
        Binding("n", "flip('names')", "Names", id="report.names"),
        Binding("p", "flip('pseudonymise')", "Pseudonymise", id="report.pseudonymise"),
        Binding("w", "write", "Write", id="report.write"),
        Binding("s", "summary", "Summary", id="report.summary"),
        Binding("ctrl+r", "reload", "Refresh", id="report.reload"),
    ]

    class Built(Message):
        def __init__(self, choice: ReportChoice, report: Report | None, departments: list[str]):
            super().__init__()
            self.choice, self.report, self.departments = choice, report, departments

    def __init__(self) -> None:
        super().__init__()
        self.choice = ReportChoice()
        self.departments: list[str] = []
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="report-options")
        yield Tree("Report", id="report-tree")
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    def on_screen_resume(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._status(loading=True)
        self.build(self.choice)

    @work(thread=True, exclusive=True, group="report-build")
    def build(self, choice: ReportChoice) -> None:
        try:
            departments = service.departments(self.project)
            if choice.department not in departments:
                choice = replace(choice, department=departments[0] if departments else "")
            built = (
                service.build_report(self.project, _query(choice)) if choice.department else None
            )
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.post_message(self.Built(choice, built, departments))

    def on_report_screen_built(self, message: Built) -> None:
        earlier = message.choice.department != self.choice.department
        if earlier and self.choice.department in message.departments:
            return  # an answer to an earlier choice
        self.choice, self.report, self.departments = (
            message.choice,
            message.report,
            message.departments,
        )
        self._preview()
        self._status()

    # -- choosing ------------------------------------------------------------------------------

    def action_department(self) -> None:
        if not self.departments:
            self.notify("No departments yet: set them with --department when importing.")
            return
        at = self.departments.index(self.choice.department) if self.choice.department else -1
        self._choose(department=self.departments[(at + 1) % len(self.departments)])

    def action_format(self) -> None:
        self.choice = replace(
            self.choice, fmt=service.FORMATS[(service.FORMATS.index(self.choice.fmt) + 1) % 3]
        )
        self._status()

    def action_flip(self, name: str) -> None:
        self._choose(**{name: not getattr(self.choice, name)})

    def _choose(self, **changes: object) -> None:
        self.choice = replace(self.choice, **changes)  # type: ignore[arg-type]
        self.reload()

    def action_write(self) -> None:
        if self.report is None:
            self.notify("Nothing to write yet: no department has transcripts.")
            return
        default = f"report-{_slug(self.choice.department)}.{self.choice.fmt}"
        self.app.push_screen(
            TextPrompt("Write the report to which file?", value=default), self._write
        )

    def _write(self, answer: str | None) -> None:
        if answer and self.report is not None:
            self.write(self.report, Path(answer).expanduser(), self.choice.fmt)

    @work(thread=True, exclusive=True, group="report-write")
    def write(self, report: Report, path: Path, fmt: str) -> None:
        suffix = path.suffix.lstrip(".").lower()
        chosen = suffix if suffix in service.FORMATS else fmt
        try:
            service.write_report(report, path, chosen)
        except (OSError, QualcodeError) as error:
            self.warn_from_thread(error)
            return
        self.app.call_from_thread(self.notify, f"Wrote {path}.", timeout=5)

    def action_summary(self) -> None:
        """Write the framework-matrix summary of this department x the code under the cursor."""
        node = self.query_one(Tree).cursor_node
        key = node.data if node is not None else None
        if not key or not self.choice.department:
            self.notify("Put the cursor on a code to write its summary for this department.")
            return
        shown = self._quotes_shown(key)
        self.edit_summary(self.choice.department, key, shown)

    def _quotes_shown(self, key: str) -> list[int]:
        """The segment ids of the quotes the report shows for a code."""
        if self.report is None:
            return []
        for section in (*self.report.sections, *self.report.open_codes):
            if section.key == key:
                return [quote.segment_id for quote in section.quotes]
        return []

    @work(thread=True, exclusive=True, group="report-summary")
    def edit_summary(self, department: str, key: str, shown: list[int]) -> None:
        try:
            text, quotes = matrix.summary_of(self.project, "department", department, key)
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        # A new summary links the quotes the report shows for the code; a stored one keeps
        # its own (`qualcode matrix set --quote` changes them).
        quotes = quotes or shown
        linked = (
            f" It links {counted(len(quotes), 'quote')}: {', '.join(map(str, quotes))}."
            if quotes
            else ""
        )
        prompt = TextPrompt(
            f"Summary of {key} in {department} (framework matrix).{linked}", value=text
        )
        self.app.call_from_thread(
            self.app.push_screen, prompt, lambda answer: self._save(department, key, answer, quotes)
        )

    def _save(self, department: str, key: str, answer: str | None, quotes: list[int]) -> None:
        if answer is not None:
            self.save_summary(department, key, answer, quotes)

    @work(thread=True, exclusive=True, group="report-summary-save")
    def save_summary(self, department: str, key: str, text: str, quotes: list[int]) -> None:
        try:
            matrix.set_summary(
                self.project, "department", department, key, text, quotes, self.coder
            )
        except QualcodeError as error:
            self.warn_from_thread(error)
            return
        self.app.call_from_thread(self.notify, f"Saved the summary of {key} in {department}.")

    # -- drawing -------------------------------------------------------------------------------

    def _preview(self) -> None:
        tree: Tree[str] = self.query_one(Tree)
        tree.clear()
        report = self.report
        if report is None:
            tree.root.set_label("No department yet: import transcripts with --department.")
            return
        tree.root.set_label(report.title)
        concepts = tree.root.add(f"Concepts and codes ({len(report.sections)})", expand=True)
        nodes: dict[str, TreeNode[str]] = {}
        for section in report.sections:
            concept = section.key.split(".")[0]
            parent = nodes.get(concept, concepts) if section.depth > 1 else concepts
            node = parent.add(_section_label(section), data=section.key, expand=section.depth == 1)
            nodes.setdefault(section.key, node)
            for quote in section.quotes:
                node.add_leaf(f"“{_clip(quote.text)}” {source_text(quote)}")
        opened = tree.root.add(f"Open codes ({len(report.open_codes)})")
        for section in report.open_codes:
            opened.add_leaf(_section_label(section))
        memos = tree.root.add(f"Memos ({len(report.memos)})")
        for memo in report.memos:
            memos.add_leaf(f"{memo.about}: {_clip(memo.text)}")
        cards = tree.root.add(f"Statement cards ({len(report.cards)})")
        for card in report.cards:
            cards.add_leaf(f"{card.key}: {counted(card.turns, 'participant turn')}")
        if report.replacements:
            names = tree.root.add(f"Pseudonymised names ({len(report.replacements)})")
            for name, label, count in report.replacements:
                names.add_leaf(f"{name} → [{label}] ×{count}")
        tree.root.expand()

    def _status(self, *, loading: bool = False) -> None:
        choice = self.choice
        self.query_one("#report-options", Static).update(
            f"{choice.department or '–'} · {choice.fmt} · names {'on' if choice.names else 'off'}"
            f" · pseudonymise {'on' if choice.pseudonymise else 'off'}"
        )
        self.query_one(StatusBar).show(
            coder=self.coder or "?", title=f"Report · {choice.department or '–'}", loading=loading
        )


def _query(choice: ReportChoice) -> service.ReportQuery:
    return service.ReportQuery(
        department=choice.department, names=choice.names, pseudonymise=choice.pseudonymise
    )


def _section_label(section: CodeSection) -> str:
    """Compact for 80 columns: `Temporality · 52/123 turns · 42.3 % [33.9–51.1]`."""
    here = section.here
    if not here.turns:
        return f"{section.name} · no turns in scope"
    interval = f"[{100 * (here.low or 0):.1f}–{100 * (here.high or 0):.1f}]"
    turns = counted(here.turns, "turn")
    return f"{section.name} · {here.coded}/{turns} · {percent(here.value)} {interval}"


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_WIDTH else flat[: QUOTE_WIDTH - 1] + "…"


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-") or "department"
