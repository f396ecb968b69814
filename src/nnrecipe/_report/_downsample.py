"""Fewer points that look the same: min/max envelopes for curves, capped scatter clouds.

A run of 100,000 steps has 100,000 loss values but a picture is 600 pixels wide. Keeping the
lowest and highest value of each bucket (instead of every k-th value) keeps what a person
looks for: spikes, the floor, the noise band. A cloud of 10,000 trials keeps its best ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_LINE_POINTS", "MAX_SCATTER_POINTS", "cap_points", "envelope"]

MAX_LINE_POINTS = 800  # per line: more than the pixels of a 600-pixel wide plot, both extremes each
MAX_SCATTER_POINTS = 1500  # per scatter plot; beyond this a cloud only gets darker


def envelope(x: npt.ArrayLike, y: npt.ArrayLike, limit: int = MAX_LINE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The finite points of a curve, at most ``limit``: the minimum and the maximum of each of
    ``limit // 2`` consecutive buckets, in their order, first and last points always kept.

    Example:
        >>> x = np.arange(10_000.0); y = np.zeros(10_000); y[5_000] = 9.0
        >>> xs, ys = envelope(x, y, limit=100)
        >>> len(xs) <= 100, float(ys.max()), float(xs[0]), float(xs[-1])
        (True, 9.0, 0.0, 9999.0)
    """
    if limit < 4:
        raise ValueError(f"{limit=} must be at least 4 (first, last and one bucket's two extremes)")
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[keep], ya[keep]
    n = len(ya)
    if n <= limit:
        return xa, ya
    buckets = (limit - 2) // 2
    size = math.ceil(n / buckets)
    padded = np.full(buckets * size, np.nan)
    padded[:n] = ya
    rows = padded.reshape(buckets, size)
    filled = ~np.isnan(rows).all(axis=1)  # the last buckets can be all padding
    base = np.arange(buckets)[filled] * size
    lows = base + np.nanargmin(rows[filled], axis=1)
    highs = base + np.nanargmax(rows[filled], axis=1)
    idx = np.unique(np.concatenate(([0, n - 1], lows, highs)))
    return xa[idx], ya[idx]


def cap_points(count: int, keep: Sequence[int], limit: int = MAX_SCATTER_POINTS, seed: int = 0) -> np.ndarray:
    """Indices of at most ``limit`` of ``count`` points: every index in ``keep`` (the best
    trials, in the order given, up to ``limit``), then a random sample of the others, sorted.

    Example:
        >>> cap_points(5, [4]).tolist(), len(cap_points(10_000, range(100), limit=500))
        ([0, 1, 2, 3, 4], 500)
    """
    if count <= limit:
        return np.arange(count)
    kept = np.unique(np.asarray(list(keep)[:limit], dtype=int))
    rest = np.setdiff1d(np.arange(count), kept)
    rng = np.random.default_rng(seed)
    sample = rng.choice(rest, size=max(0, limit - len(kept)), replace=False)
    return np.sort(np.concatenate((kept, sample)))
