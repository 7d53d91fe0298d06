import codecs
import unicodedata

import pytest

from qualcode.errors import InputError
from qualcode.ingest.decode import decode_bytes


def test_utf8_is_read_and_bom_dropped() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "Søren: hej".encode(), "a.txt") == "Søren: hej"
    assert decode_bytes("Søren: hej".encode(), "a.txt") == "Søren: hej"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_utf16_and_utf32_with_bom(bom: bytes, codec: str) -> None:
    data = bom + "Æble: grød\r\nØrn: så".encode(codec)
    assert decode_bytes(data, "a.txt") == "Æble: grød\nØrn: så"


def test_bom_wins_over_a_given_encoding() -> None:
    data = codecs.BOM_UTF16_LE + "Søren: ja".encode("utf-16-le")
    assert decode_bytes(data, "a.txt", encoding="cp1252") == "Søren: ja"


def test_invalid_utf8_names_file_offset_line_and_option() -> None:
    data = b"Anne: ok\n" + "Søren: hej".encode("cp1252")
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "group1.txt")
    message = str(caught.value)
    assert message.startswith("group1.txt, line 2: bytes at offset 10 are not valid UTF-8.")
    assert "--encoding cp1252" in message
    assert caught.value.line == 2


def test_given_encoding_reads_cp1252() -> None:
    data = "Søren: “hej” – æøå".encode("cp1252")
    assert decode_bytes(data, "a.txt", encoding="cp1252") == "Søren: “hej” – æøå"


def test_invalid_bytes_in_a_given_encoding_are_reported() -> None:
    with pytest.raises(InputError, match=r"offset 0 are not valid ascii"):
        decode_bytes("ø".encode(), "a.txt", encoding="ascii")


def test_unknown_encoding() -> None:
    with pytest.raises(InputError, match="'klingon' is not a known text encoding"):
        decode_bytes(b"Anne: hi", "a.txt", encoding="klingon")


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00\x00\x00\x08\x00", b"Anne: hi\x00\x00"])
def test_binary_content_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"a\.txt: this is a binary file"):
        decode_bytes(data, "a.txt")


def test_nul_in_utf16_text_is_refused() -> None:
    data = codecs.BOM_UTF16_LE + "Anne\x00: hi".encode("utf-16-le")
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(data, "a.txt")


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t ", codecs.BOM_UTF8])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(InputError, match=r"a\.txt: the file is empty\."):
        decode_bytes(data, "a.txt")


def test_crlf_and_cr_become_lf() -> None:
    assert decode_bytes(b"a: 1\r\nb: 2\rc: 3\n", "a.txt") == "a: 1\nb: 2\nc: 3\n"


def test_nfd_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Søren Åse: café")
    assert nfd != "Søren Åse: café"
    assert decode_bytes(nfd.encode(), "a.txt") == "Søren Åse: café"
