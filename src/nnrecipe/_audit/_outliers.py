"""Outliers on per-example statistics, the extremes of each statistic and their histograms.

Each statistic is scored by a robust z-score against the training split (median and MAD,
so the outliers themselves do not inflate the scale). Outliers usually mean a bug: an image
left in 0-255 among 0-1 ones, a sequence that was never padded, a sensor stuck at zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ._finding import Finding
from ._histogram import histogram
from ._sections import StatisticSummary
from ._split import LoadedSplit
from ._stats import SplitStats

__all__ = ["RobustScale", "outlier_findings", "outlier_scores", "robust_scale", "statistic_summary"]

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


def statistic_summary(values: np.ndarray, index: np.ndarray, *, k: int = 5) -> StatisticSummary:
    """The ``k`` lowest and highest finite values as ``(index, value)`` pairs, and the histogram.

    Example:
        >>> s = statistic_summary(np.array([3.0, np.nan, 1.0, 2.0]), np.arange(4), k=1)
        >>> s.lowest, s.highest
        (((2, 1.0),), ((0, 3.0),))
    """
    ok = np.flatnonzero(np.isfinite(values))
    order = ok[np.argsort(values[ok], kind="stable")]
    pairs = lambda rows: tuple((int(index[i]), float(values[i])) for i in rows)
    return StatisticSummary(lowest=pairs(order[:k]), highest=pairs(order[::-1][:k]), histogram=histogram(values))


def outlier_findings(
    splits: Mapping[str, LoadedSplit], stats: Mapping[str, SplitStats], train_rows: np.ndarray, z_max: float
) -> list[Finding]:
    """One ``outliers`` finding: every example with a statistic beyond ``z_max``, worst first.

    Args:
        splits: The loaded splits.
        stats: Their statistics, ``nn_distance`` included.
        train_rows: The finite training rows, which define the reference scale.
        z_max: The robust z-score above which an example is an outlier.
    """
    reference = {k: robust_scale(v[train_rows]) for k, v in log_values(stats["train"].values).items()}
    hits: list[tuple[float, str, int, str]] = []
    for n, s in splits.items():
        for stat, z in outlier_scores(log_values(stats[n].values), reference).items():
            hits += [(float(z[r]), n, int(s.index[r]), stat) for r in np.flatnonzero(z > z_max)]
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
