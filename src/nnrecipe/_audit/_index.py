"""The nearest-neighbour index behind near duplicates, leakage and outlier distances: faiss.

Up to ``GRAPH_MAX`` rows a faiss HNSW graph built with generous settings is close to exact.
Beyond, an inverted-file index (``IndexIVFFlat``: k-means cells, exact distances inside the
two cells nearest each query) keeps near-duplicate recall at 1 where a graph good enough for
that costs minutes on two cores. Measured with ``benchmarks/audit_scale.py --only scale``
(1M x 64, 2 cores, whole audit; recall of planted near / exact duplicates):
- this index (sqrt(m) = 1000 cells, 2 probed): 33.5 s wall, 58 s CPU, 1.09 GiB, 1.000 / 1.000
  (2048 cells: 29 s wall, near recall 0.999; 1 probed cell: near recall 0.99);
- the former hand-written numpy/torch IVF: 44 s wall, 45 s CPU, 1.5 GiB, 1.000 / 1.000;
- hnswlib (M=16, ef 100/48), the neighbour phase alone: 305 s wall, 463 s CPU, 0.978 / 0.980.

faiss runs on ``OMP_NUM_THREADS`` threads (all cores by default): its search splits queries
across threads, so they cost little extra CPU time and cut the wall time nearly in half.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["GRAPH_MAX", "NeighborIndex"]

# Splits larger than this use the inverted-file index instead of the HNSW graph.
GRAPH_MAX = 20_000


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise ImportError("the audit's neighbour index needs faiss: pip install faiss-cpu") from err
    return faiss


class NeighborIndex:
    """Approximate Euclidean nearest neighbours over the rows of ``Z``.

    Args:
        Z: ``(m, k)`` float32 vectors to index.
        seed: Seed of the k-means sample and initialisation (large sets only).

    Example:
        >>> Z = np.random.default_rng(0).normal(size=(2000, 8)).astype(np.float32)
        >>> ids, dist = NeighborIndex(Z).search(Z[:3], k=1, exclude=np.arange(3))
        >>> bool((ids[:, 0] != np.arange(3)).all())
        True
    """

    def __init__(self, Z: np.ndarray, *, seed: int = 0) -> None:
        faiss = _faiss()
        Z = np.ascontiguousarray(Z, dtype=np.float32)
        m, dim = Z.shape
        self.graph = m <= GRAPH_MAX
        if self.graph:
            self.index = faiss.IndexHNSWFlat(dim, 16)
            self.index.hnsw.efConstruction = 100
            self.index.add(Z)
            return
        # About sqrt(m) cells: k-means costs grow with the count, the search with the cell size.
        nlist = int(np.clip(np.sqrt(m), 1, 4096))
        self.index = faiss.IndexIVFFlat(faiss.IndexFlatL2(dim), dim, nlist)
        self.index.cp.niter = 10
        self.index.cp.seed = seed
        # 40 rows per cell is what faiss asks for; more only slows the training.
        sample = np.random.default_rng(seed).choice(m, size=min(m, 40 * nlist), replace=False)
        self.index.train(Z[np.sort(sample)])
        self.index.add(Z)
        # Near duplicates on a cell boundary sit in the second-nearest cell: probe it too.
        self.index.nprobe = 2

    @property
    def size(self) -> int:
        """The number of indexed rows."""
        return int(self.index.ntotal)

    @property
    def kind(self) -> str:
        """A short description of the index, for the summary."""
        if self.graph:
            return "faiss HNSW graph"
        return f"faiss inverted file ({self.index.nlist} cells, {self.index.nprobe} probed)"

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
        if self.graph:
            self.index.hnsw.efSearch = max(4 * (k + extra), 48)
        sq, ids = self.index.search(Q, k + extra)
        if exclude is not None:
            # Drop the excluded entry; with exact duplicates it need not come first.
            own = ids == exclude[:, None]
            own[~own.any(1), -1] = True
            sq, ids = sq[~own].reshape(len(Q), k), ids[~own].reshape(len(Q), k)
        ids = ids.astype(np.int64)
        dist = np.sqrt(np.maximum(sq.astype(np.float64), 0.0))
        dist[ids < 0] = np.inf
        lacking = np.flatnonzero(ids[:, -1] < 0)
        if len(lacking) and not self.graph and self.index.nprobe < self.index.nlist:
            # A query whose probed cells held fewer than k others (an outlier in a small
            # cell): search every cell for those few.
            probe = self.index.nprobe
            self.index.nprobe = self.index.nlist
            try:
                ids2, dist2 = self.search(Q[lacking], k, exclude=None if exclude is None else exclude[lacking])
            finally:
                self.index.nprobe = probe
            ids[lacking], dist[lacking] = ids2, dist2
        return ids, dist
