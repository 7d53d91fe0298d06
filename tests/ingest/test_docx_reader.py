import io
import zipfile
from collections.abc import Callable

import pytest

from qualcode.domain.transcript import Turn
from qualcode.errors import InputError
from qualcode.ingest.docx_reader import read_docx

MakeDocx = Callable[[list], bytes]


def test_colon_labels_headings_and_preamble(make_docx: MakeDocx) -> None:
    data = make_docx(
        [
            ("#", "Focus group 1, department A"),
            "Recorded on 3 May. Participants: five nurses.",
            [("Moderator:", True), (" Welcome.", False)],
            "Søren (nurse): We plan the day at the morning meeting.",
            "Which rarely holds.",
            ("#", "Card 2"),
            "[00:10:00] Moderator: Next card.",
        ]
    )
    parsed = read_docx(data, "fg1.docx")
    assert parsed.notes == [
        "Focus group 1, department A",
        "Recorded on 3 May. Participants: five nurses.",
        "Card 2",
    ]
    assert parsed.turns == [
        Turn("Moderator", "Welcome."),
        Turn("Søren", "We plan the day at the morning meeting.\nWhich rarely holds.", role="nurse"),
        Turn("Moderator", "Next card.", start=600.0),
    ]


def test_bold_names_without_colon(make_docx: MakeDocx) -> None:
    data = make_docx(
        [
            [("Anne", True), ("\tWe never get a break.", False)],
            [("Really", True), (" important, that one.", False)],  # a bold word, not a speaker
            [("Bo", True), (" – Nor do we.", False)],
            [("Anne", True), (" No.", False)],
            [("Bo:", True), (" Yes.", False)],
            [("Bo", True), (" Again.", False)],
        ]
    )
    assert read_docx(data, "a.docx").turns == [
        Turn("Anne", "We never get a break.\nReally important, that one."),
        Turn("Bo", "Nor do we."),
        Turn("Anne", "No."),
        Turn("Bo", "Yes."),
        Turn("Bo", "Again."),
    ]


def test_table_rows(make_docx: MakeDocx) -> None:
    data = make_docx(
        [
            (
                "table",
                [
                    ["Speaker", "Text"],
                    ["00:01:05", "Anne", "Hello."],
                    ["Bo:", "Hi."],
                    ["", "and more"],
                ],
            ),
        ]
    )
    data_two = make_docx([("table", [["Taler", "Tekst"], ["Anne", "Hej."]])])
    parsed = read_docx(data, "t.docx")
    assert parsed.notes == ["Speaker Text"]
    assert parsed.turns == [Turn("Anne", "Hello.", start=65.0), Turn("Bo", "Hi.\nand more")]
    assert read_docx(data_two, "t.docx").turns == [Turn("Anne", "Hej.")]


def test_no_labels_and_no_speakers(make_docx: MakeDocx) -> None:
    data = make_docx([("#", "Notes"), "First paragraph.", "Second paragraph."])
    with pytest.raises(InputError, match="--no-speakers"):
        read_docx(data, "a.docx")
    parsed = read_docx(data, "a.docx", no_speakers=True)
    assert parsed.turns == [Turn(None, "First paragraph."), Turn(None, "Second paragraph.")]
    assert parsed.notes == ["Notes"]


def test_empty_document(make_docx: MakeDocx) -> None:
    with pytest.raises(InputError, match=r"e\.docx: the document contains no text\."):
        read_docx(make_docx(["", "   "]), "e.docx")


def _zip_without_word_part() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed date: the bytes name the test, and pytest-xdist workers must agree on names.
        archive.writestr(zipfile.ZipInfo("hello.txt", date_time=(2025, 1, 1, 0, 0, 0)), "hi")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"Anne: plain text, not Word", b"\xd0\xcf\x11\xe0 old .doc", _zip_without_word_part()],
    ids=["plain text", "old .doc", "zip without a Word part"],
)
def test_not_a_word_file(data: bytes) -> None:
    with pytest.raises(InputError, match=r"x\.docx: this is not a Word \(\.docx\) file"):
        read_docx(data, "x.docx")
