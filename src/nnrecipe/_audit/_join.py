"""Nearest neighbours among one split's examples, for queries from any split: the interface,
and the exact in-memory implementation for small splits.

A join is filled chunk by chunk (``add``), then ``run`` reports each query's ``k`` nearest
members in batches of :class:`Hits`, never the query itself. ``run_boundaries`` adds the
hits an approximate index may have missed near the borders of its cells, for queries whose
nearest member could be closer than ``threshold`` (a no-op for the exact join).
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Callable

import numpy as np

from ._budget import Budget
from ._spool import Spool

__all__ = ["EXACT_MAX", "ExactJoin", "Hits", "Join", "nearest"]

# Member splits up to this many rows are compared pair by pair in memory; larger ones
# through cells (``_cells``), kept on disk when needed.
EXACT_MAX = 5_000


@dataclasses.dataclass(frozen=True)
class Hits:
    """Neighbours of a batch of queries.

    Attributes:
        tag: The queries' split number.
        rows: ``(q,)`` their usable-row numbers.
        ids: ``(q, k)`` member rows, nearest first; -1 where there were fewer members.
        dist: ``(q, k)`` Euclidean distances (inf where ``ids`` is -1).
        home: The neighbours come from the whole index or the query's own cell (all of its
            ``k``); ``False`` for the extra hits of ``run_boundaries``.
        vectors: ``(q, dim)`` the queries' vectors (home hits only; the label baselines
            that are not neighbour votes predict from them).
    """

    tag: int
    rows: np.ndarray
    ids: np.ndarray
    dist: np.ndarray
    home: bool = True
    vectors: np.ndarray | None = None


Sink = Callable[[Hits], None]


def nearest(Q: np.ndarray, M: np.ndarray, own: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each query's ``k`` nearest rows of ``M``, never its own; exact distances.

    One matrix product ranks every pair (``|q|^2 - 2 q.m + |m|^2`` in float32, whose rounding
    is far below any distance that matters for the ranking); the distances reported are then
    recomputed from the differences, so two identical vectors are exactly 0 apart.

    Args:
        Q: ``(q, d)`` float32 queries.
        M: ``(m, d)`` float32 members.
        own: ``(q,)`` each query's own position in ``M``, -1 when it is not a member.
        k: Neighbours per query.

    Returns:
        ``(positions, distances)``, ``(q, k)`` each, nearest first; -1 and inf where ``M``
        has fewer rows.

    Example:
        >>> M = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]], np.float32)
        >>> nearest(M, M, np.arange(3), 1)[0].ravel().tolist()
        [1, 0, 1]
    """
    D = Q @ M.T
    D *= -2.0
    D += np.einsum("ij,ij->i", Q, Q)[:, None]
    D += np.einsum("ij,ij->i", M, M)[None, :]
    mine = np.flatnonzero(own >= 0)
    D[mine, own[mine]] = np.inf
    kk = min(k, M.shape[0])
    if kk == 1:
        at = D.argmin(1)[:, None]
    else:
        at = np.argpartition(D, kk - 1, axis=1)[:, :kk] if kk < M.shape[0] else np.argsort(D, axis=1)[:, :kk]
    missing = np.isinf(np.take_along_axis(D, at, 1))
    dist = np.linalg.norm(Q[:, None, :] - M[at], axis=2)
    dist[missing] = np.inf
    at = np.where(missing, -1, at)
    order = np.argsort(dist, axis=1, kind="stable")
    at, dist = np.take_along_axis(at, order, 1), np.take_along_axis(dist, order, 1)
    if kk < k:
        at = np.pad(at, ((0, 0), (0, k - kk)), constant_values=-1)
        dist = np.pad(dist, ((0, 0), (0, k - kk)), constant_values=np.inf)
    return at, dist.astype(np.float32)


class Join(abc.ABC):
    """Members (the rows of split ``member``) and queries (rows of any split, members included)."""

    def __init__(self, member: int) -> None:
        self.member = member

    @abc.abstractmethod
    def add(self, tag: int, rows: np.ndarray, Z: np.ndarray) -> None:
        """Add finite rows of split ``tag`` (members when ``tag == member``; all are queries)."""

    @abc.abstractmethod
    def run(self, k: int, sink: Sink) -> None:
        """Report every query's ``k`` nearest members, itself excluded."""

    def run_boundaries(self, threshold: float, sink: Sink) -> None:
        """Report members closer than ``threshold`` that ``run`` could have missed."""

    @property
    @abc.abstractmethod
    def kind(self) -> str:
        """The index, in words."""

    def close(self) -> None:
        """Free memory and files."""


class ExactJoin(Join):
    """All members in memory, every query compared with every member."""

    def __init__(self, member: int, budget: Budget) -> None:
        super().__init__(member)
        self._members: list[np.ndarray] = []
        self._member_rows: list[np.ndarray] = []
        self._queries: dict[int, tuple[Spool, Spool]] = {}
        self._budget = budget

    @property
    def kind(self) -> str:
        return "exact: every pair compared"

    def add(self, tag: int, rows: np.ndarray, Z: np.ndarray) -> None:
        if tag == self.member:
            self._members.append(np.asarray(Z, dtype=np.float32))
            self._member_rows.append(rows)
            return
        if tag not in self._queries:
            share = self._budget.share(0.1)
            self._queries[tag] = (
                Spool(self._budget, np.int64, 0, limit=share, name="query-rows"),
                Spool(self._budget, np.float32, Z.shape[1], limit=share, name="query-vectors"),
            )
        self._queries[tag][0].append(rows)
        self._queries[tag][1].append(Z)

    def run(self, k: int, sink: Sink) -> None:
        if not self._members:
            return
        Z = np.concatenate(self._members)
        rows = np.concatenate(self._member_rows)
        block = max(1, (1 << 23) // max(len(Z), 1))  # about 32 MiB of distances at a time
        for lo in range(0, len(Z), block):
            at, dist = nearest(Z[lo : lo + block], Z, np.arange(lo, min(lo + block, len(Z))), k)
            ids = np.where(at >= 0, rows[np.maximum(at, 0)], -1)
            sink(Hits(self.member, rows[lo : lo + block], ids, dist, vectors=Z[lo : lo + block]))
        for tag, (q_rows, q_vecs) in self._queries.items():
            for (_, r), (_, q) in zip(q_rows.chunks(block), q_vecs.chunks(block)):
                at, dist = nearest(q, Z, np.full(len(q), -1), k)
                sink(Hits(tag, r, np.where(at >= 0, rows[np.maximum(at, 0)], -1), dist, vectors=q))

    def close(self) -> None:
        self._members, self._member_rows = [], []
        for spools in self._queries.values():
            for s in spools:
                s.close()
        self._queries = {}
