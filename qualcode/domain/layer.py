"""Coder layers: whose codings a figure counts, spelled one way everywhere.

A layer is written as text on the command line, in the TUI's pickers and in stored
settings, and parsed once into a `Layer`:

- ``all``: every (non-consensus) coder together; a turn counts once per code however many
  coders coded it;
- ``consensus``: the adjudicated layer (the coder rows flagged ``is_consensus``);
- ``model:<version>``: the codings `qualcode suggest write` stored for one version of the
  suggester (its codebook and trained models): a coder row of that name with the role
  ``model``, left out of ``all``, so agreement treats the model as one more coder;
- anything else: one coder's own layer, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from qualcode.errors import QualcodeError

ALL = "all"
CONSENSUS = "consensus"
MODEL_PREFIX = "model:"
# The coder role of a model's layer: not a person, never part of the all-coders layer.
MODEL_ROLE = "model"


class LayerKind(StrEnum):
    ALL = "all"
    CONSENSUS = "consensus"
    CODER = "coder"
    MODEL = "model"


@dataclass(frozen=True)
class Layer:
    """A parsed layer; `name` is the coder's name or the model's version (else empty)."""

    kind: LayerKind = LayerKind.ALL
    name: str = ""

    @classmethod
    def parse(cls, text: str | None) -> Layer:
        """The layer a text names (None or empty: all coders)."""
        value = (text or "").strip()
        if not value or value == ALL:
            return cls()
        if value == CONSENSUS:
            return cls(LayerKind.CONSENSUS)
        if value.startswith(MODEL_PREFIX):
            version = value.removeprefix(MODEL_PREFIX).strip()
            if not version:
                raise QualcodeError(
                    f"Layer '{value}' names no model; write model:VERSION "
                    "(see `qualcode suggest write`)."
                )
            return cls(LayerKind.MODEL, version)
        return cls(LayerKind.CODER, value)

    @classmethod
    def coder(cls, name: str) -> Layer:
        return cls(LayerKind.CODER, name)

    @classmethod
    def of_options(cls, coder: str | None, consensus: bool, layer: str | None = None) -> Layer:
        """The layer of the `--coder NAME` / `--consensus` / `--layer TEXT` options."""
        if sum((bool(coder), consensus, bool(layer))) > 1:
            raise QualcodeError(
                "Choose one coder layer: --coder NAME, --consensus or --layer TEXT, not two."
            )
        if layer:
            return cls.parse(layer)
        if consensus:
            return cls(LayerKind.CONSENSUS)
        return cls.coder(coder) if coder else cls()

    @property
    def is_all(self) -> bool:
        return self.kind is LayerKind.ALL

    @property
    def is_consensus(self) -> bool:
        return self.kind is LayerKind.CONSENSUS

    @property
    def coder_name(self) -> str | None:
        return self.name if self.kind is LayerKind.CODER else None

    @property
    def text(self) -> str:
        """The spelling `parse` reads back."""
        if self.kind is LayerKind.CODER:
            return self.name
        if self.kind is LayerKind.MODEL:
            return MODEL_PREFIX + self.name
        return self.kind.value

    @property
    def label(self) -> str:
        """How a table's provenance line names the layer."""
        if self.kind is LayerKind.CODER:
            return f"coder {self.name}"
        if self.kind is LayerKind.MODEL:
            return f"model {self.name}"
        if self.kind is LayerKind.CONSENSUS:
            return "consensus"
        return "all coders (a turn counts once per code however many coders coded it)"

    def __str__(self) -> str:
        return self.text
