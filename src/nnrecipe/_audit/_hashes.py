"""Content hashes of every example, partitioned so that duplicates are found one part at a time.

A record is ``(hash, split, row)``; records go to one of ``parts`` tables by the top bits of
their hash, so equal hashes always share a table and each table is sorted on its own: the
memory needed is a table's, not the whole split's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ._budget import Budget
from ._spool import Spool

__all__ = ["HashTable", "hash_groups"]

RECORD = np.dtype([("h0", np.uint64), ("h1", np.uint64), ("split", np.int8), ("row", np.int64)])


def hash_groups(hashes: np.ndarray, row: Callable[[int], np.ndarray] | None = None) -> list[np.ndarray]:
    """Group positions whose 128-bit hashes are equal.

    Args:
        hashes: ``(m, 2)`` uint64 hashes.
        row: Optionally a function from a position to its values; each group is then
            verified value by value, so a hash collision cannot report two different
            examples as duplicates.

    Returns:
        Groups of at least two positions, each sorted, in order of their first position.

    Example:
        >>> h = np.array([[1, 2], [3, 4], [1, 2]], dtype=np.uint64)
        >>> [g.tolist() for g in hash_groups(h)]
        [[0, 2]]
    """
    if len(hashes) < 2:
        return []
    order = np.lexsort((hashes[:, 1], hashes[:, 0]))
    h = hashes[order]
    same = (h[1:] == h[:-1]).all(1)
    # Run boundaries: a new run starts wherever a row differs from the one before it.
    starts = np.flatnonzero(np.concatenate([[True], ~same]))
    ends = np.concatenate([starts[1:], [len(h)]])
    groups: list[np.ndarray] = []
    for a, b in zip(starts[ends - starts >= 2], ends[ends - starts >= 2]):
        members = np.sort(order[a:b])
        if row is not None:
            first = row(int(members[0]))
            members = members[np.asarray([np.array_equal(row(int(i)), first) for i in members], dtype=bool)]
        if len(members) >= 2:
            groups.append(members)
    groups.sort(key=lambda g: int(g[0]))
    return groups


class HashTable:
    """Hash records of every split, in ``parts`` tables by hash prefix.

    Args:
        budget: Tables move to its folder when they outgrow their share.
        parts: Number of tables (a power of two).
        expected: Records expected in all, if known (large tables then start on disk).
    """

    def __init__(self, budget: Budget, *, parts: int = 64, expected: int = 0) -> None:
        self._bits = np.uint64(64 - int(np.log2(parts)))
        limit = max(budget.share(0.1) // parts, 1 << 16)
        self._parts = [Spool(budget, RECORD, 0, limit=limit, name=f"hashes{p}", expected=expected // parts) for p in range(parts)]

    def add(self, split: int, rows: np.ndarray, hashes: np.ndarray) -> None:
        """Add the hashes of some rows of split number ``split``."""
        rec = np.empty(len(rows), RECORD)
        rec["h0"], rec["h1"], rec["split"], rec["row"] = hashes[:, 0], hashes[:, 1], split, rows
        part = (hashes[:, 0] >> self._bits).astype(np.int64)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(len(self._parts) + 1))
        for p in np.flatnonzero(np.diff(bounds)):
            self._parts[p].append(rec[order[bounds[p] : bounds[p + 1]]])

    def groups(self) -> Iterator[np.ndarray]:
        """Every group of two or more records with equal hashes (records sorted by split, row)."""
        for table in self._parts:
            rec = np.concatenate([part for _, part in table.chunks(1 << 20)]) if len(table) else np.zeros(0, RECORD)
            for g in hash_groups(np.stack([rec["h0"], rec["h1"]], axis=1)) if len(rec) > 1 else []:
                members = rec[g]
                yield members[np.lexsort((members["row"], members["split"]))]

    def close(self) -> None:
        for t in self._parts:
            t.close()
