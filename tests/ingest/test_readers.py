import codecs
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from qualcode.domain.transcript import Turn
from qualcode.errors import InputError
from qualcode.ingest.readers import SUPPORTED_EXTENSIONS, read_transcript, read_transcript_bytes


@pytest.mark.parametrize(
    ("name", "first_speaker", "count"),
    [
        ("focus_group_labelled.txt", "Moderator", 5),
        ("otter_export.txt", "Speaker 1", 3),
        ("teams_meeting.vtt", "Søren Hansen", 2),
        ("zoom_meeting.vtt", "Moderator", 3),
        ("interview.srt", "MODERATOR", 3),
    ],
)
def test_dispatch_by_extension_and_content(
    fixtures: Path, name: str, first_speaker: str, count: int
) -> None:
    parsed = read_transcript(fixtures / name)
    assert parsed.source_name == name
    assert parsed.turns[0].speaker == first_speaker
    assert len(parsed.turns) == count


def test_bytes_and_path_give_the_same_result(fixtures: Path) -> None:
    path = fixtures / "zoom_meeting.vtt"
    assert read_transcript_bytes(path.read_bytes(), path.name) == read_transcript(path)


def test_markdown_and_text_extensions() -> None:
    for name in ("a.md", "a.TEXT", "a.Txt"):
        assert read_transcript_bytes(b"Anne: hi", name).turns == [Turn("Anne", "hi")]


def test_docx(make_docx: Callable[[list], bytes], tmp_path: Path) -> None:
    path = tmp_path / "group.docx"
    path.write_bytes(make_docx(["Anne: hi", "Bo: hello"]))
    assert read_transcript(path).turns == [Turn("Anne", "hi"), Turn("Bo", "hello")]


def test_encoding_option_reaches_the_decoder() -> None:
    data = "Søren: hej".encode("cp1252")
    with pytest.raises(InputError, match="--encoding"):
        read_transcript_bytes(data, "a.txt")
    parsed = read_transcript_bytes(data, "a.txt", encoding="cp1252")
    assert parsed.turns == [Turn("Søren", "hej")]


def test_utf16_vtt() -> None:
    text = "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\n<v Åse>Hej</v>\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert read_transcript_bytes(data, "a.vtt").turns == [Turn("Åse", "Hej", 1.0, 2.0)]


def test_word_file_with_txt_extension_is_binary() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InputError, match="binary file"):
        read_transcript_bytes(buffer.getvalue(), "group.txt")


def test_no_speakers_option(fixtures: Path) -> None:
    with pytest.raises(InputError, match="--no-speakers"):
        read_transcript(fixtures / "no_speakers.txt")
    parsed = read_transcript(fixtures / "no_speakers.txt", no_speakers=True)
    assert [t.speaker for t in parsed.turns] == [None, None]
    # Otter sniffing is off with --no-speakers: headers are kept as text.
    otter = read_transcript(fixtures / "otter_export.txt", no_speakers=True)
    assert otter.turns[0].text.startswith("Speaker 1  0:09\nGood morning")


@pytest.mark.parametrize("name", ["group.pdf", "group"])
def test_unknown_extension_lists_supported(name: str) -> None:
    with pytest.raises(InputError) as caught:
        read_transcript_bytes(b"Anne: hi", name)
    message = str(caught.value)
    assert message.startswith(f"{name}: files ending in")
    assert all(extension in message for extension in SUPPORTED_EXTENSIONS)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file does not exist"):
        read_transcript(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="this is a folder"):
        read_transcript(tmp_path)


def test_empty_turns_are_dropped_and_no_text_is_an_error() -> None:
    assert read_transcript_bytes(b"Anne:\nBo: hi", "a.txt").turns == [Turn("Bo", "hi")]
    with pytest.raises(InputError, match="contains no transcript text"):
        read_transcript_bytes(b"WEBVTT\n\n00:01.000 --> 00:02.000\n<i></i>\n", "a.vtt")


def test_empty_and_crlf_nfd_through_the_dispatcher() -> None:
    with pytest.raises(InputError, match="empty"):
        read_transcript_bytes(b"", "a.srt")
    data = "1\r\n00:00:01,000 --> 00:00:02,000\r\nA\u030ase: ja\r\n".encode()
    assert read_transcript_bytes(data, "a.srt").turns == [Turn("Åse", "ja", 1.0, 2.0)]
