"""Per-example statistics and per-feature moments from one chunked pass."""

from __future__ import annotations

import numpy as np

from nnrecipe._audit._stats import compute_stats


def test_statistics_of_known_rows() -> None:
    X = np.array([[3.0, 4.0, 0.0, 0.0], [1.0, 0.0, 2.0, 0.0]], dtype=np.float32)
    v = compute_stats(X).values
    np.testing.assert_allclose(v["norm"], [5.0, np.sqrt(5.0)])
    np.testing.assert_allclose(v["mean"], [1.75, 0.75])
    np.testing.assert_allclose(v["std"], X.std(1), rtol=1e-6)
    np.testing.assert_allclose(v["min"], [0.0, 0.0])
    np.testing.assert_allclose(v["max"], [4.0, 2.0])
    # Length counts up to the last non-zero value: the unpadded length of a sequence.
    np.testing.assert_allclose(v["length"], [2.0, 3.0])


def test_non_finite_rows_are_marked_and_left_out_of_the_moments() -> None:
    X = np.array([[1.0, 2.0], [np.nan, 0.0], [3.0, np.inf], [3.0, 4.0]], dtype=np.float32)
    s = compute_stats(X)
    assert s.finite.tolist() == [True, False, False, True]
    assert np.isnan(s.values["mean"][1])
    assert s.moments.count == 2
    np.testing.assert_allclose(s.moments.mean, [2.0, 3.0])
    np.testing.assert_allclose(s.moments.std, [1.0, 1.0])


def test_chunked_moments_equal_whole_array_moments(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X = digits[0]
    s = compute_stats(X, chunk=100)
    np.testing.assert_allclose(s.moments.mean, X.mean(0), rtol=1e-5)
    np.testing.assert_allclose(s.moments.std, X.std(0), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(s.moments.low, X.min(0))
