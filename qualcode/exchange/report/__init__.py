"""Department reports written as Markdown, HTML (inline SVG charts) and DOCX (PNG charts)."""

from __future__ import annotations

from pathlib import Path

from qualcode.domain.report import Report
from qualcode.errors import QualcodeError

FORMATS = ("md", "html", "docx")


def report_format(path: Path, chosen: str | None = None) -> str:
    """The format to write: `chosen`, else the file's suffix."""
    fmt = (chosen or path.suffix.lstrip(".")).lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        raise QualcodeError(
            f"Cannot write a report to '{path.name}': use a .md, .html or .docx file "
            "(or --format md|html|docx)."
        )
    return fmt


def write_report(report: Report, path: Path, fmt: str) -> None:
    """Write one department's report to `path` as `fmt` (md, html or docx); a path that
    cannot be written is one sentence, not a traceback."""
    try:
        _write_report(report, path, fmt)
    except OSError as error:
        raise QualcodeError(
            f"Could not write {path}: {error.strerror or error}; "
            "check that the folder exists and is writable."
        ) from error


def _write_report(report: Report, path: Path, fmt: str) -> None:
    if fmt == "md":
        from qualcode.exchange.report.markdown import render_markdown

        path.write_text(render_markdown(report), encoding="utf-8")
    elif fmt == "html":
        from qualcode.exchange.report.html import render_html

        path.write_text(render_html(report), encoding="utf-8")
    else:
        from qualcode.exchange.report.docx import write_docx

        write_docx(report, path)
