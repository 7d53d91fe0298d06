"""|u-alpha on span arrays (`binary_u_from_spans`, the character-level kernel) against the
unit-by-unit definition it replaced, which is kept here as the oracle."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.analysis.agreement import Unit, binary_u_alpha
from qualcode.analysis.agreement.character import merge_span_arrays
from qualcode.analysis.agreement.unitized import DocSpans, binary_u_from_spans
from qualcode.errors import QualcodeError


def oracle(spans: list[DocSpans], offsets: npt.NDArray[np.int64], total: int) -> float | None:
    """The kernel as it was: merge each coder's spans, make `Unit`s, run `binary_u_alpha`."""
    if total == 0:
        return None
    units = []
    for docs, start, end in spans:
        merged_start, merged_end = merge_span_arrays(offsets[docs] + start, offsets[docs] + end)
        units.append(
            [
                Unit(s, e, "coded")
                for s, e in zip(merged_start.tolist(), merged_end.tolist(), strict=True)
            ]
        )
    return binary_u_alpha(total, units)


def arrays(rows: list[tuple[int, int, int]]) -> DocSpans:
    docs, starts, ends = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    return docs, starts, ends


def empty() -> DocSpans:
    return tuple(np.zeros(0, dtype=np.int64) for _ in range(3))  # type: ignore[return-value]


def test_hand_computed_two_documents():
    """Documents of 10 and 5 characters laid end to end (L = 15). A codes [2, 6) in the
    first and [0, 3) in the second (= [10, 13)); B codes [3, 7) and [1, 3) (= [11, 13)).
    c(x): 1 on [2,3), 2 on [3,6), 1 on [6,7), 1 on [10,11), 2 on [11,13), so
    C = 1 + 6 + 1 + 1 + 4 = 13 and Q = 1 + 12 + 1 + 1 + 8 = 23; l_01 = (2 * 13 - 23) / 1 = 3.
    Units squared: 16 + 9 + 16 + 4 = 45; gaps 2 * 15 - 13 = 17, so T = 62;
    e_01 = 30 * 13 * 17 / (900 - 62) = 6630 / 838. |u-alpha = 1 - 3 * 838 / 6630."""
    offsets = np.array([0, 10], dtype=np.int64)
    a = arrays([(0, 2, 6), (1, 0, 3)])
    b = arrays([(0, 3, 7), (1, 1, 3)])
    expected = 1 - 3 * 838 / 6630
    assert binary_u_from_spans([a, b], offsets, 15) == pytest.approx(expected, abs=1e-15)
    assert oracle([a, b], offsets, 15) == pytest.approx(expected, abs=1e-12)


def test_nobody_coding_leaves_it_undefined():
    offsets = np.array([0], dtype=np.int64)
    assert binary_u_from_spans([empty(), empty()], offsets, 10) is None
    assert binary_u_from_spans([empty(), empty()], offsets, 0) is None


def test_a_span_outside_the_continuum_is_refused():
    offsets = np.array([0], dtype=np.int64)
    with pytest.raises(QualcodeError, match="outside the continuum of 10 characters"):
        binary_u_from_spans([arrays([(0, 4, 12)]), empty()], offsets, 10)


@st.composite
def studies(draw: st.DrawFn) -> tuple[list[DocSpans], npt.NDArray[np.int64], int]:
    lengths = draw(st.lists(st.integers(1, 40), min_size=1, max_size=5))
    n_coders = draw(st.integers(2, 4))
    coders = []
    for _ in range(n_coders):
        rows = []
        for _ in range(draw(st.integers(0, 8))):
            doc = draw(st.integers(0, len(lengths) - 1))
            start = draw(st.integers(0, lengths[doc] - 1))
            rows.append((doc, start, draw(st.integers(start + 1, lengths[doc]))))
        coders.append(arrays(rows) if rows else empty())
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return coders, offsets, int(sum(lengths))


@settings(max_examples=300, deadline=None)
@given(studies())
def test_the_array_kernel_equals_the_unit_by_unit_definition(study):
    """Overlapping, touching and nested spans, 2-4 coders, several documents."""
    spans, offsets, total = study
    fast, slow = binary_u_from_spans(spans, offsets, total), oracle(spans, offsets, total)
    assert (fast is None) == (slow is None)
    if fast is not None:
        assert fast == pytest.approx(slow, abs=1e-12)
