"""The report's pictures, drawn with matplotlib (loaded only when a report is written):
bars of shares with their intervals per department, a code x department heat map of
adjusted residuals, and the co-occurrence network of the department's top codes.

Each function returns SVG text (for HTML, inline, no JavaScript) or PNG bytes (for DOCX).
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Literal

from qualcode.domain.report import CodeSection, Report, Share

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Kind = Literal["svg", "png"]
TOP_CODES = 12
MAX_GROUPS = 6  # departments drawn one by one; past that, pooled or the most different


def share_bars(report: Report, kind: Kind) -> str | bytes:
    """Share of turns per concept, one bar per department, with 95 % Wilson intervals.

    With more than `MAX_GROUPS` departments the others are pooled into one bar."""
    figure = _figure(7.0, 3.2)
    axes = figure.add_subplot()
    sections = [s for s in report.sections if s.depth == 1] or list(report.sections)
    bars = [_bar_shares(section) for section in sections]
    groups = [share.group for share in bars[0]] if bars else []
    width = 0.8 / max(len(groups), 1)
    for g, group in enumerate(groups):
        values, lows, highs = [], [], []
        for shares in bars:
            share = shares[g]
            value = share.value or 0.0
            values.append(100 * value)
            # max(0, ...): the interval holds the share, up to rounding
            lows.append(100 * max(0.0, value - (share.low or 0.0)) if share.turns else 0.0)
            highs.append(100 * max(0.0, (share.high or 0.0) - value) if share.turns else 0.0)
        positions = [i + (g - (len(groups) - 1) / 2) * width for i in range(len(sections))]
        axes.bar(
            positions,
            values,
            width,
            yerr=[lows, highs],
            capsize=2,
            label=group,
            color=_colour(g),
            edgecolor="black" if group == report.department else "none",
        )
    axes.set_xticks(range(len(sections)), [_short(s) for s in sections])
    axes.set_ylabel("% of turns (95 % CI)")
    axes.set_title(f"Share of turns per concept: {report.department} and the others")
    axes.legend(fontsize=7, frameon=False)
    _margins(figure, left=0.75, bottom=0.45, top=0.35)
    return _save(figure, kind)


def _bar_shares(section: CodeSection) -> list[Share]:
    """The department first, then the others by name, or pooled when there are many."""
    others = sorted(section.others, key=lambda share: share.group)
    if len(others) >= MAX_GROUPS and section.pooled is not None:
        return [section.here, section.pooled]
    return [section.here, *others]


def residual_heatmap(report: Report, kind: Kind) -> str | bytes:
    """Adjusted residuals, code x department; blank where a cell was not tested.

    With more than `MAX_GROUPS` departments, the department and the others that differ most
    (largest adjusted residual of any code) are shown, and the title says how many."""
    sections = [s for s in (*report.sections, *report.open_codes) if s.depth > 1][: TOP_CODES * 2]
    sections = sections or list(report.sections)
    every = sorted({s.group for section in sections for s in (section.here, *section.others)})
    groups = every
    if len(every) > MAX_GROUPS:
        others = [g for g in every if g != report.department]
        strongest = sorted(
            others,
            key=lambda g: -max(abs(_residual(s, g)) if not math.isnan(_residual(s, g)) else 0.0
                               for s in sections),
        )  # fmt: skip
        groups = [report.department, *sorted(strongest[: MAX_GROUPS - 1])]
    values = [[_residual(section, group) for group in groups] for section in sections]
    figure = _figure(6.5, 0.9 + 0.28 * len(sections))
    axes = figure.add_subplot()
    limit = max([abs(v) for row in values for v in row if not math.isnan(v)] or [1.0])
    image = axes.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    axes.set_xticks(range(len(groups)), groups, fontsize=7, rotation=30 if len(groups) > 4 else 0)
    axes.set_yticks(range(len(sections)), [s.key for s in sections], fontsize=7)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if not math.isnan(value):
                ink = "white" if abs(value) > 0.6 * limit else "black"  # readable on dark cells
                axes.text(c, r, f"{value:.1f}", ha="center", va="center", fontsize=6, color=ink)
    figure.colorbar(image, ax=axes, label="adjusted residual")
    shown = f" ({len(groups)} of {len(every)} departments)" if len(groups) < len(every) else ""
    axes.set_title(f"Where departments differ (adjusted residuals){shown}", fontsize=9)
    longest = max((len(s.key) for s in sections), default=0)
    bottom = 0.35 + (0.5 if len(groups) > 4 else 0.0)
    _margins(figure, left=0.2 + longest * _CHAR_INCHES, bottom=bottom, top=0.3, right=0.55)
    return _save(figure, kind)


def cooccurrence_network(report: Report, kind: Kind) -> str | bytes:
    """The department's top codes on a circle, joined by how many turns carry both."""
    pairs = sorted(report.cooccurrences, key=lambda p: -p[2])[: TOP_CODES * 2]
    nodes = sorted({key for a, b, _ in pairs for key in (a, b)})[:TOP_CODES]
    figure = _figure(5.0, 5.0)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title("Codes that come up in the same turns", fontsize=9)
    _margins(figure, left=0.1, bottom=0.1, top=0.3)
    if not nodes:
        axes.text(0.5, 0.5, "No two codes share a turn.", ha="center")
        return _save(figure, kind)
    place = {
        key: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
        for i, key in enumerate(nodes)
    }
    strongest = max(n for _, _, n in pairs)
    for a, b, n in pairs:
        if a in place and b in place:
            (x1, y1), (x2, y2) = place[a], place[b]
            axes.plot([x1, x2], [y1, y2], color="#555555", linewidth=0.5 + 4 * n / strongest)
    for key, (x, y) in place.items():
        axes.scatter([x], [y], s=120, color=_colour(0), zorder=3)
        axes.text(1.18 * x, 1.18 * y, key, ha="center", va="center", fontsize=7)
    axes.set_xlim(-1.6, 1.6)
    axes.set_ylim(-1.4, 1.4)
    return _save(figure, kind)


def _residual(section: CodeSection, group: str) -> float:
    found = next((s for s in (section.here, *section.others) if s.group == group), None)
    return math.nan if found is None or found.residual is None else found.residual


def _short(section: CodeSection) -> str:
    return section.name if len(section.name) <= 14 else section.name[:13] + "…"


def _colour(index: int) -> str:
    return ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")[index % 6]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


# Width of one character of 7-point text, in inches (about 0.6 em).
_CHAR_INCHES = 7 * 0.6 / 72


def _margins(
    figure: Figure, *, left: float, bottom: float, top: float, right: float = 0.15
) -> None:
    """Fixed margins in inches. matplotlib's constrained layout would find them itself, but
    it draws every figure twice to measure the text, which more than doubled the time of a
    report's pictures; the labels here have known lengths."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=min(left / width, 0.6),
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
    )


def _save(figure: Figure, kind: Kind) -> str | bytes:
    import matplotlib

    buffer = io.BytesIO()
    # Text stays text in SVG (searchable, readable by tests); a fixed salt and no date keep
    # the same report byte-identical.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "qualcode"}):
        figure.savefig(buffer, format=kind, metadata={"Date": None} if kind == "svg" else None)
    if kind == "png":
        return buffer.getvalue()
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]
