"""Read models of inter-coder agreement, disagreements and adjudications."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qualcode.domain.turns import turn_number, turn_ref

UnitKind = Literal["turn", "sentence", "character"]
GroupBy = Literal["code", "transcript", "department", "card"]
Average = Literal["pooled", "weighted", "unweighted"]
"""Character level across transcripts: kappa of the pooled counts (default), or NVivo's
length-weighted or plain mean of per-transcript kappas."""
Decision = Literal["take", "both", "neither", "recode"]
ALL_CODES = "(all codes)"
OVERALL = "(all)"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AgreementOptions(_Frozen):
    """What `qualcode agree` compares: coders, codes, unit, grouping."""

    coders: tuple[str, ...] | None = None
    codes: tuple[str, ...] | None = None
    concepts: bool = False
    by: GroupBy = "code"
    unit: UnitKind = "turn"
    overlap: float | None = None
    exclude_uncoded: bool = False
    average: Average = "pooled"
    empty_as_one: bool = False  # NVivo: kappa 1 for a transcript neither coder coded
    intervals: bool = True
    include_moderators: bool = False  # turn and sentence units: moderators' turns too
    cards: tuple[str, ...] = ()  # turn and sentence units: only these cards' sections
    weights: Literal["linear", "quadratic", "ordinal", "ratio"] | None = None
    """With `codes` naming the ordered levels of one code set: weighted agreement on them."""


AlphaLevel = Literal["nominal", "ordinal", "interval", "ratio"]
# Krippendorff's distance that each weighting scheme of the kappa family corresponds to.
_LEVEL_OF_WEIGHTS: dict[str, AlphaLevel] = {
    "quadratic": "interval",
    "ordinal": "ordinal",
    "ratio": "ratio",
}


class MatrixOptions(_Frozen):
    """What `qualcode agree matrix FILE` reads and computes."""

    level: AlphaLevel | None = None
    weights: Literal["identity", "linear", "quadratic", "ordinal", "ratio"] | None = None
    counts: bool = False  # a counts table (units x categories) instead of units x coders
    categories: tuple[str, ...] | None = None
    header: bool | None = None  # None: decide from the first row
    intervals: bool = True

    @property
    def alpha_level(self) -> AlphaLevel:
        """Krippendorff's alpha's level: as given, else the one whose distance matches the
        weights (quadratic: interval, ordinal: ordinal, ratio: ratio), else nominal."""
        if self.level is not None:
            return self.level
        return _LEVEL_OF_WEIGHTS.get(self.weights or "", "nominal")


class AgreementRow(_Frozen):
    """Coefficients of one code (or all codes pooled) within one group of units.

    `both`, `a_only`, `b_only`, `neither` count units for two coders; with more coders
    `both` counts units every coder coded, `neither` units nobody coded, `split` the rest
    (and `a_only`/`b_only` are None). Coefficients are None where undefined. `prevalence`
    is the share of the units that anyone coded with the code.
    """

    group: str
    code: str
    coders: tuple[str, ...]
    n_units: int
    both: int
    a_only: int | None
    b_only: int | None
    neither: int
    split: int
    percent_agreement: float | None
    cohen_kappa: float | None = None
    fleiss_kappa: float | None = None
    krippendorff_alpha: float | None = None
    brennan_prediger: float | None = None
    gwet_ac1: float | None = None
    conger_kappa: float | None = None  # three or more coders (two: equals Cohen's)
    light_kappa: float | None = None  # three or more coders: mean of pairwise Cohen's
    positive_agreement: float | None = None
    """Agreement specific to the code: of the coder pairs where one coded it, the share
    where the other did too (2 both / (2 both + A only + B only) for two coders)."""
    negative_agreement: float | None = None
    """The same for leaving the code off: 2 neither / (2 neither + A only + B only)."""
    u_alpha: float | None = None
    alpha_u: float | None = None  # Krippendorff's (1995) alpha_U, character level
    prevalence: float | None = None
    intervals: dict[str, tuple[float | None, float | None]] = Field(default_factory=dict)
    """95 % interval per coefficient field name (e.g. "krippendorff_alpha")."""


class CoderCoverage(_Frozen):
    """A coder's coverage: the transcripts they coded in or marked done (`marked_done` of
    them marked), the participant turns they coded there, out of those transcripts'."""

    coder: str
    transcripts: int
    marked_done: int
    turns_coded: int
    codings: int
    turns_in_coded_transcripts: int

    @property
    def share(self) -> float | None:
        if not self.turns_in_coded_transcripts:
            return None
        return self.turns_coded / self.turns_in_coded_transcripts


class LayerCoding(_Frozen):
    """A coding as recorded in the adjudication log, enough to restore it exactly."""

    code_key: str
    start_char: int | None = None
    end_char: int | None = None
    origin: str = "adjudicated"
    memo: str | None = None
    created_at: datetime | None = None


class AdjudicationView(_Frozen):
    id: int
    segment_id: int
    code_key: str | None
    decision: str
    supervisor: str | None
    applied: list[LayerCoding]
    replaced: list[LayerCoding]
    memo: str | None
    created_at: datetime
    undone_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.undone_at is None


class Disagreement(_Frozen):
    """A turn on which the compared coders differ about one code."""

    segment_id: int
    transcript_id: int
    transcript: str
    department: str | None
    ordinal: int
    speaker: str | None
    text: str
    code_key: str
    coded_by: list[str]
    not_coded_by: list[str]
    codes: dict[str, list[str]] = Field(default_factory=dict)
    resolution: AdjudicationView | None = None

    @property
    def turn(self) -> int:
        """The 1-based turn number a person reads."""
        return turn_number(self.ordinal)

    @property
    def ref(self) -> str:
        """`T8:4`: how a command names this turn (besides its segment id)."""
        return turn_ref(self.transcript_id, self.ordinal)
