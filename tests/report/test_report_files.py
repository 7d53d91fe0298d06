"""The report files: Markdown, HTML (valid, self-contained, with SVG charts) and DOCX (real
Word styles, charts as pictures), read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import QualcodeError
from qualcode.exchange.report import report_format, write_report
from qualcode.services.project import Project
from qualcode.services.report import ReportQuery, build_report


@pytest.fixture
def ward(study: Project):
    return build_report(study, ReportQuery(department="Ward", pseudonymise=True))


def test_markdown(ward, tmp_path: Path) -> None:
    path = tmp_path / "ward.md"
    write_report(ward, path, "md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Ward: analysis of the focus groups\n")
    assert "### Temporality (`temporality`)" in text
    assert "In this department: 2 of 4 turns, 50.0 % (95 % CI 15.0 %–85.0 %)" in text
    assert "> We never get a proper lunch break" in text
    assert "> — nurse, staff, ward, turn 2 (coded by 2)" in text
    assert "| Anne | [nurse] | 2 |" in text


def test_html_is_valid_self_contained_and_has_charts(ward, tmp_path: Path) -> None:
    import html5lib

    path = tmp_path / "ward.html"
    write_report(ward, path, "html")
    page = path.read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(page)  # raises on any parse error
    assert page.count("<svg") == 3
    assert "<script" not in page and "<link" not in page
    assert 'src="http' not in page and 'href="http' not in page  # nothing fetched
    assert "We never get a proper lunch break" in page
    assert "Share of turns per concept" in page  # chart titles stay text in the SVG


def test_docx_has_word_styles_and_pictures(ward, tmp_path: Path) -> None:
    import docx

    path = tmp_path / "ward.docx"
    write_report(ward, path, "docx")
    document = docx.Document(str(path))
    styles = {(p.style.name, p.text) for p in document.paragraphs}
    assert ("Title", "Ward: analysis of the focus groups") in styles
    assert ("Heading 2", "Temporality (temporality)") in styles
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert any(q.startswith("We never get a proper lunch break") for q in quotes)
    assert {t.style.name for t in document.tables} == {"Light Grid Accent 1"}
    assert len(document.inline_shapes) == 3


def test_format_from_suffix_or_a_clear_error(tmp_path: Path) -> None:
    assert report_format(tmp_path / "x.HTML") == "html"
    assert report_format(tmp_path / "x.txt", "docx") == "docx"
    with pytest.raises(QualcodeError, match=r"Cannot write a report to 'x.pdf'"):
        report_format(tmp_path / "x.pdf")
