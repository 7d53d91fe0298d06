from __future__ import annotations

import pytest

from qualcode.errors import InputError
from qualcode.exchange.refi.description import CodeText, pack_description, unpack_description
from qualcode.exchange.refi.guids import normalise_guid, stable_guid
from qualcode.exchange.refi.positions import normalise_text


def test_stable_guid_is_deterministic_and_distinct() -> None:
    assert stable_guid("code", "temporality") == stable_guid("code", "temporality")
    assert stable_guid("code", "temporality") != stable_guid("code", "jobcrafting")


def test_normalise_guid_accepts_braces_and_case() -> None:
    raw = "{AAAAAAAA-1111-2222-3333-444444444444}"
    assert normalise_guid(raw, "x") == "aaaaaaaa-1111-2222-3333-444444444444"
    with pytest.raises(InputError, match="not a GUID"):
        normalise_guid("nope", "x")


def test_description_round_trip() -> None:
    parts = CodeText(
        definition="Breaks.\nSecond line.",
        include=["lunch", "coffee"],
        exclude=["holidays"],
        examples=["We never get\na break."],
        terms={"en": ["break"], "da": ["pause"]},
        key="temporality.breaks",
    )
    text = pack_description(parts)
    assert "Include:\n- lunch" in text
    assert unpack_description(text) == parts


def test_foreign_description_becomes_definition() -> None:
    assert unpack_description("Just words: here.").definition == "Just words: here."


def test_crlf_and_nfc_positions_map() -> None:
    raw = "\ufeffab\r\ncafe\u0301 x\r\n"
    text, mapped = normalise_text(raw)
    assert text == "ab\ncafé x\n"
    old = raw.removeprefix("\ufeff")
    assert text[mapped(old.index("c")) : mapped(old.index(" x"))] == "café"
    assert mapped(len(old)) == len(text)
