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
from ._index import NeighborIndex
from ._spool import Spool

__all__ = ["EXACT_MAX", "ExactJoin", "Hits", "Join"]

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
    """

    tag: int
    rows: np.ndarray
    ids: np.ndarray
    dist: np.ndarray
    home: bool = True


Sink = Callable[[Hits], None]


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
        return "exact: every pair compared (faiss IndexFlatL2)"

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
        if len(Z) < 2:
            return
        index = NeighborIndex(Z)
        self_k = min(k, len(Z) - 1)
        ids, dist = index.search(Z, self_k, exclude=np.arange(len(Z)))
        sink(Hits(self.member, rows, np.where(ids >= 0, rows[np.maximum(ids, 0)], -1), dist))
        for tag, (q_rows, q_vecs) in self._queries.items():
            for (lo, r), (_, q) in zip(q_rows.chunks(65536), q_vecs.chunks(65536)):
                ids, dist = index.search(q, min(k, len(Z)))
                sink(Hits(tag, r, np.where(ids >= 0, rows[np.maximum(ids, 0)], -1), dist))

    def close(self) -> None:
        self._members, self._member_rows = [], []
        for spools in self._queries.values():
            for s in spools:
                s.close()
        self._queries = {}
