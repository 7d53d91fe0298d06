"""The department report as a Word document with real styles (python-docx): Title and
Heading styles, a table style, quotes in the Quote style, charts embedded as PNG."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.domain.report import CodeSection, Report, source_text
from qualcode.exchange.report import charts
from qualcode.exchange.report.text import (
    SHARE_HEADERS,
    card_codes_text,
    share_row,
    share_text,
)

if TYPE_CHECKING:
    from docx.document import Document

TABLE_STYLE = "Light Grid Accent 1"
CHART_WIDTH_CM = 15.5


def write_docx(report: Report, path: Path) -> None:
    import docx

    document = docx.Document()
    styles = _Styles(document)
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    _table(document, styles, (), [list(pair) for pair in report.provenance])
    document.add_heading("How the quotes were chosen", level=1)
    document.add_paragraph(report.ranking_rule)
    document.add_heading("Figures", level=1)
    for chart in (charts.share_bars, charts.residual_heatmap, charts.cooccurrence_network):
        _picture(document, chart(report, "png"))
    document.add_heading("Concepts and codes", level=1)
    for section in report.sections:
        _section(document, styles, section, report.here_label)
    document.add_heading("Open codes", level=1)
    if not report.open_codes:
        document.add_paragraph("No open code was applied in this department.")
    for section in report.open_codes:
        document.add_paragraph(
            f"{section.name} ({section.key}): {share_text(section.here)}",
            style=styles["List Bullet"],
        )
        if section.quotes:
            _quote(document, styles, section.quotes[0].text, source_text(section.quotes[0]))
    document.add_heading("Statement cards", level=1)
    if not report.cards:
        document.add_paragraph("No card sections in this department's transcripts.")
    for card in report.cards:
        document.add_paragraph(
            f"{card.key}: “{card.statement}”: {card_codes_text(card.turns, card.codes)}",
            style=styles["List Bullet"],
        )
        if card.quote:
            _quote(document, styles, card.quote.text, source_text(card.quote))
    document.add_heading("Memos", level=1)
    if not report.memos:
        document.add_paragraph("No memos on these codes or this department's transcripts.")
    for memo in report.memos:
        document.add_paragraph(
            f"{memo.about} ({memo.author or 'unknown'}): {memo.text}",
            style=styles["List Bullet"],
        )
    if report.replacements:
        document.add_heading("Pseudonymisation", level=1)
        rows = [[name, f"[{label}]", str(n)] for name, label, n in report.replacements]
        _table(document, styles, ("Name", "Replaced by", "Times"), rows)
    for note in report.notes:
        document.add_paragraph(note)
    document.save(str(path))


def _section(document: Document, styles: _Styles, section: CodeSection, here: str) -> None:
    document.add_heading(f"{section.name} ({section.key})", level=2 if section.depth == 1 else 3)
    if section.definition:
        document.add_paragraph(section.definition).runs[0].italic = True
    document.add_paragraph(f"{here}: {share_text(section.here)}; {section.stands_out}.")
    if section.tests:
        document.add_paragraph(f"Tests across the departments: {section.tests}.")
    _table(document, styles, SHARE_HEADERS, [share_row(s) for s in (section.here, *section.others)])
    if section.by_group:
        document.add_paragraph("By focus-group kind in this department:")
        _table(document, styles, SHARE_HEADERS, [share_row(s) for s in section.by_group])
    for quote in section.quotes:
        _quote(document, styles, quote.text, source_text(quote))


class _Styles:
    """The document's styles by name, each looked up once: a lookup searches every style
    of the document, and a report has hundreds of quoted paragraphs."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.found: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.found:
            self.found[name] = self.document.styles[name]
        return self.found[name]


def _quote(document: Document, styles: _Styles, text: str, source: str) -> None:
    document.add_paragraph(text, style=styles["Quote"])
    document.add_paragraph(f"— {source}", style=styles["Caption"])


def _table(
    document: Document, styles: _Styles, headers: tuple[str, ...], rows: list[list[str]]
) -> None:
    body = [list(headers), *rows] if headers else rows
    # All rows at once: python-docx's add_row copies and re-measures the table each time.
    table = document.add_table(rows=len(body), cols=len(body[0]))
    table.style = styles[TABLE_STYLE]
    for row, values in zip(table.rows, body, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


def _picture(document: Document, png: str | bytes) -> None:
    from docx.shared import Cm

    assert isinstance(png, bytes)
    document.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
