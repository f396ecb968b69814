"""The exact index of small splits: near neighbours found, itself excluded, fewer rows than asked."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe._audit._index import NeighborIndex


@pytest.fixture(scope="module")
def cloud() -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, size=(20, 8))
    return (centres[rng.integers(0, 20, 3000)] + rng.normal(size=(3000, 8))).astype(np.float32)


def test_every_planted_near_copy_finds_its_source(cloud: np.ndarray) -> None:
    Z = cloud.copy()
    src, copies = np.arange(0, 200), np.arange(2000, 2200)
    Z[copies] = Z[src] + 1e-3
    ids, dist = NeighborIndex(Z).search(Z, 3, exclude=np.arange(len(Z)))
    assert (ids[copies, 0] == src).all()
    np.testing.assert_allclose(dist[copies, 0], np.sqrt(8) * 1e-3, rtol=1e-2)


def test_no_row_is_its_own_neighbour_even_among_exact_copies(cloud: np.ndarray) -> None:
    Z = cloud.copy()
    Z[1] = Z[0]
    ids, dist = NeighborIndex(Z).search(Z, 4, exclude=np.arange(len(Z)))
    assert not (ids == np.arange(len(Z))[:, None]).any()
    assert ids[0, 0] == 1 and ids[1, 0] == 0 and dist[0, 0] == 0.0
    assert (np.diff(dist, axis=1) >= 0).all()


def test_the_nearest_neighbours_are_the_exact_ones(cloud: np.ndarray) -> None:
    ids, dist = NeighborIndex(cloud).search(cloud[:300], 1, exclude=np.arange(300))
    d = np.linalg.norm(cloud[:300, None, :] - cloud[None, :, :], axis=2)
    d[np.arange(300), np.arange(300)] = np.inf
    assert (d.argmin(1) == ids[:, 0]).all()
    np.testing.assert_allclose(dist[:, 0], d.min(1), rtol=1e-4)


def test_asking_for_more_neighbours_than_rows_pads_with_none() -> None:
    Z = np.eye(3, dtype=np.float32)
    ids, dist = NeighborIndex(Z).search(Z, 4, exclude=np.arange(3))
    assert (ids[:, 2:] == -1).all() and np.isinf(dist[:, 2:]).all() and (ids[:, :2] >= 0).all()
