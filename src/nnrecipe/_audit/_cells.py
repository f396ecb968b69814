"""Nearest neighbours of a large split by cells: an inverted-file index whose lists live on disk.

k-means cuts the member split's representation into cells (``_quantizer``). Each row
(member or query) is written once, with its vector, to the list of its nearest cell; lists
are grouped into files that are read one at a time, so memory holds one group, whatever the
number of rows. Within a cell, every row is compared with every member (``_join.nearest``:
one matrix product, exact distances): each query's ``k`` nearest members of its own cell.
Identical rows were removed before (``_duplicates.Copies``), so a neighbour is never a copy.

A near duplicate across a cell border is caught by a second, targeted pass: a row closer to
the border with its second-nearest cell than the near-duplicate threshold (the distance to
the hyperplane between the two centroids, computed when the row was assigned) is compared
with that cell's members too. Only those rows pay for a second probe, and of two members on
either side of a border only one looks across (the pair is found once either way).

Groups of cells are searched in parallel on Python threads, one thread per matrix product
(``_threads``).

Vectors are stored as float16 when the split is too large to hold them as float32 within the
budget (their rounding is far below any near-duplicate threshold; recall is measured by
``benchmarks/audit_scale.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ._budget import Budget
from ._join import Hits, Join, Sink, nearest
from ._quantizer import Quantizer, cell_count
from ._spool import Spool
from ._threads import parallel_map, workers

__all__ = ["CellJoin", "cell_count"]

_GROUPS = 256  # files the lists are spread over


class CellJoin(Join):
    """The member split cut into cells; rows of any split searched within their cell.

    Args:
        member: The member split's number.
        budget: Lists move to its folder when they outgrow their share.
        sample: ``(s, dim)`` member vectors that k-means learns the cells from.
        members: How many member rows will be added (sets the number of cells).
        vectors: ``np.float32`` or ``np.float16``, how vectors are stored.
        queries: How many rows of other splits will be added, if known.
        seed: Seed of k-means.
    """

    def __init__(
        self, member: int, budget: Budget, sample: np.ndarray, members: int, *, vectors: Any = np.float32, queries: int = 0, seed: int = 0
    ) -> None:
        super().__init__(member)
        self.quantizer = Quantizer(sample, cell_count(members, len(sample)), seed=seed)
        self.nlist = self.quantizer.cells
        dim = sample.shape[1]
        self._record = np.dtype(
            [("tag", np.int8), ("cell", np.int32), ("second", np.int32), ("row", np.int64), ("margin", np.float32), ("vec", vectors, (dim,))]
        )
        self._groups_n = min(self.nlist, _GROUPS)
        limit = max(budget.share(0.15) // self._groups_n, 1 << 12)
        each = (members + queries) // self._groups_n
        self._groups = [Spool(budget, self._record, 0, limit=limit, name=f"cells{g}", expected=each) for g in range(self._groups_n)]
        self._budget = budget

    @property
    def kind(self) -> str:
        vec = np.dtype(self._record["vec"].base)
        return f"cells: {self.quantizer.kind}, {self.nlist} cells, exact distances within a cell, {vec} vectors"

    def add(self, tag: int, rows: np.ndarray, Z: np.ndarray) -> None:
        parts = np.array_split(np.arange(len(Z)), min(workers(), max(1, len(Z) // 1024)))
        probed = list(parallel_map(lambda at: self.quantizer.probe(Z[at]), parts))
        cells = np.concatenate([c for c, _ in probed])
        rec = np.empty(len(rows), self._record)
        rec["tag"], rec["cell"], rec["second"], rec["row"], rec["vec"] = tag, cells[:, 0], cells[:, 1], rows, Z
        rec["margin"] = np.concatenate([m for _, m in probed])
        self._scatter(rec)

    def _scatter(self, rec: np.ndarray) -> None:
        group = rec["cell"] % self._groups_n
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(self._groups_n + 1))
        for g in np.flatnonzero(np.diff(bounds)):
            self._groups[g].append(rec[order[bounds[g] : bounds[g + 1]]])

    def _cells(self, table: Spool) -> Iterator[np.ndarray]:
        """The records of each cell of one group."""
        if not len(table):
            return
        rec = np.concatenate([part for _, part in table.chunks(1 << 20)])
        rec = rec[np.argsort(rec["cell"], kind="stable")]
        bounds = np.flatnonzero(np.diff(rec["cell"])) + 1
        yield from np.split(rec, bounds)

    def run(self, k: int, sink: Sink) -> None:
        for hits in parallel_map(lambda table: self._join_group(table, k), self._groups):
            _emit(hits, sink)

    def _join_group(self, table: Spool, k: int) -> list[Hits]:
        """Every query of one group's cells against its cell's members."""
        hits: list[Hits] = []
        for cell in self._cells(table):
            own = cell["tag"] == self.member
            members = cell[own]
            if len(members) == 0:
                continue
            vecs = cell["vec"].astype(np.float32)
            self_at = np.full(len(cell), -1)
            self_at[own] = np.arange(len(members))  # each member's position among the members
            at, dist = nearest(vecs, vecs[own], self_at, k)
            ids = np.where(at >= 0, members["row"][np.maximum(at, 0)], -1)
            for tag in np.unique(cell["tag"]):
                pick = cell["tag"] == tag
                hits.append(Hits(int(tag), cell["row"][pick], ids[pick], dist[pick], vectors=vecs[pick]))
        return hits

    def run_boundaries(self, threshold: float, sink: Sink) -> None:
        if threshold <= 0 or self.nlist < 2:
            return
        limit = max(self._budget.share(0.02) // self._groups_n, 1 << 12)
        visits = [Spool(self._budget, self._record, 0, limit=limit, name=f"visits{g}") for g in range(self._groups_n)]
        for table in self._groups:
            for _, rec in table.chunks(1 << 20):
                # A pair of members straddling a border needs one look across, not two: only
                # the side whose cell has the lower number visits (queries always do).
                one_side = (rec["tag"] != self.member) | (rec["cell"] < rec["second"])
                near = rec[(rec["margin"] < threshold) & one_side].copy()
                if len(near) == 0:
                    continue
                near["cell"] = near["second"]
                group = near["cell"] % self._groups_n
                for g in np.unique(group):
                    visits[g].append(near[group == g])
        todo = [(table, visits[g]) for g, table in enumerate(self._groups) if len(visits[g])]
        for hits in parallel_map(lambda pair: self._visit_group(*pair), todo):
            _emit(hits, sink)
        for v in visits:
            v.close()

    def _visit_group(self, table: Spool, guests: Spool) -> list[Hits]:
        """The nearest members of each visited cell of one group, for its visitors."""
        wanted = guests.read(0, len(guests))
        wanted = wanted[np.argsort(wanted["cell"], kind="stable")]
        hits: list[Hits] = []
        for cell in self._cells(table):
            c = cell["cell"][0]
            lo, hi = np.searchsorted(wanted["cell"], c, side="left"), np.searchsorted(wanted["cell"], c, side="right")
            members = cell[cell["tag"] == self.member]
            if hi == lo or len(members) == 0:
                continue
            visitors = wanted[lo:hi]
            at, dist = nearest(visitors["vec"].astype(np.float32), members["vec"].astype(np.float32), np.full(len(visitors), -1), 1)
            ids = np.where(at >= 0, members["row"][np.maximum(at, 0)], -1)
            for tag in np.unique(visitors["tag"]):
                pick = visitors["tag"] == tag
                hits.append(Hits(int(tag), visitors["row"][pick], ids[pick], dist[pick], home=False))
        return hits

    def close(self) -> None:
        for t in self._groups:
            t.close()


def _emit(hits: list[Hits], sink: Sink) -> None:
    """One call per split for a group's hits."""
    for tag in sorted({h.tag for h in hits}):
        mine = [h for h in hits if h.tag == tag]
        vectors = [h.vectors for h in mine if h.vectors is not None]
        sink(
            Hits(
                tag,
                np.concatenate([h.rows for h in mine]),
                np.concatenate([h.ids for h in mine]),
                np.concatenate([h.dist for h in mine]),
                home=mine[0].home,
                vectors=np.concatenate(vectors) if len(vectors) == len(mine) else None,
            )
        )
