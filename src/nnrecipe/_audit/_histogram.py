"""Histograms on a robust axis: the bulk of the values fills the bins, outliers are counted apart.

One image left in 0-255 among 0-1 ones puts every other value into the first of thirty
linear bins. The axis instead spans the 1-99% quantiles plus half their range on each side
(the same fences as the outlier scores), on a log scale when the values are positive and
span orders of magnitude; values beyond it are counted as outliers below and above. The
axis comes from a sample, the counts are added chunk by chunk.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np

from ._sections import Histogram

__all__ = ["Axis", "histogram", "robust_axis"]

_BINS = 30
_LOG_SPAN = 20.0  # q99 / q01 above which positive values are binned on a log scale


@dataclasses.dataclass(frozen=True)
class Axis:
    """Bin edges and their scale."""

    edges: np.ndarray
    scale: Literal["linear", "log"]

    def count(self, values: np.ndarray) -> tuple[np.ndarray, int, int]:
        """``(counts per bin, below the axis, above it)`` of the finite values."""
        v = values[np.isfinite(values)]
        below = int((v < self.edges[0]).sum())
        above = int((v > self.edges[-1]).sum())
        inside = v[(v >= self.edges[0]) & (v <= self.edges[-1])]
        counts, _ = np.histogram(inside, bins=self.edges)
        return counts.astype(np.int64), below, above


def robust_axis(sample: np.ndarray, *, bins: int = _BINS) -> Axis:
    """The axis for values like ``sample`` (finite values; any subsample of the statistic).

    Example:
        >>> v = np.concatenate([np.random.default_rng(0).normal(size=999), [1e6]])
        >>> counts, below, above = robust_axis(v).count(v)
        >>> int(counts.sum()), below, above
        (999, 0, 1)
    """
    v = sample[np.isfinite(sample)].astype(np.float64)
    if len(v) == 0:
        return Axis(np.array([0.0, 1.0]), "linear")
    q01, q99 = np.quantile(v, [0.01, 0.99])
    scale: Literal["linear", "log"] = "log" if v.min() > 0 and q99 / q01 > _LOG_SPAN else "linear"
    w = np.log10(v) if scale == "log" else v
    q01, q99 = np.quantile(w, [0.01, 0.99])
    fence = 0.5 * (q99 - q01)
    lo, hi = max(float(w.min()), q01 - fence), min(float(w.max()), q99 + fence)
    if scale == "linear" and np.all(v == np.round(v)) and hi - lo <= 2 * bins:
        # Whole numbers (a length, a max pixel value): one bin per value, centred on it.
        edges = np.arange(np.floor(lo), np.ceil(hi) + 1.0) - 0.5
        edges = np.append(edges, edges[-1] + 1.0)
        return Axis(edges, scale)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5  # a constant: one bin around it
        bins = 1
    edges = np.linspace(lo, hi, bins + 1)
    return Axis(10.0**edges if scale == "log" else edges, scale)


def histogram(values: np.ndarray, *, axis: Axis | None = None) -> Histogram:
    """The histogram of ``values`` on ``axis`` (by default the robust axis of the values)."""
    v = values[np.isfinite(values)]
    axis = axis or robust_axis(v)
    counts, below, above = axis.count(v)
    return Histogram(
        edges=tuple(axis.edges.tolist()),
        counts=tuple(counts.tolist()),
        scale=axis.scale,
        below=below,
        above=above,
        low=float(v.min()) if len(v) else float("nan"),
        high=float(v.max()) if len(v) else float("nan"),
    )
