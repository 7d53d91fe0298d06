"""Character-level rows computed for every code at once (`stacked.Stack`) against the
per-code, per-transcript implementation they replaced (`character_oracle`), to 1e-12."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qualcode.analysis.agreement.bootstrap import Bootstrap
from qualcode.analysis.agreement.continuum import all_coders_table
from qualcode.analysis.agreement.layers import Context, SpanLayers, TranscriptMeta
from qualcode.analysis.agreement.rows import character_rows
from qualcode.domain.agreement import AgreementOptions
from tests.analysis.agreement import character_oracle

FIELDS = ("n_units", "both", "a_only", "b_only", "neither", "percent_agreement")
FIELDS += ("cohen_kappa", "u_alpha", "alpha_u")


def study(seed: int, n_coders: int = 3, n_labels: int = 4, n_docs: int = 7):
    """Random spans (whole turns and parts, overlapping, touching, empty, at the ends) over
    documents of varied length, one of them empty; coder 2 skips one transcript."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(20, 300, n_docs)
    lengths[3] = 0
    rows = []
    for coder in range(n_coders):
        for doc in range(n_docs):
            if coder == 2 and doc == 1:
                continue
            for _ in range(int(rng.integers(0, 12))):
                size = int(lengths[doc])
                start = int(rng.integers(0, size + 1))
                end = int(rng.integers(start, size + 1))
                if rng.random() < 0.2:
                    start, end = 0, size
                rows.append((doc + 1, int(rng.integers(0, n_labels)), coder, start, end))
    transcript, label, coder, start, end = (
        np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)
    )
    takers = {}
    for doc in range(n_docs):
        who = frozenset(range(n_coders)) - ({2} if doc == 1 else set())
        takers[doc + 1] = who
    layers = SpanLayers(transcript, label, coder, start, end, takers)
    context = Context(
        coder_ids=tuple(range(1, n_coders + 1)),
        coders=tuple(f"c{i}" for i in range(n_coders)),
        labels=tuple(f"k.{i}" for i in range(n_labels)),
        label_of={i + 1: i for i in range(n_labels)},
        code_key={i + 1: f"k.{i}" for i in range(n_labels)},
        transcripts={
            d + 1: TranscriptMeta(d + 1, f"T{d + 1}", None, int(lengths[d]), "en")
            for d in range(n_docs)
        },
        codebook="test",
        codebook_version="1",
    )
    return context, layers


def close(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, tuple):
        return all(close(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    "options",
    [
        AgreementOptions(unit="character", intervals=False),
        AgreementOptions(unit="character"),
        AgreementOptions(unit="character", average="weighted", empty_as_one=True),
        AgreementOptions(unit="character", average="unweighted", exclude_uncoded=True),
    ],
)
def test_rows_equal_the_per_code_implementation(seed, options):
    context, layers = study(seed)
    bootstrap = Bootstrap(resamples=200) if options.intervals else None
    new = character_rows(context, layers, options, bootstrap)
    old = character_oracle.character_rows(context, layers, options, 200 if bootstrap else None)
    assert len(new) == len(old) == 3 * (len(context.labels) + 1)
    for row, expected in zip(new, old, strict=True):
        assert (row.code, row.coders) == (expected["code"], expected["coders"])
        for field in FIELDS:
            assert close(getattr(row, field), expected[field]), (row.code, field)
        assert row.intervals.keys() == expected["intervals"].keys()  # type: ignore[attr-defined]
        for name, interval in row.intervals.items():
            assert close(interval, expected["intervals"][name]), (row.code, name)  # type: ignore[index]


@pytest.mark.parametrize("seed", range(12))
def test_all_coder_table_equals_the_per_code_implementation(seed):
    context, layers = study(seed, n_coders=4)
    layers = SpanLayers(
        layers.transcript,
        layers.label,
        layers.coder,
        layers.start,
        layers.end,
        {tid: frozenset(range(4)) for tid in layers.takers},
    )
    table = all_coders_table(context, layers)
    assert table is not None
    new = [(r[0], r[1], r[2]) for r in table.rows if r[1] in ("|u-alpha", "alpha-U")]
    old = character_oracle.all_coders_values(context, layers)
    assert len(new) == len(old) == 2 * len(context.labels) + 1
    for got, expected in zip(new, old, strict=True):
        assert got[:2] == expected[:2]
        assert close(got[2], expected[2]), got


def exclusive_study(seed: int, n_coders: int):
    """Spans that never overlap within a coder (tiles of random widths, some uncoded), so
    cu-alpha, Cu-alpha and u-alpha are defined; codes k.0, k.1 in concept k, m.2, m.3 in m."""
    rng = np.random.default_rng(seed)
    context, _ = study(seed, n_coders=n_coders)
    context = Context(
        **{**context.__dict__, "labels": ("k.0", "k.1", "m.2", "m.3")}  # type: ignore[arg-type]
    )
    rows = []
    for coder in range(n_coders):
        for tid, meta in context.transcripts.items():
            cursor = 0
            while cursor < meta.length:
                width = int(rng.integers(1, 40))
                if rng.random() < 0.6:
                    end = min(cursor + width, meta.length)
                    rows.append((tid, int(rng.integers(0, 4)), coder, cursor, end))
                cursor += width
    transcript, label, coder, start, end = (
        np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)
    )
    takers = {tid: frozenset(range(n_coders)) for tid in context.transcripts}
    return context, SpanLayers(transcript, label, coder, start, end, takers)


