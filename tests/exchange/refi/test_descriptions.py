"""A peer's source and selection descriptions (an ATLAS.ti quotation comment, an NVivo
source description) are text someone wrote: the import keeps them as memos, never drops them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.services.exchange import export_project_qdpx, import_qdpx
from qualcode.services.memos import list_memos
from qualcode.services.project import Project

from .peers import guid, project_qde, zipped

TEXT = "Interviewer: How are the breaks?\nAnna: We never get one.\nOle: The phone rings.\n"
START = TEXT.index("We never")
END = START + len("We never get one.")


def _peer_file(tmp_path: Path) -> Path:
    body = (
        f'<Users><User guid="{guid(1, 1)}" name="Maria"/></Users>'
        f'<CodeBook><Codes><Code guid="{guid(1, 2)}" name="Breaks" isCodable="true"/>'
        "</Codes></CodeBook>"
        f'<Sources><TextSource guid="{guid(1, 3)}" name="Ward interview" '
        f'plainTextPath="internal://{guid(1, 3)}.txt">'
        "<Description>Interview in the ward, spring.</Description>"
        f'<PlainTextSelection guid="{guid(1, 4)}" name="never" startPosition="{START}" '
        f'endPosition="{END}" creatingUser="{guid(1, 1)}">'
        "<Description>Key quote about breaks.</Description>"
        f'<Coding guid="{guid(1, 5)}" creatingUser="{guid(1, 1)}">'
        f'<CodeRef targetGUID="{guid(1, 2)}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
    )
    return zipped(
        tmp_path / "peer.qdpx",
        {
            "project.qde": project_qde(body, origin="ATLAS.ti 23"),
            f"sources/{guid(1, 3)}.txt": TEXT,
        },
    )


def test_source_and_selection_descriptions_become_memos(project: Project, tmp_path: Path) -> None:
    summary = import_qdpx(project, _peer_file(tmp_path))
    memos = {(m.target, m.text, m.coder) for m in list_memos(project)}
    assert ("transcript", "Interview in the ward, spring.", None) in memos
    assert ("segment", "Key quote about breaks.", "Maria") in memos
    assert summary.memos_added == 2
    assert any("2 descriptions" in warning for warning in summary.warnings)


def test_descriptions_survive_a_round_trip_once(
    project: Project, other_project: Project, tmp_path: Path
) -> None:
    import_qdpx(project, _peer_file(tmp_path))
    exported = tmp_path / "again.qdpx"
    export_project_qdpx(project, exported)
    summary = import_qdpx(other_project, exported)
    texts = sorted(m.text for m in list_memos(other_project))
    assert texts == ["Interview in the ward, spring.", "Key quote about breaks."]
    assert summary.memos_added == 2
    # qualcode's own descriptions (its metadata) never become memos
    assert not any("descriptions" in warning for warning in summary.warnings)


def test_one_part_left_is_counted_in_the_singular(project: Project, tmp_path: Path) -> None:
    """A file whose one source has no text: the refusal says '1 part' and 'its 1 coding'."""

    from qualcode.services.exchange import PartialImportError

    body = (
        f'<CodeBook><Codes><Code guid="{guid(1, 2)}" name="Breaks" isCodable="true"/>'
        "</Codes></CodeBook>"
        f'<Sources><TextSource guid="{guid(2, 3)}" name="Lost" '
        f'plainTextPath="internal://{guid(2, 3)}.txt">'
        f'<PlainTextSelection guid="{guid(2, 4)}" startPosition="0" endPosition="3">'
        f'<Coding guid="{guid(2, 5)}"><CodeRef targetGUID="{guid(1, 2)}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
    )
    path = zipped(tmp_path / "lost.qdpx", {"project.qde": project_qde(body)})
    with pytest.raises(PartialImportError) as refused:
        import_qdpx(project, path)
    message = str(refused.value)
    assert "1 part cannot be imported" in message
    assert "its 1 coding is not imported" in message
