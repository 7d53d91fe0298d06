"""Importing what peers write, without loss: relative text paths (qc), missing texts, partial
imports in one transaction, identical texts, sibling codes of one name, sets, cases and
variables, UTF-16 positions, selections that end before they start, codings without user."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcode.errors import InputError
from qualcode.services.codebooks import codebook_info
from qualcode.services.corpus import get_transcript, list_transcripts, segments
from qualcode.services.exchange import (
    PartialImportError,
    export_project_qdpx,
    import_qdc,
    import_qdpx,
)
from qualcode.services.project import Project
from qualcode.store.models import Code, Transcript

from .peers import guid, project_qde, qc_project, zipped

BOARD = (
    "Chair: We open the meeting.\n"
    "Anna: The budget is late again.\n"
    "Ben: We never have time for planning.\n"
    "Anna: And the phone rings all the time.\n"
)
STAFF = "Nurse: Breaks are rare.\nAide: We skip lunch.\n"


def text_of(project: Project, title: str) -> str:
    return project.read(
        lambda s: s.scalar(select(Transcript.text).where(Transcript.title == title))
    )


def stored_codes(project: Project) -> int:
    return project.read(lambda s: s.scalar(select(func.count()).select_from(Code)))


def coded_characters(project: Project, title: str) -> list[tuple[str, str, str]]:
    """(code key, coder, the characters coded) of every coding of a transcript."""
    text = text_of(project, title)
    found = []
    for view in segments(project, title):
        for coding in view.codings:
            start = view.start_char if coding.start_char is None else coding.start_char
            end = view.end_char if coding.end_char is None else coding.end_char
            found.append((coding.code_key, coding.coder, text[start:end]))
    return sorted(found)


def qc_board(tmp_path: Path, **layout: str) -> Path:
    return qc_project(
        tmp_path / "qc.qdpx",
        {"board_2017.txt": BOARD, "staff/ward.txt": STAFF},
        {"budget": [], "time": ["planning", "interruptions"]},
        [
            ("board_2017.txt", 1, "budget", "chris"),
            ("board_2017.txt", 2, "planning", "chris"),
            ("board_2017.txt", 2, "time", "dana"),
            ("board_2017.txt", 3, "interruptions", "dana"),
            ("staff/ward.txt", 1, "time", "chris"),
        ],
        **layout,
    )


@pytest.mark.parametrize(
    ("layout", "ward"),
    [
        ({}, "ward.txt"),  # plainTextPath="board_2017.txt", the text in sources/
        ({"text_path": "internal://{guid}.txt"}, "staff/ward.txt"),  # the newer qc writer
        ({"text_path": "sources/{name}"}, "ward.txt"),
        ({"folder": ""}, "ward.txt"),  # the text at the top of the archive
    ],
)
def test_qc_project_every_coding_lands_on_the_same_characters(
    project: Project, tmp_path: Path, layout: dict[str, str], ward: str
) -> None:
    summary = import_qdpx(project, qc_board(tmp_path, **layout))
    assert sorted(summary.transcripts_added) == ["board_2017.txt", ward]
    assert summary.codings_added == 5 and summary.not_imported == []
    lines = BOARD.splitlines(keepends=True)
    assert coded_characters(project, "board_2017.txt") == sorted(
        [
            ("budget", "chris", lines[1]),
            ("time.planning", "chris", lines[2]),
            ("time", "dana", lines[2]),
            ("time.interruptions", "dana", lines[3]),
        ]
    )
    assert coded_characters(project, ward) == [("time", "chris", "Aide: We skip lunch.\n")]
    assert [v.speaker for v in segments(project, "board_2017.txt")] == [
        "Chair", "Anna", "Ben", "Anna",
    ]  # fmt: skip


def test_text_paths_match_case_sensitively_and_stay_inside(
    project: Project, tmp_path: Path
) -> None:
    qde = project_qde(
        f'<Sources><TextSource guid="{guid(1)}" plainTextPath="board.txt"/></Sources>'
    )
    path = zipped(tmp_path / "case.qdpx", {"project.qde": qde, "sources/Board.txt": BOARD})
    with pytest.raises(PartialImportError, match=rf"'board.txt' \({guid(1)}\): its text"):
        import_qdpx(project, path)
    escaping = qde.replace("board.txt", "../../etc/passwd")
    path = zipped(tmp_path / "slip.qdpx", {"project.qde": escaping})
    with pytest.raises(InputError, match="points outside the archive"):
        import_qdpx(project, path)
    assert list_transcripts(project) == []


PEER = project_qde(
    f'<Users><User guid="{guid(1, 1)}" name="Maria"/></Users>'
    "<CodeBook><Codes>"
    f'<Code guid="{guid(1, 2)}" name="Time" isCodable="true">'
    f'<Code guid="{guid(2, 2)}" name="Breaks" isCodable="true"/>'
    f'<Code guid="{guid(3, 2)}" name="Breaks" isCodable="true"/>'
    "</Code></Codes></CodeBook>"
    f'<Variables><Variable guid="{guid(1, 3)}" name="Site" typeOfVariable="Text"/>'
    f'<Variable guid="{guid(2, 3)}" name="Age" typeOfVariable="Integer"/></Variables>'
    f'<Cases><Case guid="{guid(1, 4)}" name="Ward 7">'
    f'<VariableValue><VariableRef targetGUID="{guid(2, 3)}"/><IntegerValue>41</IntegerValue>'
    f'</VariableValue><SourceRef targetGUID="{guid(1, 5)}"/></Case></Cases>'
    "<Sources>"
    f'<TextSource guid="{guid(1, 5)}" name="Interview A" plainTextPath="internal://a.txt">'
    f'<PlainTextSelection guid="{guid(1, 6)}" startPosition="7" endPosition="21" '
    f'creatingUser="{guid(1, 1)}">'
    f'<Coding guid="{guid(1, 7)}" creatingUser="{guid(1, 1)}">'
    f'<CodeRef targetGUID="{guid(2, 2)}"/></Coding></PlainTextSelection>'
    f'<PlainTextSelection guid="{guid(2, 6)}" startPosition="28" endPosition="41">'
    f'<Coding guid="{guid(2, 7)}"><CodeRef targetGUID="{guid(3, 2)}"/></Coding>'
    "</PlainTextSelection>"
    f'<VariableValue><VariableRef targetGUID="{guid(1, 3)}"/><TextValue>North</TextValue>'
    "</VariableValue></TextSource>"
    f'<TextSource guid="{guid(2, 5)}" name="Interview B" plainTextPath="internal://b.txt"/>'
    f'<TextSource guid="{guid(3, 5)}" plainTextPath="internal://c.txt"/>'
    "</Sources>"
    f'<Sets><Set guid="{guid(1, 8)}" name="Break codes"><MemberCode targetGUID="{guid(2, 2)}"/>'
    f'<MemberCode targetGUID="{guid(3, 2)}"/></Set>'
    f'<Set guid="{guid(2, 8)}" name="Wave 1"><MemberSource targetGUID="{guid(1, 5)}"/>'
    f'<MemberSource targetGUID="{guid(2, 5)}"/></Set></Sets>'
)
TEXT_A = "Maria: We skip breaks.\nOle: We skip lunch too.\n"


def peer_file(tmp_path: Path, qde: str = PEER, **texts: str) -> Path:
    entries: dict[str, str | bytes] = {"project.qde": qde, "sources/a.txt": TEXT_A}
    entries |= {f"sources/{name}.txt": text for name, text in texts.items()}
    return zipped(tmp_path / "peer.qdpx", entries)


def test_identical_texts_stay_two_transcripts_unless_asked(
    project: Project, tmp_path: Path
) -> None:
    path = peer_file(tmp_path, b=TEXT_A, c=TEXT_A)
    summary = import_qdpx(project, path)
    assert summary.transcripts_added == ["Interview A", "Interview B", "c.txt"]
    again = import_qdpx(project, path)
    assert again.transcripts_added == [] and again.codings_added == 0
    assert again.transcripts_merged == ["Interview A", "Interview B", "c.txt"]
    other = peer_file(tmp_path, PEER.replace("0005-0000-0000-0000", "0009-0000-0000-0000"))
    merged = import_qdpx(project, other, merge_by_text=True, allow_partial=True)
    assert merged.transcripts_added == [] and len(list_transcripts(project)) == 3


def test_missing_texts_are_named_and_nothing_is_stored_without_allow_partial(
    project: Project, tmp_path: Path
) -> None:
    path = peer_file(tmp_path)  # b.txt and c.txt are left out
    with pytest.raises(PartialImportError) as caught:
        import_qdpx(project, path)
    message = str(caught.value)
    assert f"source 'Interview B' ({guid(2, 5)}): its text internal://b.txt is not in" in message
    assert f"source 'c.txt' ({guid(3, 5)})" in message and "None" not in message
    assert "--allow-partial" in message
    assert list_transcripts(project) == [] and stored_codes(project) == 0
    summary = import_qdpx(project, path, allow_partial=True)
    assert summary.transcripts_added == ["Interview A"] and summary.codings_added == 2
    assert len(summary.not_imported) == 2


def test_bare_qde_imports_codebook_users_sets_and_lists_every_source(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "project.qde"
    path.write_text(PEER, encoding="utf-8")
    summary = import_qdpx(project, path, allow_partial=True)
    assert summary.transcripts_added == [] and summary.coders == ["Maria"]
    assert [item.split(":")[0] for item in summary.not_imported] == [
        f"source 'Interview A' ({guid(1, 5)})",
        f"source 'Interview B' ({guid(2, 5)})",
        f"source 'c.txt' ({guid(3, 5)})",
    ]
    assert summary.kept == {"variables": 2, "cases": 1, "sets": 2}
    assert len(codebook_info(project).codes) == 3
    # the codings on a source whose text is missing are counted, not dropped unsaid
    assert summary.not_imported[0].endswith("; its 2 codings are not imported")
    assert not summary.not_imported[1].endswith("not imported")


def test_sibling_codes_with_one_name_stay_two_codes(project: Project, tmp_path: Path) -> None:
    summary = import_qdpx(project, peer_file(tmp_path), allow_partial=True)
    assert summary.codes_added == ["time", "time.breaks", "time.breaks_2"]
    assert any("kept apart as time.breaks and time.breaks_2" in w for w in summary.warnings)
    assert coded_characters(project, "Interview A") == [
        ("time.breaks", "Maria", "We skip breaks"),
        ("time.breaks_2", "imported", "We skip lunch"),
    ]
    assert "1 coding names no user; it was given to the coder 'imported'." in summary.warnings


def test_cases_and_variables_show_on_the_transcript(project: Project, tmp_path: Path) -> None:
    import_qdpx(project, peer_file(tmp_path), allow_partial=True)
    assert get_transcript(project, "Interview A").variables == {"Site": "North", "Age": "41"}


def test_a_bad_selection_leaves_nothing_unless_partial_is_allowed(
    project: Project, tmp_path: Path
) -> None:
    backwards = PEER.replace(
        'startPosition="28" endPosition="41"', 'startPosition="41" endPosition="28"'
    )
    path = peer_file(tmp_path, backwards, b="B text\n", c="C text\n")
    with pytest.raises(PartialImportError, match=rf"selection {guid(2, 6)} \[41, 28\) ends before"):
        import_qdpx(project, path)
    assert list_transcripts(project) == []
    summary = import_qdpx(project, path, allow_partial=True)
    assert summary.codings_added == 1 and len(summary.not_imported) == 1


EMOJI = "Ana: I love it \U0001f600 really.\nBo: The break \U0001f61e is short.\n"


def emoji_file(tmp_path: Path, origin: str, start: int, end: int) -> Path:
    qde = project_qde(
        f'<CodeBook><Codes><Code guid="{guid(1, 2)}" name="Mood" isCodable="true"/></Codes>'
        f'</CodeBook><Sources><TextSource guid="{guid(1, 5)}" name="E" '
        'plainTextPath="internal://e.txt">'
        f'<PlainTextSelection guid="{guid(1, 6)}" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="{guid(1, 7)}"><CodeRef targetGUID="{guid(1, 2)}"/>'
        "</Coding></PlainTextSelection></TextSource></Sources>",
        origin=origin,
    )
    return zipped(tmp_path / f"{origin}.qdpx", {"project.qde": qde, "sources/e.txt": EMOJI})


def test_utf16_positions_from_nvivo_are_converted(project: Project, tmp_path: Path) -> None:
    # "The break 😞 is short": in UTF-16 the first emoji counts 2, so it starts at 39, not 38.
    start = EMOJI.index("The") + 1
    end = EMOJI.index(" is short") + 2
    summary = import_qdpx(project, emoji_file(tmp_path, "NVivo 14", start, end))
    assert "UTF-16 code units (the file comes from NVivo 14)" in summary.positions
    assert coded_characters(project, "E") == [("mood", "imported", "The break \U0001f61e")]


def test_utf16_positions_detected_when_only_they_fit(project: Project, tmp_path: Path) -> None:
    # The whole last line: it ends at 53 in UTF-16 code units, past the 51 code points.
    start, end = EMOJI.index("Bo") + 1, len(EMOJI) + 2
    summary = import_qdpx(project, emoji_file(tmp_path, "SomeTool", start, end))
    assert "UTF-16 code units in E (they fit the text only counted so)" in summary.positions
    assert coded_characters(project, "E") == [("mood", "imported", EMOJI.split("\n")[1] + "\n")]


def test_positions_option_overrides_detection(project: Project, tmp_path: Path) -> None:
    start, end = EMOJI.index("Bo") + 1, len(EMOJI) + 2
    path = emoji_file(tmp_path, "SomeTool", start, end)
    with pytest.raises(PartialImportError, match="lies outside the text of 51 characters"):
        import_qdpx(project, path, positions="codepoints")
    summary = import_qdpx(project, path, positions="utf16")
    assert summary.positions == "positions read as UTF-16 code units (as asked)"


@pytest.mark.parametrize(
    "attribute", ["guid", "targetGUID"]
)  # the codebook schema's, the project's
def test_qdc_code_sets_are_kept(project: Project, tmp_path: Path, attribute: str) -> None:
    qdc = tmp_path / "book.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022"><Codes>'
        f'<Code guid="{guid(1, 2)}" name="Time" isCodable="true"/></Codes>'
        f'<Sets><Set guid="{guid(1, 8)}" name="Core"><MemberCode {attribute}="{guid(1, 2)}"/>'
        "</Set></Sets></CodeBook>",
        encoding="utf-8",
    )
    summary = import_qdc(project, qdc)
    assert summary.kept == {"sets": 1} and summary.codes_added == ["time"]


def test_a_set_member_without_a_guid_is_named(project: Project, tmp_path: Path) -> None:
    qdc = tmp_path / "book.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{guid(1, 2)}" name="Time" isCodable="true"/></Codes>'
        f'<Sets><Set guid="{guid(1, 8)}" name="Core"><MemberCode/></Set></Sets></CodeBook>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="a MemberCode element has no guid") as caught:
        import_qdc(project, qdc)
    assert "None" not in str(caught.value) and stored_codes(project) == 0


def test_a_peer_transcript_lists_the_words_of_its_turns(project: Project, tmp_path: Path) -> None:
    import_qdpx(project, qc_board(tmp_path))
    words = {info.title: info.n_words for info in list_transcripts(project)}
    assert words == {"board_2017.txt": len(BOARD.split()), "ward.txt": len(STAFF.split())}
    assert get_transcript(project, "board_2017.txt").n_words == len(BOARD.split())


def test_code_sets_inside_a_projects_codebook_are_kept(project: Project, tmp_path: Path) -> None:
    inside = PEER.replace(
        "</Code></Codes></CodeBook>",
        f'</Code></Codes><Sets><Set guid="{guid(3, 8)}" name="Codebook set">'
        f'<MemberCode targetGUID="{guid(1, 2)}"/></Set></Sets></CodeBook>',
    )
    summary = import_qdpx(project, peer_file(tmp_path, inside, b="B\n", c="C\n"))
    assert summary.kept == {"variables": 2, "cases": 1, "sets": 3}
    export_project_qdpx(project, tmp_path / "out.qdpx")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        qde = archive.read("project.qde").decode("utf-8")
    assert f'<Set guid="{guid(3, 8)}" name="Codebook set">' in qde
