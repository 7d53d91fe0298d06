"""docs/tui.md lists every key id a keymap file may name (regenerate it when a key changes)."""

from __future__ import annotations

from pathlib import Path

from qualcode.tui.key_ids import END, START, key_ids, markdown

DOC = (Path(__file__).resolve().parents[2] / "docs" / "tui.md").read_text(encoding="utf-8")


def test_the_key_id_list_in_docs_tui_md_is_the_generated_one() -> None:
    listed = DOC[DOC.index(START) : DOC.index(END) + len(END)]
    assert listed == markdown(), "run `python -m qualcode.tui.key_ids` and paste it in docs/tui.md"


def test_the_list_has_every_screen_and_the_compare_keys() -> None:
    ids = key_ids()
    assert "goto.compare" in ids["goto"]
    assert {"compare.dimension", "compare.quotes"} <= set(ids["compare"])
    assert {"corpus.done", "coding.split", "agreement.take_a"} <= {
        key for group in ids.values() for key in group
    }
