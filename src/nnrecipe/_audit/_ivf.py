"""An inverted-file nearest-neighbour index for large splits, in plain numpy.

k-means splits the space into about sqrt(n) cells; each example is stored in its nearest
cell and searched there with exact distances (one matrix product per cell). Near duplicates, which are far closer to each other than to anything else, land
in the same cell almost always, so their recall stays near 1 where a graph index built
cheaply enough for a million rows on two cores misses a quarter of them.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["IVFIndex"]


class IVFIndex:
    """Exact search inside the k-means cell nearest to each query.

    Args:
        Z: ``(m, k)`` float32 vectors to index.
        seed: Seed of the k-means initialisation and its sample.

    Example:
        >>> Z = np.random.default_rng(0).normal(size=(2000, 8)).astype(np.float32)
        >>> ids, dist = IVFIndex(Z).search(Z[:3], k=1, exclude=np.arange(3))
        >>> bool((ids[:, 0] != np.arange(3)).all())
        True
    """

    def __init__(self, Z: np.ndarray, *, seed: int = 0) -> None:
        self.Z = Z
        self._own_cells: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        rng = np.random.default_rng(seed)
        # About 500 rows per cell: search cost grows with the cell size, k-means with the count.
        ncells = int(np.clip(len(Z) // 500, 1, 4096))
        sample = Z[rng.choice(len(Z), size=min(len(Z), 16 * ncells), replace=False)]
        self.centroids = _kmeans(sample, ncells, rng)
        self.cell = self._nearest_cell(Z)
        order = np.argsort(self.cell, kind="stable")
        self.members = np.split(order, np.searchsorted(self.cell[order], np.arange(1, ncells)))

    def _nearest_cell(self, Q: np.ndarray, chunk: int = 32768) -> np.ndarray:
        return self._two_cells(Q, chunk)[0]

    def _two_cells(self, Q: np.ndarray, chunk: int = 32768) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's nearest and second-nearest cell, and the gap in squared distance."""
        if Q is self.Z and self._own_cells is not None:
            return self._own_cells
        C = torch.from_numpy(self.centroids)
        c_sq = (C**2).sum(1)
        first = np.empty(len(Q), dtype=np.int64)
        second = np.empty(len(Q), dtype=np.int64)
        gap = np.zeros(len(Q))
        two = min(2, len(self.centroids))
        for lo in range(0, len(Q), chunk):
            d = c_sq[None, :] - 2 * torch.from_numpy(Q[lo : lo + chunk]) @ C.T
            val, idx = torch.topk(d, two, dim=1, largest=False)  # sorted: nearest first
            first[lo : lo + chunk] = idx[:, 0].numpy()
            second[lo : lo + chunk] = idx[:, -1].numpy()
            gap[lo : lo + chunk] = (val[:, -1] - val[:, 0]).numpy()
        if Q is self.Z:
            self._own_cells = (first, second, gap)
        return first, second, gap

    def search(self, Q: np.ndarray, k: int, *, exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest rows of each query within its cell, and for the tenth of the
        queries nearest a cell boundary (and those short of neighbours) also across it.

        Args:
            Q: ``(q, k)`` float32 queries.
            k: Neighbours per query.
            exclude: Per query, one indexed position it must not return (itself).

        Returns:
            ``(ids, dist)``: ``(q, k)`` positions (-1 where the cell has fewer rows) and
            Euclidean distances (inf there), nearest first.
        """
        # Many small matrix products: threads only add contention (5x slower on 2 cores).
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            first, second, gap = self._two_cells(Q)
            ids, dist = self._search_cells(Q, first, k, exclude)
            # Rows near a boundary, and rows whose cell held fewer than k others (an outlier
            # alone in its cell), also search the second-nearest cell.
            lacking = ~np.isfinite(dist[:, -1])
            near_edge = np.flatnonzero((gap <= np.quantile(gap, 0.1)) | lacking) if len(gap) >= 10 else np.arange(len(Q))
            ids2, dist2 = self._search_cells(Q[near_edge], second[near_edge], k, None if exclude is None else exclude[near_edge])
        finally:
            torch.set_num_threads(threads)
        both_i = np.concatenate([ids[near_edge], ids2], 1)
        both_d = np.concatenate([dist[near_edge], dist2], 1)
        both_d[:, k:][(both_i[:, k:, None] == both_i[:, None, :k]).any(2)] = np.inf  # same row twice
        sort = np.argsort(both_d, axis=1, kind="stable")[:, :k]
        ids[near_edge] = np.take_along_axis(both_i, sort, 1)
        dist[near_edge] = np.take_along_axis(both_d, sort, 1)
        ids[~np.isfinite(dist)] = -1
        return ids, dist

    def _search_cells(
        self, Q: np.ndarray, cell: np.ndarray, k: int, exclude: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(cell, kind="stable")
        bounds = np.searchsorted(cell[order], np.arange(len(self.centroids) + 1))
        ids = np.full((len(Q), k), -1, dtype=np.int64)
        dist = np.full((len(Q), k), np.inf)
        Zt, Qt = torch.from_numpy(self.Z), torch.from_numpy(Q)
        for c, members in enumerate(self.members):
            qs = order[bounds[c] : bounds[c + 1]]
            if len(qs) == 0 or len(members) == 0:
                continue
            x, q = Zt[members], Qt[qs]
            d = (x**2).sum(1)[None, :] - 2 * q @ x.T  # |q|^2 left out: the same along a row
            if exclude is not None:
                d[torch.from_numpy(exclude[qs][:, None] == members[None, :])] = torch.inf
            take = min(k, len(members))
            val, part = torch.topk(d, take, dim=1, largest=False)
            cand = members[part.numpy()]
            # Exact distances of the few kept: |q|^2 + |x|^2 - 2 q.x loses the small ones.
            exact = np.linalg.norm(Q[qs][:, None, :] - self.Z[cand], axis=2)
            exact[torch.isinf(val).numpy()] = np.inf
            sort = np.argsort(exact, axis=1, kind="stable")
            ids[qs, :take] = np.take_along_axis(cand, sort, 1)
            dist[qs, :take] = np.take_along_axis(exact, sort, 1)
        return ids, dist


def _kmeans(X: np.ndarray, k: int, rng: np.random.Generator, iters: int = 8) -> np.ndarray:
    centroids = X[rng.choice(len(X), size=k, replace=False)].astype(np.float32)
    for _ in range(iters):
        assign = np.argmin((centroids**2).sum(1)[None, :] - 2 * X @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, X)
        counts = np.bincount(assign, minlength=k)
        empty = counts == 0
        centroids[~empty] = sums[~empty] / counts[~empty, None]
        centroids[empty] = X[rng.choice(len(X), size=int(empty.sum()), replace=False)]  # reseed
    return centroids