@pytest.mark.parametrize("seed", range(6))
def test_cu_alpha_tables_equal_the_implementation_they_replaced(seed):
    from qualcode.analysis.agreement.continuum import unitizing_table
    from qualcode.analysis.agreement.unitized import u_alpha

    context, layers = exclusive_study(seed, n_coders=3)
    concept = np.array([0, 0, 1, 1])
    got = {(r[0], r[1]): r[3] for r in unitizing_table(context, layers).rows}
    for a, b in ((0, 1), (0, 2), (1, 2)):
        pair = f"c{a}/c{b}"
        for name, members in (("k", [0, 1]), ("m", [2, 3])):
            expected = character_oracle.unitized(context, layers, (a, b), members)
            assert expected is not None
            assert close(got[(pair, name)], expected)
        expected = character_oracle.unitized(context, layers, (a, b), [0, 1, 2, 3], concept)
        assert close(got[(pair, "(all codes)")], expected)
    table = all_coders_table(context, layers)
    assert table is not None
    everyone = {r[0]: r[2] for r in table.rows if r[1] == "u-alpha"}
    for name, members in (("k", [0, 1]), ("m", [2, 3])):
        expected = character_oracle.unitized(context, layers, (0, 1, 2), members, measure=u_alpha)
        assert close(everyone[name], expected)


def test_overlapping_codes_of_a_concept_leave_cu_alpha_undefined_with_a_note():
    from qualcode.analysis.agreement.continuum import EXCLUSIVE_NOTE, unitizing_table

    context, layers = exclusive_study(1, n_coders=2)
    first = np.flatnonzero((layers.coder == 0) & (layers.label == 0))[0]
    # coder 0 also codes k.1 on the very span coded k.0: codes of concept k now overlap.
    extra = [np.append(column, column[first]) for column in (layers.transcript, layers.coder)]
    broken = SpanLayers(
        extra[0],
        np.append(layers.label, 1),
        extra[1],
        np.append(layers.start, layers.start[first]),
        np.append(layers.end, layers.end[first]),
        layers.takers,
    )
    table = unitizing_table(context, broken)
    values = {(r[0], r[1]): r[3] for r in table.rows}
    assert values[("c0/c1", "k")] is None
    assert values[("c0/c1", "m")] is not None
    assert table.notes == [EXCLUSIVE_NOTE]


def test_a_span_outside_its_transcript_is_refused():
    from qualcode.errors import QualcodeError

    context, layers = study(0)
    bad = SpanLayers(
        layers.transcript,
        layers.label,
        layers.coder,
        layers.start,
        layers.end + 1000,
        layers.takers,
    )
    with pytest.raises(QualcodeError, match="does not lie within a text"):
        character_rows(context, bad, AgreementOptions(unit="character", intervals=False))
