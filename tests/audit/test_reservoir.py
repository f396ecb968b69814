"""Samples and extremes kept while streaming do not depend on how the split was chunked."""

from __future__ import annotations

import numpy as np

from nnrecipe._audit._reservoir import Extremes, Reservoir, row_keys


def _stream(size: int, chunk: int, X: np.ndarray) -> Reservoir:
    r = Reservoir(size)
    for lo in range(0, len(X), chunk):
        idx = np.arange(lo, min(lo + chunk, len(X)))
        r.offer(row_keys(idx, seed=3), X[idx], None, idx, idx)
    return r


def test_the_sample_is_the_same_whatever_the_chunks_and_roughly_uniform() -> None:
    X = np.arange(10_000, dtype=np.float32)[:, None]
    a, b = _stream(500, 10_000, X), _stream(500, 37, X)
    np.testing.assert_array_equal(np.sort(a.index), np.sort(b.index))
    assert len(a) == 500 and len(np.unique(a.index)) == 500
    counts = np.bincount(a.index // 1000, minlength=10)  # 50 per tenth expected
    assert counts.min() > 25 and counts.max() < 80


def test_extremes_keep_the_lowest_and_highest_with_ties_to_the_earliest() -> None:
    values = np.array([3.0, 1.0, 1.0, 9.0, np.nan, 9.0, 5.0])
    for chunk in (7, 2):
        e = Extremes(2, keep_rows=False)
        for lo in range(0, 7, chunk):
            i = np.arange(lo, min(lo + chunk, 7))
            e.offer(values[i], i, i, None)
        assert [(v, i) for v, i, _, _ in e.low] == [(1.0, 1), (1.0, 2)]
        assert [(v, i) for v, i, _, _ in e.high] == [(9.0, 3), (9.0, 5)]
