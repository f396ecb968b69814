"""The cells of a large split: k-means centroids and the assignment of rows to them.

A join costs about (rows x cell size) for the search inside cells plus (rows x cells) for
assigning rows; up to a million rows, ``sqrt(m)`` cells balance the two. Beyond, cells keep
about 1,000 members and the assignment goes through two levels, so it no longer grows with
the number of cells: ``sqrt(cells)`` coarse centroids, each split by its own k-means into
fine ones; a row is compared with the coarse centroids, then with the fine centroids of its
coarse cell and of the coarse cells nearest to it.

Distances to centroids come from one matrix product and an arg-min per row, which measured
several times faster than faiss's search with its result heaps for these shapes.
"""

from __future__ import annotations

import numpy as np

from ._threads import faiss as _faiss

__all__ = ["Quantizer", "cell_count"]

_CELL = 1000  # members per cell beyond a million rows
_FLAT_MAX = 256  # cells up to which every centroid is compared with every row
_NEAR_COARSE = 4  # coarse cells next to a row's own whose fine centroids it is compared with


def cell_count(members: int, sample: int) -> int:
    """``sqrt(m)`` cells up to a million members, cells of about 1,000 beyond; never fewer
    than 10 sampled rows per cell for k-means.

    Example:
        >>> cell_count(250_000, 200_000), cell_count(10_000_000, 200_000)
        (500, 10000)
    """
    wanted = max(np.sqrt(members), members / _CELL)
    return int(np.clip(round(wanted), 1, max(1, sample // 10)))


def _kmeans(X: np.ndarray, k: int, seed: int) -> np.ndarray:
    k = max(1, min(k, len(X)))
    if k == len(X):
        return np.ascontiguousarray(X, dtype=np.float32)
    # 64 sampled rows per centroid are plenty for cells that only partition the search.
    km = _faiss().Kmeans(X.shape[1], k, niter=10, seed=seed, verbose=False, min_points_per_centroid=1, max_points_per_centroid=64)
    km.train(np.ascontiguousarray(X, dtype=np.float32))
    return np.asarray(km.centroids)


def _two_nearest(Z: np.ndarray, C: np.ndarray, norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and squared distances of each row's two nearest rows of ``C``."""
    D = Z @ C.T
    D *= -2.0
    D += norms[None, :]
    first = D.argmin(1)
    rows = np.arange(len(Z))
    d1 = D[rows, first].copy()
    if C.shape[0] < 2:
        return np.stack([first, np.full_like(first, -1)], 1), np.stack([d1, np.full_like(d1, np.inf)], 1)
    D[rows, first] = np.inf
    second = D.argmin(1)
    sq = np.stack([d1, D[rows, second]], 1) + np.einsum("ij,ij->i", Z, Z)[:, None]
    return np.stack([first, second], 1), np.maximum(sq, 0.0)


class Quantizer:
    """Cell centroids learnt from a sample, and the nearest two cells of any row.

    Args:
        sample: ``(s, dim)`` member vectors.
        cells: How many cells (see :func:`cell_count`).
        seed: Seed of k-means.
    """

    def __init__(self, sample: np.ndarray, cells: int, *, seed: int = 0) -> None:
        sample = np.ascontiguousarray(sample, dtype=np.float32)
        if cells <= _FLAT_MAX:
            self.centroids = _kmeans(sample, cells, seed)
            self.coarse: np.ndarray | None = None
        else:
            coarse = _kmeans(sample, round(np.sqrt(cells)), seed)
            near, _ = _two_nearest(sample, coarse, np.einsum("ij,ij->i", coarse, coarse))
            fine, owner = [], []
            for c in range(len(coarse)):
                mine = sample[near[:, 0] == c]
                if len(mine):
                    f = _kmeans(mine, round(cells * len(mine) / len(sample)), seed + 1 + c)
                    fine.append(f)
                    owner.append(np.full(len(f), c))
            self.centroids, self.coarse = np.concatenate(fine), coarse
            fine_of = np.concatenate(owner)
            # Each coarse cell's candidates: its fine centroids and those of its nearest coarse cells.
            gaps = np.linalg.norm(coarse[:, None, :] - coarse[None, :, :], axis=2)
            nearest = np.argsort(gaps, axis=1)[:, : _NEAR_COARSE + 1]
            self._candidates = [np.flatnonzero(np.isin(fine_of, nearest[c])) for c in range(len(coarse))]
        self._norms = np.einsum("ij,ij->i", self.centroids, self.centroids)

    @property
    def cells(self) -> int:
        return len(self.centroids)

    @property
    def kind(self) -> str:
        return "k-means (faiss)" if self.coarse is None else "two-level k-means (faiss)"

    def _nearest_two(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.coarse is None:
            return _two_nearest(Z, self.centroids, self._norms)
        top, _ = _two_nearest(Z, self.coarse, np.einsum("ij,ij->i", self.coarse, self.coarse))
        cells = np.empty((len(Z), 2), dtype=np.int64)
        sq = np.empty((len(Z), 2), dtype=np.float32)
        for c in np.unique(top[:, 0]):
            rows = np.flatnonzero(top[:, 0] == c)
            cand = self._candidates[c]
            at, d = _two_nearest(Z[rows], self.centroids[cand], self._norms[cand])
            cells[rows] = np.where(at >= 0, cand[np.maximum(at, 0)], -1)
            sq[rows] = d
        return cells, sq

    def probe(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's nearest and second-nearest cell, and its distance to the border between
        them (the hyperplane halfway between their centroids); -1 and inf without a second."""
        cells, sq = self._nearest_two(np.ascontiguousarray(Z, dtype=np.float32))
        gap = np.linalg.norm(self.centroids[cells[:, 1]] - self.centroids[cells[:, 0]], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            margin = np.where((gap > 0) & (cells[:, 1] >= 0), (sq[:, 1] - sq[:, 0]) / (2 * gap), np.inf)
        return cells, margin
