"""The department report as one self-contained HTML page: inline CSS and SVG charts, no
JavaScript and nothing fetched from the network."""

from __future__ import annotations

from html import escape

from qualcode.domain.report import CodeSection, Report, ReportQuote, source_text
from qualcode.exchange.report import charts
from qualcode.exchange.report.text import (
    SHARE_HEADERS,
    card_codes_text,
    share_row,
    share_text,
)

STYLE = """
body { font-family: Georgia, serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1, h2, h3, h4 { font-family: Helvetica, Arial, sans-serif; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; }
blockquote { border-left: 4px solid #1f77b4; margin: 0.8em 0; padding: 0.2em 1em;
             background: #f5f8fb; }
blockquote footer { font-size: 0.85em; color: #555; }
.definition { font-style: italic; color: #444; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
"""


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(report.title)}</h1>",
        _table((), [list(pair) for pair in report.provenance], numeric=False),
        "<h2>How the quotes were chosen</h2>",
        f"<p>{escape(report.ranking_rule)}</p>",
        "<h2>Figures</h2>",
        _figure(charts.share_bars(report, "svg"), "Share of turns per concept"),
        _figure(charts.residual_heatmap(report, "svg"), "Adjusted residuals"),
        _figure(charts.cooccurrence_network(report, "svg"), "Co-occurrence of codes"),
        "<h2>Concepts and codes</h2>",
        *(_section(section, report.here_label) for section in report.sections),
        "<h2>Open codes</h2>",
        _open_codes(report),
        "<h2>Statement cards</h2>",
        _cards(report),
        "<h2>Memos</h2>",
        _memos(report),
    ]
    if report.replacements:
        parts += [
            "<h2>Pseudonymisation</h2>",
            _table(
                ("Name", "Replaced by", "Times"),
                [[name, f"[{label}]", str(n)] for name, label, n in report.replacements],
            ),
        ]
    parts += [f"<p><em>{escape(note)}</em></p>" for note in report.notes]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _section(section: CodeSection, here: str) -> str:
    tag = "h3" if section.depth == 1 else "h4"
    parts = [f"<{tag}>{escape(section.name)} <code>{escape(section.key)}</code></{tag}>"]
    if section.definition:
        parts.append(f'<p class="definition">{escape(section.definition)}</p>')
    parts.append(
        f"<p>{escape(here)}: {escape(share_text(section.here))}; {escape(section.stands_out)}.</p>"
    )
    if section.tests:
        parts.append(f'<p class="tests">Tests across the departments: {escape(section.tests)}.</p>')
    parts.append(_table(SHARE_HEADERS, [share_row(s) for s in (section.here, *section.others)]))
    if section.by_group:
        parts.append("<p>By focus-group kind in this department:</p>")
        parts.append(_table(SHARE_HEADERS, [share_row(s) for s in section.by_group]))
    parts += [_blockquote(quote) for quote in section.quotes]
    return "\n".join(parts)


def _open_codes(report: Report) -> str:
    if not report.open_codes:
        return "<p>No open code was applied in this department.</p>"
    items = []
    for section in report.open_codes:
        item = f"<li><strong>{escape(section.name)}</strong> <code>{escape(section.key)}</code>: "
        item += escape(share_text(section.here))
        if section.quotes:
            item += _blockquote(section.quotes[0])
        items.append(item + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _cards(report: Report) -> str:
    if not report.cards:
        return "<p>No card sections in this department's transcripts.</p>"
    items = []
    for card in report.cards:
        item = (
            f"<li><strong>{escape(card.key)}</strong>: “{escape(card.statement)}”: "
            f"{escape(card_codes_text(card.turns, card.codes))}"
        )
        if card.quote:
            item += _blockquote(card.quote)
        items.append(item + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _memos(report: Report) -> str:
    if not report.memos:
        return "<p>No memos on these codes or this department's transcripts.</p>"
    items = "".join(
        f"<li><em>{escape(m.about)}</em> ({escape(m.author or 'unknown')}): {escape(m.text)}</li>"
        for m in report.memos
    )
    return f"<ul>{items}</ul>"


def _blockquote(quote: ReportQuote) -> str:
    return (
        f"<blockquote><p>{escape(quote.text)}</p>"
        f"<footer>— {escape(source_text(quote))}</footer></blockquote>"
    )


def _figure(svg: str | bytes, caption: str) -> str:
    assert isinstance(svg, str)
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _table(headers: tuple[str, ...], rows: list[list[str]], *, numeric: bool = True) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if headers else ""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(c)}</td>'
            if numeric and _numeric(c)
            else f"<td>{escape(c)}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def _numeric(cell: str) -> bool:
    return bool(cell) and cell.replace(".", "").replace("-", "").replace(" %", "").isdigit()
