"""Choosing the examples the pictures show: a few per class and the extremes of each statistic."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._labels import LabelAnalysis
from ._report import Gallery
from ._split import LoadedSplit
from ._stats import SplitStats

__all__ = ["build_gallery"]


def build_gallery(
    splits: Mapping[str, LoadedSplit],
    stats: Mapping[str, SplitStats],
    labels: LabelAnalysis,
    *,
    per_class: int = 8,
    per_extreme: int = 4,
    max_classes: int = 20,
    seed: int = 0,
) -> Gallery:
    """Pick random training examples per class and each statistic's lowest and highest.

    Returns:
        A :class:`Gallery` holding copies of the picked examples (a few hundred at most).
    """
    train = splits["train"]
    finite = stats["train"].finite
    rng = np.random.default_rng(seed)
    groups: dict[str, np.ndarray] = {}
    if labels.task == "classification":
        ids = labels.classes["train"]
        names = train.class_names
        for c in np.unique(ids[(ids >= 0) & finite])[:max_classes]:
            groups[names[c] if names and c < len(names) else str(int(c))] = np.flatnonzero((ids == c) & finite)
    else:
        groups["all"] = np.flatnonzero(finite)
    shown = {
        name: [("train", int(train.index[r]), train.X[r].copy()) for r in np.sort(rng.permutation(rows)[:per_class])]
        for name, rows in groups.items()
    }
    ends: dict[str, list[tuple[str, int, float, np.ndarray]]] = {}
    for stat, v in stats["train"].values.items():
        ok = np.flatnonzero(np.isfinite(v))
        if len(ok) == 0 or np.ptp(v[ok]) == 0:
            continue  # a constant statistic has no extremes worth drawing
        order = ok[np.argsort(v[ok], kind="stable")]
        picks = list(order[:per_extreme]) + list(order[::-1][:per_extreme])
        ends[stat] = [("train", int(train.index[r]), float(v[r]), train.X[r].copy()) for r in picks]
    return Gallery(shape=train.shape, per_class=shown, extremes=ends)
