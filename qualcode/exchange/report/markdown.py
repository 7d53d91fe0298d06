"""The department report as Markdown (GitHub-flavoured tables, quotes as block quotes)."""

from __future__ import annotations

from qualcode.domain.report import CodeSection, Report, source_text
from qualcode.exchange.report.text import (
    SHARE_HEADERS,
    card_codes_text,
    share_row,
    share_text,
)


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    lines += _table(("About this report", ""), [list(pair) for pair in report.provenance])
    lines += ["", "## How the quotes were chosen", "", report.ranking_rule, ""]
    lines += ["## Concepts and codes", ""]
    for section in report.sections:
        lines += _section(section, report.here_label)
    lines += ["## Open codes", ""]
    if report.open_codes:
        for section in report.open_codes:
            lines.append(f"- **{section.name}** (`{section.key}`): {share_text(section.here)}")
            if section.quotes:
                quote = section.quotes[0]
                lines.append(f"  > {_one_line(quote.text)} — {source_text(quote)}")
    else:
        lines.append("No open code was applied in this department.")
    lines += ["", "## Statement cards", ""]
    if report.cards:
        for card in report.cards:
            lines.append(
                f"- **{card.key}**: “{card.statement}”: {card_codes_text(card.turns, card.codes)}"
            )
            if card.quote:
                lines.append(f"  > {_one_line(card.quote.text)} — {source_text(card.quote)}")
    else:
        lines.append("No card sections in this department's transcripts.")
    lines += ["", "## Memos", ""]
    lines += [f"- *{m.about}* ({m.author or 'unknown'}): {_one_line(m.text)}" for m in report.memos]
    if not report.memos:
        lines.append("No memos on these codes or this department's transcripts.")
    if report.replacements:
        lines += ["", "## Pseudonymisation", ""]
        lines += _table(
            ("Name", "Replaced by", "Times"),
            [[name, f"[{label}]", str(n)] for name, label, n in report.replacements],
        )
    lines += ["", *(f"*{note}*" for note in report.notes)]
    return "\n".join(lines).rstrip() + "\n"


def _section(section: CodeSection, here: str) -> list[str]:
    heading = "###" if section.depth == 1 else "####"
    lines = [f"{heading} {section.name} (`{section.key}`)", ""]
    if section.definition:
        lines += [f"*{_one_line(section.definition)}*", ""]
    lines += [f"{here}: {share_text(section.here)}; {section.stands_out}.", ""]
    if section.tests:
        lines += [f"Tests across the departments: {section.tests}.", ""]
    lines += _table(SHARE_HEADERS, [share_row(s) for s in (section.here, *section.others)])
    if section.by_group:
        lines += ["", "By focus-group kind in this department:", ""]
        lines += _table(SHARE_HEADERS, [share_row(s) for s in section.by_group])
    lines.append("")
    for quote in section.quotes:
        lines += [f"> {_one_line(quote.text)}", ">", f"> — {source_text(quote)}", ""]
    return lines


def _table(headers: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str] | tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return [line(headers), line(["---"] * len(headers)), *(line(row) for row in rows)]


def _one_line(text: str) -> str:
    return " ".join(text.split())
