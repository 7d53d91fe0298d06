"""The report files open in real programs: LibreOffice converts the DOCX to a PDF with the
expected pages and text; headless Chromium renders the HTML with its text. These need the
Debian packages libreoffice-writer-nogui, chromium and poppler-utils, which `.ci/run`
installs; they carry the `browser` mark and run there as their own step."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from qualcode.exchange.report import write_report
from qualcode.services.project import Project
from qualcode.services.report import ReportQuery, build_report

pytestmark = pytest.mark.browser


def tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(f"None of {', '.join(names)} is installed; `.ci/run` installs them.")


@pytest.fixture
def ward(study: Project):
    return build_report(study, ReportQuery(department="Ward"))


def test_libreoffice_converts_the_docx(ward, tmp_path: Path) -> None:
    source = tmp_path / "ward.docx"
    write_report(ward, source, "docx")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            tool("soffice", "libreoffice"),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "ward.pdf"
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert pages >= 3  # provenance, three charts, the concepts and their quotes
    words = " ".join(
        subprocess.run(
            [tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Ward: analysis of the focus groups" in words
    assert "We never get a proper lunch break" in words
    assert "How the quotes were chosen" in words


def test_chromium_renders_the_html(ward, tmp_path: Path) -> None:
    page = tmp_path / "ward.html"
    write_report(ward, page, "html")
    browser = tool("chromium", "chromium-browser")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'c'}"]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "Ward: analysis of the focus groups" in dom
    assert "We never get a proper lunch break" in dom
    shot = tmp_path / "ward.png"
    subprocess.run(
        [browser, *flags, "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
