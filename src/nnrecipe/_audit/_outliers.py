"""Outliers on per-example statistics, the extremes of each statistic and their histograms.

Each statistic is scored by a robust z-score against the training split (median and MAD,
so the outliers themselves do not inflate the scale). Outliers usually mean a bug: an image
left in 0-255 among 0-1 ones, a sequence that was never padded, a sensor stuck at zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from ._finding import Finding
from ._histogram import Axis, robust_axis
from ._reservoir import Extremes
from ._scan import Scan
from ._sections import Histogram, StatisticSummary
from ._split import RowIndex
from ._stats import STAT_NAMES

__all__ = ["RobustScale", "outlier_pass", "outlier_scores", "robust_scale", "statistic_summary"]

# Only large values of these are suspicious: a small nearest-neighbour distance is a
# near duplicate, reported on its own.
ONE_SIDED = frozenset({"nn_distance"})


@dataclasses.dataclass(frozen=True)
class RobustScale:
    """Centre and spread of a statistic; ``spread == 0`` means it cannot be scored.

    ``low`` and ``high`` are fences half the 1-99% range beyond the 1% and 99% quantiles:
    a heavy-tailed statistic (the max of bounded pixels) has many values far from its median
    in MAD units, and only those beyond the fences are outliers too.
    """

    centre: float
    spread: float
    low: float = -np.inf
    high: float = np.inf


def robust_scale(values: np.ndarray) -> RobustScale:
    """Median and scaled MAD of the finite values, falling back to the mean absolute deviation.

    Example:
        >>> robust_scale(np.array([1.0, 2.0, 3.0, 100.0])).centre
        2.5
    """
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return RobustScale(0.0, 0.0)
    q01, q99 = (float(q) for q in np.quantile(v, [0.01, 0.99]))
    fence = 0.5 * (q99 - q01)
    med = float(np.median(v))
    spread = 1.4826 * float(np.median(np.abs(v - med)))
    tiny = 1e-12 * max(1.0, abs(med))
    if spread <= tiny:
        # Over half the values are equal (a max that is 16 for nearly every digit): the MAD
        # is 0, so fall back to the std, which still sees rare departures without making
        # every value one step off the mode a huge outlier.
        spread = float(np.std(v))
    if spread <= tiny:
        spread = 0.0
    return RobustScale(med, spread, q01 - fence, q99 + fence)


def outlier_scores(values: Mapping[str, np.ndarray], reference: Mapping[str, RobustScale]) -> dict[str, np.ndarray]:
    """Robust z-score of each example on each statistic (0 where a statistic is unscorable).

    The nearest-neighbour distance is scored on a log scale and only upwards.
    """
    scores: dict[str, np.ndarray] = {}
    for name, v in values.items():
        ref = reference.get(name)
        if ref is None or ref.spread == 0.0:
            continue
        z = np.where((v < ref.low) | (v > ref.high), (v - ref.centre) / ref.spread, 0.0)
        if name in ONE_SIDED:
            z = np.maximum(z, 0.0)
        scores[name] = np.nan_to_num(np.abs(z), nan=0.0)
    return scores


def log_values(values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The statistics as scored: nearest distances on a log scale (they spread multiplicatively)."""
    out = dict(values)
    if "nn_distance" in out:
        out["nn_distance"] = np.log(np.maximum(out["nn_distance"], 1e-12))
    return out


def _summary(ext: Extremes, hist: Histogram) -> StatisticSummary:
    return StatisticSummary(
        lowest=tuple((i, v) for v, i, _, _ in ext.low), highest=tuple((i, v) for v, i, _, _ in ext.high), histogram=hist
    )


def statistic_summary(values: np.ndarray, index: RowIndex, *, k: int = 5, axis_sample: np.ndarray | None = None) -> StatisticSummary:
    """The ``k`` lowest and highest finite values as ``(index, value)`` pairs, and the histogram
    (for a statistic held in memory whole, like ``nn_distance``)."""
    ext = Extremes(k, keep_rows=False)
    for b in range(0, len(values), 1 << 20):  # in blocks: no index array as long as the values
        rows = np.arange(b, min(b + (1 << 20), len(values)))
        ext.offer(values[rows], index[rows], rows, None)
    axis = robust_axis(values if axis_sample is None else axis_sample)
    counts = np.zeros(len(axis.edges) - 1, np.int64)
    below = above = 0
    for b in range(0, len(values), 1 << 20):
        c, lo, hi = axis.count(values[b : b + (1 << 20)])
        counts, below, above = counts + c, below + lo, above + hi
    return _summary(ext, _histogram(axis, counts, below, above, ext))


