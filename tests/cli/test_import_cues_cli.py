"""`qualcode import` refuses cues out of time order unless asked, and says what it kept."""

from __future__ import annotations

from pathlib import Path

from qualcode.services import corpus
from qualcode.services.project import open_project

VTT = """WEBVTT

00:01:00.000 --> 00:01:05.000
<v Anne>We start late.

00:00:01.000 --> 00:00:04.000
<v Bo>Good morning.
"""


def test_import_refuses_then_keeps_with_allow_unordered(run, tmp_path: Path, database_url) -> None:
    path = tmp_path / "fg.vtt"
    path.write_text(VTT, encoding="utf-8")
    refused = run("import", path, "--department", "Ward")
    assert refused.exit_code == 1
    assert "cue 2 starts at 0:00:01.000, before cue 1 (0:01:00.000)" in refused.output
    assert corpus.list_transcripts(open_project(database_url)) == []
    kept = run("import", path, "--department", "Ward", "--allow-unordered")
    assert kept.exit_code == 0, kept.output
    assert "Warning: 1 cue starts before the cue above it (first: cue 2)" in kept.output
    (stored,) = corpus.list_transcripts(open_project(database_url))
    assert stored.n_segments == 2
