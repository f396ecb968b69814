"""Samples kept while streaming: uniform row samples, a few rows per class, and the extremes.

Each row gets a pseudo-random key from its position and the seed (not from the order or size
of the chunks); a sample of ``k`` rows is the ``k`` rows with the smallest keys, so it is a
uniform sample without replacement, the same however the split was read.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["Extremes", "Reservoir", "row_keys"]

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def row_keys(index: np.ndarray, seed: int) -> np.ndarray:
    """A uniform 64-bit key per position (splitmix64 of the position and the seed).

    Example:
        >>> row_keys(np.arange(3), 0).tolist() == row_keys(np.arange(3), 0).tolist()
        True
    """
    z = np.asarray(index, dtype=np.uint64) + np.uint64((seed * 0x9E3779B97F4A7C15) % 2**64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


_EMPTY = np.uint64(2**64 - 1)  # the key of a slot not filled yet: every real key is smaller


@dataclasses.dataclass
class Reservoir:
    """At most ``size`` rows chosen uniformly: values, labels, positions and usable-row numbers.

    The arrays are allocated once, at ``size`` rows, and rows replace one another in place:
    no chunk ever copies the whole sample.

    Attributes:
        X: ``(k, d)`` the sampled rows.
        y: ``(k, ...)`` their labels, or ``None``.
        index: ``(k,)`` positions as passed.
        rows: ``(k,)`` usable-row numbers.
    """

    size: int
    keys: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.uint64))
    X: np.ndarray | None = None
    y: np.ndarray | None = None
    index: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))
    rows: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))

    def offer(self, keys: np.ndarray, X: np.ndarray, y: np.ndarray | None, index: np.ndarray, rows: np.ndarray) -> None:
        """Consider a chunk's rows (``keys`` from :func:`row_keys`)."""
        if self.size <= 0 or len(keys) == 0:
            return
        if self.X is None:
            self.keys = np.full(self.size, _EMPTY)
            self.X = np.empty((self.size, *X.shape[1:]), X.dtype)
            self.y = None if y is None else np.empty((self.size, *y.shape[1:]), y.dtype)
            self.index = np.full(self.size, -1, np.int64)
            self.rows = np.full(self.size, -1, np.int64)
        take = np.flatnonzero(keys < self.keys.max())
        if len(take) > self.size:  # only the smallest keys of the chunk can enter
            take = take[np.argpartition(keys[take], self.size - 1)[: self.size]]
        if len(take) == 0:
            return
        # The smallest keys of kept and offered rows stay; offered ones fill the slots freed.
        merged = np.concatenate([self.keys, keys[take]])
        keep = np.argpartition(merged, self.size - 1)[: self.size]
        incoming = take[keep[keep >= self.size] - self.size]
        slots = np.setdiff1d(np.arange(self.size), keep[keep < self.size], assume_unique=True)
        self.keys[slots] = keys[incoming]
        self.X[slots] = X[incoming]
        if y is not None and self.y is not None:
            self.y[slots] = y[incoming]
        self.index[slots] = index[incoming]
        self.rows[slots] = rows[incoming]

    def finish(self) -> None:
        """Drop the slots never filled and order the sample by position (the order it is used in)."""
        filled = np.flatnonzero(self.keys != _EMPTY)
        order = filled[np.argsort(self.index[filled], kind="stable")]
        self.keys, self.index, self.rows = self.keys[order], self.index[order], self.rows[order]
        self.X = None if self.X is None or not len(order) else self.X[order]
        self.y = None if self.y is None or not len(order) else self.y[order]

    def __len__(self) -> int:
        return int((self.keys != _EMPTY).sum())


@dataclasses.dataclass
class Extremes:
    """The ``k`` lowest and ``k`` highest values of a statistic, with their rows' values.

    Attributes:
        low: ``(value, position, usable row, flat values)`` ascending.
        high: The same, descending.
    """

    k: int
    keep_rows: bool = True
    low: list[tuple[float, int, int, np.ndarray | None]] = dataclasses.field(default_factory=list)
    high: list[tuple[float, int, int, np.ndarray | None]] = dataclasses.field(default_factory=list)

    def offer(self, values: np.ndarray, index: np.ndarray, rows: np.ndarray, X: np.ndarray | None) -> None:
        """Consider a chunk's values (non-finite ones never count)."""
        ok = np.flatnonzero(np.isfinite(values))
        if len(ok) == 0:
            return
        low, high = _smallest(values[ok], self.k), _smallest(-values[ok], self.k)
        for side, picks in ((self.low, ok[low]), (self.high, ok[high])):
            side += [
                (float(values[i]), int(index[i]), int(rows[i]), X[i].copy() if X is not None and self.keep_rows else None)
                for i in picks
            ]
        self.low = sorted(self.low, key=lambda t: (t[0], t[1]))[: self.k]
        self.high = sorted(self.high, key=lambda t: (-t[0], t[1]))[: self.k]


def _smallest(v: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` smallest values, ties to the earliest position (so a chunked
    stream gives the same answer as one chunk); linear time, not a sort of the chunk."""
    if len(v) > k:
        kth = np.partition(v, k - 1)[k - 1]
        below = np.flatnonzero(v < kth)
        picks = np.concatenate([below, np.flatnonzero(v == kth)[: k - len(below)]])
    else:
        picks = np.arange(len(v))
    return picks[np.lexsort((picks, v[picks]))]