def outlier_pass(
    scans: Sequence[Scan], nearest: Mapping[str, np.ndarray], z_max: float, *, chunk: int = 1 << 18, seed: int = 0
) -> tuple[list[Finding], dict[str, dict[str, StatisticSummary]]]:
    """Score every example on every statistic against the training split, and summarise them.

    One pass over each split's statistics table: robust z-scores against scales from the
    training sample, and histogram counts on axes from each split's sample.

    Args:
        scans: The splits, train first.
        nearest: Per split, each usable row's nearest-neighbour distance (NaN if unsearched).
        z_max: The robust z-score above which an example is an outlier.
        chunk: Rows scored at once.
        seed: Seed of the nearest-distance subsample for its scale.

    Returns:
        One ``outliers`` finding (every example beyond ``z_max``, worst first), and per split
        per statistic its extremes and histogram.
    """
    rng = np.random.default_rng(seed)
    train = scans[0]
    sample = _sampled(train)
    nn_train = nearest.get(train.name, np.zeros(0))
    sample["nn_distance"] = _subsample(nn_train, rng)
    reference = {k: robust_scale(v) for k, v in log_values(sample).items()}
    hits: list[tuple[float, str, int, str]] = []
    statistics: dict[str, dict[str, StatisticSummary]] = {}
    for s in scans:
        own = _sampled(s)
        axes = {k: robust_axis(v) for k, v in own.items()}
        counts = {k: np.zeros(len(a.edges) - 1, np.int64) for k, a in axes.items()}
        below, above = dict.fromkeys(axes, 0), dict.fromkeys(axes, 0)
        nn = nearest.get(s.name, np.full(s.rows, np.nan))
        for lo, values in s.stats.chunks(chunk):
            block = {k: values[:, j].astype(np.float64) for j, k in enumerate(STAT_NAMES)}
            for k, a in axes.items():
                c, low, high = a.count(block[k])
                counts[k] += c
                below[k] += low
                above[k] += high
            block["nn_distance"] = nn[lo : lo + len(values)].astype(np.float64)
            rows = np.arange(lo, lo + len(values))
            for stat, z in outlier_scores(log_values(block), reference).items():
                out = np.flatnonzero(z > z_max)
                hits += zip(z[out].tolist(), [s.name] * len(out), s.index[rows[out]].tolist(), [stat] * len(out))
        statistics[s.name] = {
            k: _summary(s.extremes[k], _histogram(axes[k], counts[k], below[k], above[k], s.extremes[k])) for k in STAT_NAMES
        }
        statistics[s.name]["nn_distance"] = statistic_summary(nn, s.index, axis_sample=_subsample(nn, rng))
    return _finding(hits, z_max), statistics


def _subsample(values: np.ndarray, rng: np.random.Generator, size: int = 200_000) -> np.ndarray:
    return values if len(values) <= size else values[rng.integers(0, len(values), size)]


def _sampled(s: Scan) -> dict[str, np.ndarray]:
    values = s.stat_sample.X if s.stat_sample.X is not None else np.zeros((0, len(STAT_NAMES)), np.float32)
    return {k: values[:, j].astype(np.float64) for j, k in enumerate(STAT_NAMES)}


def _histogram(axis: Axis, counts: np.ndarray, below: int, above: int, ext: Extremes) -> Histogram:
    return Histogram(
        edges=tuple(axis.edges.tolist()), counts=tuple(counts.tolist()), scale=axis.scale, below=below, above=above,
        low=ext.low[0][0] if ext.low else float("nan"), high=ext.high[0][0] if ext.high else float("nan"),
    )


def _finding(hits: list[tuple[float, str, int, str]], z_max: float) -> list[Finding]:
    if not hits:
        return []
    worst: dict[tuple[str, int], tuple[float, str]] = {}
    for score, n, i, stat in sorted(hits, reverse=True):
        worst.setdefault((n, i), (score, stat))
    return [
        Finding(
            "outliers", "warn",
            f"{len(worst)} examples have a statistic more than {z_max:g} robust deviations from the "
            "train median; outliers usually reveal a data or preprocessing bug: look at them.",
            list(worst),
            {"statistic": [v[1] for v in worst.values()], "z": [round(v[0], 2) for v in worst.values()]},
        )
    ]
