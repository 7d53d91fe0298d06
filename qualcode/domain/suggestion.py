"""Read models for code suggestions: ranked codes with reasons, stored suggestions, reports."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from qualcode.domain.codekey import CodeKey

LEARNED = "learned"
CONTEXT_MARK = " (context)"  # a reason's term found in the turns around the turn, not in it
STATUSES = ("pending", "accepted", "rejected")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CodeScore(_Frozen):
    """One ranked code for a text: a calibrated score in 0..1 and why it was suggested."""

    code: str
    score: float
    why: list[str] = Field(default_factory=list)

    @property
    def concept(self) -> str:
        return CodeKey(self.code).concept


class TextSuggestions(_Frozen):
    text: str
    suggestions: list[CodeScore]


def evidence_terms(reason: str) -> list[str]:
    """The terms a stored reason names as found in the turn's own text (not in the turns
    around it, not the learned model)."""
    parts = (part.strip() for part in reason.split(","))
    return [p for p in parts if p and p != LEARNED and not p.endswith(CONTEXT_MARK.strip())]


def holds_evidence(text: str, reason: str) -> bool:
    """True when `text` holds one of the reason's own-text terms at the start of a word (case
    ignored): which half of a split turn a pending suggestion belongs to."""
    folded = text.casefold()
    return any(
        re.search(r"(?<!\w)" + re.escape(term.casefold()), folded)
        for term in evidence_terms(reason)
    )


class SuggestionView(_Frozen):
    """A stored suggestion for one coder on one turn."""

    id: int
    segment_id: int
    code_key: str
    code_name: str
    coder: str
    score: float
    reason: str
    status: str
    model_version: str


class SuggestRun(_Frozen):
    """What `suggest` stored: per run, new and refreshed pending suggestions."""

    transcripts: int
    segments: int  # participant turns ranked
    created: int
    updated: int
    model_version: str
    warnings: list[str] = Field(default_factory=list)
    moderator_turns: int = 0  # turns of a moderator role: never offered a suggestion


class ModelLayerRun(_Frozen):
    """What `suggest write` stored: the model's codings as the layer `model:<version>`."""

    layer: str  # the coder name, e.g. "model:codebook-three_concepts-v1+textcat-en-2"
    transcripts: int
    segments: int  # participant turns ranked
    moderator_turns: int  # turns of a moderator role: never coded by the model
    codings: int  # whole-turn codings written
    coded_segments: int  # participant turns that got at least one code
    replaced: int  # the layer's codings in these transcripts before
    top: int
    min_score: float
    warnings: list[str] = Field(default_factory=list)


class TrainReport(_Frozen):
    """A trained model: `labels` are its codes and concept labels (`concept:KEY`);
    `too_rare` the codes the layer applied that got no label (too few coded turns)."""

    version: str
    layer: str
    language: str
    n_examples: int
    n_negative: int
    labels: list[str]
    seconds: float
    too_rare: list[str] = []
    code_support: int = 0  # the coded turns a code needs for a label
    open_support: int = 0  # ... an open code


class ModelStatus(_Frozen):
    """The newest model of a language and whether enough new codings invite retraining."""

    language: str
    version: str | None
    layer: str | None
    trained_on: int
    codings_now: int
    retrain_advised: bool
    message: str


class MetricRow(_Frozen):
    """Evaluation figures for one label (a code or a concept), or `all` for the totals."""

    label: str
    support: int
    predicted: int
    true_positive: int
    precision: float
    recall: float
    f1: float


class Rate(_Frozen):
    """A share `successes / n` with its 95 % Wilson score interval."""

    successes: int
    n: int
    value: float
    low: float
    high: float


class LabelEval(_Frozen):
    """Ranking figures for one label (code or concept): precision@1 over the turns that
    ranked it first, recall@3 over the turns it was applied to, and their chance baselines
    (its prevalence among the turns; 3 / number of labels)."""

    label: str
    support: int
    precision_at_1: Rate
    chance_at_1: float
    recall_at_3: Rate
    chance_at_3: float


class LanguageEval(_Frozen):
    """Precision@1 (unit: turn) and recall@3 (unit: applied label) of one language's turns."""

    language: str
    precision_at_1: Rate
    recall_at_3: Rate


class StageEval(_Frozen):
    """Evaluation of one stage (codebook or combined) at one level (code or concept)."""

    stage: str
    level: str
    n_segments: int
    n_without_suggestion: int
    precision_at_1: float
    recall_at_3: float
    micro_f1: float
    macro_f1: float
    rows: list[MetricRow]
    # Denominators, intervals and baselines of the two ranking figures (see suggest.metrics).
    p_at_1: Rate | None = None  # unit: turn
    r_at_3: Rate | None = None  # unit: label applied to a turn
    n_labels: int = 0  # labels a ranking chooses from: the codebook's codes or concepts
    chance_at_1: float = 0.0
    chance_at_3: float = 0.0
    labels: list[LabelEval] = Field(default_factory=list)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict)
    languages: list[LanguageEval] = Field(default_factory=list)


class EvalReport(_Frozen):
    layer: str
    folds: int
    seed: int
    threshold: float
    stages: list[StageEval]
    warnings: list[str] = Field(default_factory=list)
    split: str = "turn"

    def get(self, stage: str, level: str) -> StageEval:
        return next(item for item in self.stages if item.stage == stage and item.level == level)
