"""Exact nearest neighbours by brute force (faiss ``IndexFlatL2``), for small splits.

Up to a few thousand rows, comparing every pair is both exact and cheaper than building any
index (an HNSW graph of 20,000 rows took seconds to build; cells take milliseconds there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["NeighborIndex"]


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise ImportError("the audit's neighbour index needs faiss: pip install faiss-cpu") from err
    return faiss


class NeighborIndex:
    """Exact Euclidean nearest neighbours over the rows of ``Z``.

    Args:
        Z: ``(m, k)`` float32 vectors to index.

    Example:
        >>> Z = np.random.default_rng(0).normal(size=(2000, 8)).astype(np.float32)
        >>> ids, dist = NeighborIndex(Z).search(Z[:3], k=1, exclude=np.arange(3))
        >>> bool((ids[:, 0] != np.arange(3)).all())
        True
    """

    def __init__(self, Z: np.ndarray) -> None:
        faiss = _faiss()
        Z = np.ascontiguousarray(Z, dtype=np.float32)
        self.index = faiss.IndexFlatL2(Z.shape[1])
        self.index.add(Z)

    @property
    def size(self) -> int:
        """The number of indexed rows."""
        return int(self.index.ntotal)

    def search(self, Q: np.ndarray, k: int, *, exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest indexed rows of each query.

        Args:
            Q: ``(q, k)`` float32 queries.
            k: Neighbours per query.
            exclude: Per query, one indexed position it must not return (itself).

        Returns:
            ``(ids, dist)``: ``(q, k)`` positions (-1 where fewer were found) and Euclidean
            distances (inf there), nearest first.
        """
        Q = np.ascontiguousarray(Q, dtype=np.float32)
        extra = 0 if exclude is None else 1
        sq, ids = self.index.search(Q, min(k + extra, self.size))
        if ids.shape[1] < k + extra:  # fewer rows than asked for
            pad = k + extra - ids.shape[1]
            ids = np.pad(ids, ((0, 0), (0, pad)), constant_values=-1)
            sq = np.pad(sq, ((0, 0), (0, pad)), constant_values=np.inf)
        if exclude is not None:
            # Drop the excluded entry; with exact duplicates it need not come first.
            own = ids == exclude[:, None]
            own[~own.any(1), -1] = True
            sq, ids = sq[~own].reshape(len(Q), k), ids[~own].reshape(len(Q), k)
        ids = ids.astype(np.int64)
        dist = np.sqrt(np.maximum(sq.astype(np.float64), 0.0))
        dist[ids < 0] = np.inf
        return ids, dist
