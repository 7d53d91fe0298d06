"""The domain vocabulary: layers, code keys, the scope rule and roll-ups."""

from __future__ import annotations

import pytest

from qualcode.domain.codekey import CodeKey
from qualcode.domain.layer import Layer, LayerKind
from qualcode.domain.rollup import RollUp, lineage
from qualcode.domain.scope import Coverage, TurnScope, is_moderator
from qualcode.errors import QualcodeError


@pytest.mark.parametrize(
    ("text", "kind", "name", "label"),
    [
        (None, LayerKind.ALL, "", "all coders"),
        ("all", LayerKind.ALL, "", "all coders"),
        ("consensus", LayerKind.CONSENSUS, "", "consensus"),
        ("model:3", LayerKind.MODEL, "3", "model 3"),
        ("anna", LayerKind.CODER, "anna", "coder anna"),
    ],
)
def test_a_layer_is_parsed_once_and_spelled_back(text, kind, name, label) -> None:
    layer = Layer.parse(text)
    assert (layer.kind, layer.name) == (kind, name)
    assert layer.label.startswith(label)
    assert Layer.parse(layer.text) == layer


def test_layer_options_and_bad_layers() -> None:
    assert Layer.of_options("bo", False) == Layer.coder("bo")
    assert Layer.of_options(None, True).is_consensus
    assert Layer.of_options(None, False).is_all
    assert Layer.of_options(None, False, "consensus").is_consensus
    assert Layer.of_options(None, False, "bo") == Layer.coder("bo")
    with pytest.raises(QualcodeError, match="not two"):
        Layer.of_options("bo", True)
    with pytest.raises(QualcodeError, match="not two"):
        Layer.of_options("bo", False, "consensus")
    with pytest.raises(QualcodeError, match="names no model"):
        Layer.parse("model:")


def test_code_key_rules() -> None:
    key = CodeKey("temporality.breaks.lunch")
    assert (key.concept, key.parent, key.depth, key.level, key.last) == (
        "temporality",
        "temporality.breaks",
        2,
        3,
        "lunch",
    )
    assert key.ancestors == ("temporality", "temporality.breaks")
    assert CodeKey("temporality").parent is None
    assert key.within("temporality") and key.within(key.key) and not key.below(key.key)
    assert not CodeKey("temporality_x").within("temporality")  # a prefix is not a parent
    assert CodeKey("temporality").related("temporality.breaks")
    assert not CodeKey("temporality.breaks").related("temporality.interruptions")


def test_the_moderator_rule() -> None:
    assert is_moderator(" Facilitator ")
    assert not is_moderator(None) and not is_moderator("nurse")
    assert is_moderator("Chair", ["chair"])
    scope = TurnScope()
    assert scope.coverage is Coverage.CODED and not scope.include_moderators
    assert not scope.counts_speaker("Moderator") and scope.counts_speaker(None)
    assert TurnScope(include_moderators=True).counts_speaker("moderator")
    assert not scope.counts_transcript(coded=False)
    assert TurnScope(coverage=Coverage.ALL).counts_transcript(coded=False)
    chair = scope.with_moderator_roles(["Chair", "chair "])
    assert chair.excluded_roles == ("chair",)
    assert chair.describe() == "participant turns (not chair) of transcripts the layer has coded"
    assert TurnScope(include_moderators=True, coverage=Coverage.ALL).describe() == (
        "all turns (moderators included) of every transcript"
    )


def test_roll_up_and_lineage_follow_the_keys() -> None:
    codes = [(1, "a"), (2, "a.b"), (3, "a.b.c"), (4, "ab")]
    rollup = RollUp.build(codes, [1, 2, 4])
    assert rollup.own == (1, 2, 4)
    assert rollup.descendants(1) == (1, 2, 3)
    assert rollup.descendants(2) == (2, 3)
    assert rollup.descendants(4) == (4,)
    assert lineage([(1, 9, "a"), (2, 9, "a.b"), (3, 9, "a.b.c"), (5, 8, "a.b")]) == {
        1: (1,),
        2: (2, 1),
        3: (3, 1, 2),
        5: (5,),  # another codebook: its own ancestors only
    }
