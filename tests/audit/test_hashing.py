"""Hashes of decoded values group identical examples and only those."""

from __future__ import annotations

import numpy as np

from nnrecipe._audit._hashes import hash_groups
from nnrecipe._audit._stats import compute_stats


def test_negative_zero_hashes_like_zero() -> None:
    X = np.array([[0.0, 1.0], [-0.0, 1.0], [0.0, 2.0]], dtype=np.float32)
    groups = hash_groups(compute_stats(X).hashes)
    assert [g.tolist() for g in groups] == [[0, 1]]


def test_rows_differing_in_one_value_do_not_collide(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X = digits[0].copy()
    X[1] = X[0]
    X[1, 63] += 1.0
    assert hash_groups(compute_stats(X).hashes) == []


def test_a_hash_collision_is_rejected_by_comparing_values() -> None:
    fake = np.zeros((2, 2), dtype=np.uint64)  # two different rows with the same hash
    rows = np.array([[1.0], [2.0]], dtype=np.float32)
    assert hash_groups(fake, lambda r: rows[r]) == []
    assert len(hash_groups(fake)) == 1


def test_hashes_do_not_depend_on_chunking(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X = digits[0]
    np.testing.assert_array_equal(compute_stats(X, chunk=7).hashes, compute_stats(X).hashes)
